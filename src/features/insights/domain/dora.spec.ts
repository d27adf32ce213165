import fc from 'fast-check';
import {
  bucketStart,
  bucketStarts,
  ChangeFact,
  computeDora,
  computeDoraByService,
  DeploymentFact,
  DoraInput,
  failureRateTier,
  frequencyTier,
  IncidentFact,
  leadTimeTier,
  median,
  percentile,
  recoveryTier,
} from './dora';

const DAY = 86_400;
const t = (iso: string) => new Date(`2024-${iso}Z`);
const FROM = t('03-01T00:00:00');
const TO = t('03-31T00:00:00');
const base = (over: Partial<DoraInput> = {}): DoraInput => ({
  from: FROM,
  to: TO,
  environment: 7,
  bucket: 'week',
  deployments: [],
  incidents: [],
  changes: [],
  changesFrom: t('01-01T00:00:00'),
  ...over,
});
let n = 0;
const dep = (at: string, status: number, over: Partial<DeploymentFact> = {}): DeploymentFact => ({
  id: `d${++n}`,
  service: 'api',
  environment: 7,
  at: t(at),
  status,
  ...over,
});
const chg = (at: string, over: Partial<ChangeFact> = {}): ChangeFact => ({ id: `c${++n}`, service: 'api', changedAt: t(at), ...over });
const inc = (start: string, end: string | undefined, over: Partial<IncidentFact> = {}): IncidentFact => ({
  id: `i${++n}`,
  service: 'api',
  environment: 7,
  source: 'tracker',
  startedAt: t(start),
  ...(end ? { resolvedAt: t(end) } : {}),
  ...over,
});

describe('statistics', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1], 2],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %j', (values, expected) => expect(median(values)).toBe(expected));

  it.each([
    [[], 90, null],
    [[7], 90, 7],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, 10],
    [[10, 20, 30], 90, 30],
    [[10, 20, 30], 50, 20],
  ])('percentile(%j, %d) by nearest rank = %j', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe('tiers (2023 State of DevOps clusters, made exact)', () => {
  it.each([
    [1, 30, 'elite'],
    [0.99, 30, 'high'],
    [1 / 7, 4, 'high'],
    [1 / 7 - 1e-9, 4, 'medium'],
    [1 / 30, 1, 'medium'],
    [1 / 31, 1, 'low'],
    [0, 0, null],
  ])('frequency %d per day (%d deployments) -> %s', (perDay, count, tier) => expect(frequencyTier(perDay, count)).toBe(tier));

  it.each([
    [DAY - 1, 'elite'],
    [DAY, 'high'],
    [7 * DAY - 1, 'high'],
    [7 * DAY, 'medium'],
    [30 * DAY - 1, 'medium'],
    [30 * DAY, 'low'],
    [null, null],
  ])('lead time %j s -> %s', (s, tier) => expect(leadTimeTier(s)).toBe(tier));

  it.each([
    [0, 'elite'],
    [0.05, 'elite'],
    [0.0501, 'high'],
    [0.1, 'high'],
    [0.15, 'medium'],
    [0.1501, 'low'],
    [null, null],
  ])('change failure rate %j -> %s', (rate, tier) => expect(failureRateTier(rate)).toBe(tier));

  it.each([
    [3599, 'elite'],
    [3600, 'high'],
    [DAY, 'medium'],
    [7 * DAY - 1, 'medium'],
    [7 * DAY, 'low'],
    [null, null],
  ])('recovery %j s -> %s', (s, tier) => expect(recoveryTier(s)).toBe(tier));
});

describe('buckets', () => {
  it.each([
    ['2024-03-06T15:00:00Z', 'day', '2024-03-06T00:00:00.000Z'],
    ['2024-03-06T15:00:00Z', 'week', '2024-03-04T00:00:00.000Z'],
    ['2024-03-04T00:00:00Z', 'week', '2024-03-04T00:00:00.000Z'],
    ['2024-03-03T23:59:59Z', 'week', '2024-02-26T00:00:00.000Z'],
    ['2024-03-31T23:00:00Z', 'month', '2024-03-01T00:00:00.000Z'],
  ] as const)('%s starts its %s at %s', (at, bucket, start) => expect(bucketStart(new Date(at), bucket).toISOString()).toBe(start));

  it('covers [from, to) from the boundary at or before from', () => {
    expect(bucketStarts(t('01-31T12:00:00'), t('04-01T00:00:00'), 'month').map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2024-01-01',
      '2024-02-01',
      '2024-03-01',
    ]);
    expect(bucketStarts(FROM, t('03-03T00:00:00'), 'day')).toHaveLength(2);
  });
});

describe('computeDora: the definitions, case by case', () => {
  it('counts Success, Failure, Warning and Error deployments of the environment in [from, to), not Start', () => {
    const r = computeDora(
      base({
        deployments: [
          dep('03-01T00:00:00', 3),
          dep('03-02T00:00:00', 4),
          dep('03-03T00:00:00', 5),
          dep('03-04T00:00:00', 6),
          dep('03-05T00:00:00', 1),
          dep('03-06T00:00:00', 3, { environment: 6 }),
          dep('03-31T00:00:00', 3),
          dep('02-29T23:59:59', 3),
        ],
      }),
    );
    expect(r.deploymentFrequency).toEqual({ count: 4, perDay: 4 / 30, tier: 'medium' });
    // Failure and Error fail; a Warning without the rollback mark does not
    expect(r.changeFailureRate).toEqual({
      failed: 2,
      total: 4,
      rate: 0.5,
      tier: 'low',
      byReason: { status: 2, rollback: 0, linkedIncident: 0, suspectedIncident: 0 },
    });
  });

  describe('rework and provenance', () => {
    const scenario = (countSuspected: boolean) => {
      const d1 = dep('03-02T10:00:00', 3, { id: 'd1' });
      const deployments = [
        d1,
        dep('03-03T10:00:00', 4, { id: 'd2' }), // Failure: status
        dep('03-04T10:00:00', 5, { id: 'd3', rollback: true }), // rollback mark: failed (rollback) and rework
        dep('03-05T10:00:00', 3, { id: 'd4', relatedId: 'i1' }), // fixes i1: rework
        dep('03-06T10:00:00', 3, { id: 'd5', relatedId: 'd1' }), // redeploys d1: rework
        dep('03-07T10:00:00', 3, { id: 'd6' }), // linked by i2
        dep('03-08T10:00:00', 3, { id: 'd7' }), // suspected by i3 (1 h before it)
        dep('03-09T10:00:00', 4, { id: 'd8', rollback: true, relatedId: 'd7' }), // status first; rework (redeploys)
        dep('03-10T10:00:00', 3, { id: 'd9', environment: 6, relatedId: 'i1' }), // another environment: not counted
      ];
      const incidents = [
        inc('03-04T12:00:00', '03-04T13:00:00', { id: 'i1', relatedId: 'd2', source: 'pagerduty' }),
        inc('03-07T12:00:00', '03-07T12:30:00', { id: 'i2', relatedId: 'd6', source: 'alertmanager' }),
        inc('03-08T11:00:00', undefined, { id: 'i3', source: 'grafana' }),
        inc('03-08T12:00:00', undefined, { id: 'i4', environment: 6 }), // another environment
      ];
      return computeDora(base({ deployments, incidents, countSuspected, causeWindowMs: 240 * 60_000 }));
    };

    it('rework: fixes, redeploys and the rollback mark, each deployment once; no tier', () => {
      expect(scenario(false).deploymentReworkRate).toEqual({ rework: 4, total: 8, rate: 0.5 });
    });

    it('failed by first reason; a suspected cause counts only when on', () => {
      expect(scenario(false).changeFailureRate).toMatchObject({
        failed: 4,
        total: 8,
        rate: 0.5,
        byReason: { status: 2, rollback: 1, linkedIncident: 1, suspectedIncident: 0 },
      });
      expect(scenario(true).changeFailureRate).toMatchObject({
        failed: 5,
        rate: 5 / 8,
        byReason: { status: 2, rollback: 1, linkedIncident: 1, suspectedIncident: 1 },
      });
    });

    it('incidents by source: those of the environment opened in the window, resolved or not', () => {
      expect(scenario(false).recoveryTime).toMatchObject({
        samples: 2,
        unresolved: 1,
        bySource: { pagerduty: 1, alertmanager: 1, grafana: 1, tracker: 0 },
      });
    });
  });

  it('a rollback mark or an incident naming the deployment fails it', () => {
    const named = dep('03-03T00:00:00', 3);
    const r = computeDora(
      base({
        deployments: [dep('03-02T00:00:00', 5, { rollback: true }), named, dep('03-04T00:00:00', 3)],
        // the incident is of another service and environment, and after the window: it still names the deployment
        incidents: [inc('04-10T00:00:00', undefined, { relatedId: named.id, service: 'other', environment: 1 })],
      }),
    );
    expect(r.changeFailureRate).toMatchObject({ failed: 2, total: 3 });
    expect(r.recoveryTime).toEqual({
      medianSeconds: null,
      samples: 0,
      unresolved: 0,
      tier: null,
      bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 0 },
    });
  });

  it('lead time: linked changes first (pull request, commit by prefix), else the changes since the previous success', () => {
    const r = computeDora(
      base({
        deployments: [
          dep('02-20T00:00:00', 3), // the previous success, before the window
          dep('03-02T00:00:00', 3), // by time: c(02-25), c(03-01T12)
          dep('03-03T00:00:00', 4), // not a success: no lead time, and not a "previous success"
          dep('03-04T00:00:00', 3, { pullRequestLink: 'pr-9' }), // linked: c(pr-9) only
          dep('03-05T00:00:00', 3, { commitSha: 'ABCDEF0123' }), // linked by commit prefix
          dep('03-06T00:00:00', 3), // by time since 03-05: nothing -> without changes
        ],
        changes: [
          chg('02-19T00:00:00'), // before the previous success
          chg('02-25T00:00:00'),
          chg('03-01T12:00:00'),
          chg('03-03T12:00:00', { pullRequestLink: 'pr-9' }),
          chg('03-02T12:00:00'), // shipped by nobody: 03-04 has a linked change, 03-05 too
          chg('03-04T18:00:00', { sha: 'abcdef0123456789' }),
          chg('03-20T00:00:00', { service: 'other' }),
          chg('04-02T00:00:00'),
        ],
      }),
    );
    // 03-02: 6 d (2024 is a leap year), 12 h; 03-04: 12 h; 03-05: 6 h -> sorted 6h, 12h, 12h, 6d: median 12 h, p90 rank 4 -> 6 d
    expect(r.leadTimeForChanges).toEqual({
      medianSeconds: 43200,
      p90Seconds: 6 * DAY,
      samples: 4,
      deploymentsWithoutChanges: 1,
      tier: 'elite',
    });
  });

  it('lead time: a deployment with no previous success ships the changes since changesFrom; linked changes after it do not count', () => {
    const r = computeDora(
      base({
        changesFrom: t('02-01T00:00:00'),
        deployments: [dep('03-10T00:00:00', 3, { pullRequestLink: 'late' })],
        changes: [chg('01-31T00:00:00'), chg('03-09T00:00:00'), chg('03-11T00:00:00', { pullRequestLink: 'late' })],
      }),
    );
    expect(r.leadTimeForChanges).toMatchObject({ medianSeconds: DAY, samples: 1, deploymentsWithoutChanges: 0 });
  });

  it('recovery: incidents of the environment opened in the window; unresolved apart; an end before the start is 0 s', () => {
    const r = computeDora(
      base({
        incidents: [
          inc('03-01T00:00:00', '03-01T00:30:00'),
          inc('03-02T00:00:00', '03-02T02:00:00'),
          inc('03-03T00:00:00', '03-02T00:00:00'),
          inc('03-04T00:00:00', undefined),
          inc('02-28T00:00:00', '03-01T00:00:00'),
          inc('03-05T00:00:00', '03-05T01:00:00', { environment: 6 }),
        ],
      }),
    );
    expect(r.recoveryTime).toEqual({
      medianSeconds: 1800,
      samples: 3,
      unresolved: 1,
      tier: 'elite',
      bySource: { pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 4 },
    });
  });

  it('with a service: only its deployments, changes and incidents', () => {
    const r = computeDora(
      base({
        service: 'web',
        deployments: [dep('03-02T00:00:00', 3), dep('03-03T00:00:00', 3, { service: 'web' })],
        incidents: [inc('03-04T00:00:00', '03-04T00:10:00')],
        changes: [chg('03-01T00:00:00'), chg('03-02T12:00:00', { service: 'web' })],
      }),
    );
    expect(r.deploymentFrequency.count).toBe(1);
    expect(r.leadTimeForChanges).toMatchObject({ medianSeconds: 43200, samples: 1 });
    expect(r.recoveryTime.samples).toBe(0);
  });

  it('no data: null rates, medians and tiers; buckets still cover the window', () => {
    const r = computeDora(base({ bucket: 'day' }));
    expect(r.deploymentFrequency).toEqual({ count: 0, perDay: 0, tier: null });
    expect(r.changeFailureRate).toEqual({
      failed: 0,
      total: 0,
      rate: null,
      tier: null,
      byReason: { status: 0, rollback: 0, linkedIncident: 0, suspectedIncident: 0 },
    });
    expect(r.deploymentReworkRate).toEqual({ rework: 0, total: 0, rate: null });
    expect(r.leadTimeForChanges).toEqual({ medianSeconds: null, p90Seconds: null, samples: 0, deploymentsWithoutChanges: 0, tier: null });
    expect(r.buckets).toHaveLength(30);
    expect(computeDora(base({ bucket: undefined })).buckets).toEqual([]);
  });

  it('by service: services with a deployment or incident of the environment in the window, sorted', () => {
    const rows = computeDoraByService({
      ...base(),
      deployments: [dep('03-02T00:00:00', 3, { service: 'web' }), dep('03-02T00:00:00', 3, { service: 'Zeta', environment: 6 })],
      incidents: [inc('03-04T00:00:00', '03-04T00:10:00', { service: 'api' })],
    });
    expect(rows.map((r) => r.service)).toEqual(['api', 'web']);
    expect(rows[0].keys.recoveryTime.medianSeconds).toBe(600);
    expect(rows[1].keys.deploymentFrequency.count).toBe(1);
  });
});

describe('computeDora: properties', () => {
  const SERVICES = ['a', 'b', 'c'];
  const instant = fc.integer({ min: t('01-15T00:00:00').getTime(), max: t('04-15T00:00:00').getTime() }).map((ms) => new Date(ms));
  const deployments = fc.uniqueArray(
    fc.record({
      id: fc.stringMatching(/^[0-9a-f]{6}$/),
      service: fc.constantFrom(...SERVICES),
      environment: fc.constantFrom(6, 7),
      at: instant,
      status: fc.constantFrom(1, 3, 3, 3, 4, 5, 6),
      rollback: fc.boolean(),
      relatedId: fc.option(fc.constantFrom('inc0', 'inc1', 'inc2', '000000', 'ffffff'), { nil: undefined }),
      commitSha: fc.option(fc.constantFrom('aaaaaaa1', 'bbbbbbb2'), { nil: undefined }),
      pullRequestLink: fc.option(fc.constantFrom('pr-1', 'pr-2'), { nil: undefined }),
    }),
    { selector: (d) => d.id, maxLength: 40 },
  );
  const changes = fc.array(
    fc.record({
      id: fc.uuid(),
      service: fc.constantFrom(...SERVICES),
      changedAt: instant,
      sha: fc.option(fc.constantFrom('aaaaaaa1ffff', 'bbbbbbb2', 'ccccccc3'), { nil: undefined }),
      pullRequestLink: fc.option(fc.constantFrom('pr-1', 'pr-2', 'pr-3'), { nil: undefined }),
    }),
    { maxLength: 40 },
  );
  const scenario = fc
    .tuple(
      deployments,
      changes,
      fc.array(fc.tuple(instant, fc.option(fc.integer({ min: 0, max: 30 * DAY }), { nil: undefined }), fc.nat(50)), { maxLength: 15 }),
    )
    .map(([deps, chgs, incs]) =>
      base({
        deployments: deps,
        changes: chgs,
        incidents: incs.map(([start, seconds, pick], i) => ({
          id: `inc${i}`,
          service: SERVICES[pick % 3],
          environment: pick % 2 ? 7 : 6,
          source: 'tracker' as const,
          startedAt: start,
          ...(seconds !== undefined ? { resolvedAt: new Date(start.getTime() + seconds * 1000) } : {}),
          ...(pick % 4 === 0 && deps.length ? { relatedId: deps[pick % deps.length].id } : {}),
        })),
        changesFrom: t('01-01T00:00:00'),
        bucket: (['day', 'week', 'month'] as const)[incs.length % 3],
      }),
    );

  it('the change failure rate is in [0, 1] (or null with no deployment)', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { rate, total, failed } = computeDora(input).changeFailureRate;
        if (total === 0) return rate === null;
        return rate !== null && rate >= 0 && rate <= 1 && failed <= total;
      }),
    );
  });

  it('adding a successful deployment never lowers the frequency and never raises the rate', () => {
    const extra = fc.record({ at: fc.integer({ min: FROM.getTime(), max: TO.getTime() - 1 }), service: fc.constantFrom(...SERVICES) });
    fc.assert(
      fc.property(scenario, extra, (input, { at, service }) => {
        const before = computeDora(input);
        const added: DeploymentFact = { id: 'added-success', service, environment: 7, at: new Date(at), status: 3 };
        const after = computeDora({ ...input, deployments: [...input.deployments, added] });
        const rate = (r: number | null) => r ?? 0;
        return (
          after.deploymentFrequency.perDay > before.deploymentFrequency.perDay &&
          rate(after.changeFailureRate.rate) <= rate(before.changeFailureRate.rate) + 1e-12 &&
          after.changeFailureRate.failed === before.changeFailureRate.failed
        );
      }),
    );
  });

  it('does not depend on the order the facts come in', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (input, seed) => {
        const shuffle = <T>(xs: T[]) => {
          const out = [...xs];
          let s = seed;
          for (let i = out.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j], out[i]];
          }
          return out;
        };
        const shuffled = {
          ...input,
          deployments: shuffle(input.deployments),
          changes: shuffle(input.changes),
          incidents: shuffle(input.incidents),
        };
        expect(computeDora(shuffled)).toEqual(computeDora(input));
        expect(computeDoraByService(shuffled)).toEqual(computeDoraByService(input));
      }),
    );
  });

  const failure = (r: ReturnType<typeof computeDora>) => r.changeFailureRate;

  it('adding a linked cause never lowers the failure rate (and the reasons add up to the failed count)', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.boolean(), (input, pick, countSuspected) => {
        fc.pre(input.deployments.length > 0);
        const target = input.deployments[pick % input.deployments.length];
        const before = failure(computeDora({ ...input, countSuspected }));
        const linked: IncidentFact = {
          id: 'linked',
          service: target.service,
          source: 'tracker',
          startedAt: target.at,
          relatedId: target.id,
        };
        const after = failure(computeDora({ ...input, countSuspected, incidents: [...input.incidents, linked] }));
        const sum = (f: typeof after) => Object.values(f.byReason).reduce((a, b) => a + b, 0);
        return (
          after.failed >= before.failed &&
          (after.rate ?? 0) >= (before.rate ?? 0) &&
          after.total === before.total &&
          sum(after) === after.failed &&
          sum(before) === before.failed
        );
      }),
    );
  });

  it('suspected causes change nothing while DORA_SUSPECTED_CAUSES is off', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 10_080 }), (input, minutes) => {
        const off = computeDora({ ...input, countSuspected: false, causeWindowMs: minutes * 60_000 });
        // the same as with no unlinked incident at all, for the failure rate
        const linkedOnly = computeDora({ ...input, countSuspected: false, incidents: input.incidents.filter((i) => i.relatedId) });
        const on = computeDora({ ...input, countSuspected: true, causeWindowMs: minutes * 60_000 });
        return (
          JSON.stringify(off.changeFailureRate) === JSON.stringify(linkedOnly.changeFailureRate) &&
          off.changeFailureRate.byReason.suspectedIncident === 0 &&
          on.changeFailureRate.failed >= off.changeFailureRate.failed &&
          on.changeFailureRate.failed - off.changeFailureRate.failed === on.changeFailureRate.byReason.suspectedIncident
        );
      }),
    );
  });

  it('the rework rate is in [0, 1] over the same deployments as the failure rate', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { rework, total, rate } = computeDora(input).deploymentReworkRate;
        if (total === 0) return rate === null && rework === 0;
        return total === computeDora(input).changeFailureRate.total && rework <= total && rate === rework / total;
      }),
    );
  });

  it('the buckets sum to the totals', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const r = computeDora(input);
        const sum = (k: 'deployments' | 'failed') => r.buckets.reduce((s, b) => s + b[k], 0);
        return sum('deployments') === r.deploymentFrequency.count && sum('failed') === r.changeFailureRate.failed;
      }),
    );
  });
});
