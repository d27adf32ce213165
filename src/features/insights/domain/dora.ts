/*
 * The four DORA keys over a window, from plain facts (docs/insights.md has the definitions and the source of
 * each threshold). Pure: no Nest, no store, no clock; the same facts in any order give the same answer.
 */

import { EventStatus } from '../../../contract/enums';
import {
  DeploymentIndex,
  FAILURE_REASONS,
  failureReason,
  type DeploymentFact,
  type FailureReason,
  type IncidentFact,
  type IncidentSource,
  INCIDENT_SOURCES,
  reworkReason,
  suspectedDeployments,
} from '../../incidents';

export type { DeploymentFact, IncidentFact };

export const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const HOUR_S = 3_600;
const DAY_S = 86_400;

/** Deployment statuses that count: a deployment still at Start is not counted yet. */
const COUNTED = new Set<number>([EventStatus.Success, EventStatus.Failure, EventStatus.Warning, EventStatus.Error]);

export type Tier = 'elite' | 'high' | 'medium' | 'low';
export type Bucket = 'day' | 'week' | 'month';

export interface ChangeFact {
  id: string;
  service: string;
  sha?: string;
  pullRequestLink?: string;
  /** mergedAt, else committedAt. */
  changedAt: Date;
}

export interface DoraInput {
  /** [from, to). */
  from: Date;
  to: Date;
  environment: number;
  service?: string;
  /** Only these services, together (the gauges' service="_other"); all when absent. */
  services?: ReadonlySet<string>;
  /** No buckets when absent. */
  bucket?: Bucket;
  /** Deployments of the environment from `changesFrom` on (earlier ones are only a previous deployment). */
  deployments: DeploymentFact[];
  /** Incidents of any environment: those naming a deployment mark it failed; those of the environment count for recovery. */
  incidents: IncidentFact[];
  /** Changes from `changesFrom` on: what a deployment without a previous one in that time ships. */
  changes: ChangeFact[];
  /** Where change and previous-deployment data start (docs/insights.md: the window start minus the look-back). */
  changesFrom: Date;
  /** How long before an incident's start its suspected cause may have finished (INCIDENT_CAUSE_WINDOW_MINUTES); 240 minutes when absent. */
  causeWindowMs?: number;
  /** DORA_SUSPECTED_CAUSES: whether suspected causes count as failed deployments (off when absent). */
  countSuspected?: boolean;
}

export interface DoraKeys {
  deploymentFrequency: { count: number; perDay: number; tier: Tier | null };
  leadTimeForChanges: {
    medianSeconds: number | null;
    p90Seconds: number | null;
    samples: number;
    deploymentsWithoutChanges: number;
    tier: Tier | null;
  };
  changeFailureRate: { failed: number; total: number; rate: number | null; tier: Tier | null; byReason: Record<FailureReason, number> };
  recoveryTime: {
    medianSeconds: number | null;
    samples: number;
    unresolved: number;
    tier: Tier | null;
    bySource: Record<IncidentSource, number>;
  };
  /** DORA's fifth key; no tier: DORA publishes none yet. */
  deploymentReworkRate: { rework: number; total: number; rate: number | null };
}

/** The keys of a report, without its buckets. */
export function keysOf(r: DoraKeys): DoraKeys {
  const { deploymentFrequency, leadTimeForChanges, changeFailureRate, recoveryTime, deploymentReworkRate } = r;
  return { deploymentFrequency, leadTimeForChanges, changeFailureRate, recoveryTime, deploymentReworkRate };
}

export const DEFAULT_CAUSE_WINDOW_MS = 240 * 60_000;

export interface DoraBucket {
  start: Date;
  deployments: number;
  failed: number;
  leadTimeMedianSeconds: number | null;
  recoveryMedianSeconds: number | null;
}

export interface DoraReport extends DoraKeys {
  buckets: DoraBucket[];
}

/** The median: the middle value, or the mean of the two middle values of an even count. Null when empty. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The p-th percentile by nearest rank: the value of rank ceil(p/100 * n) in ascending order. Null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1];
}

export function frequencyTier(perDay: number, count: number): Tier | null {
  if (count === 0) return null;
  if (perDay >= 1) return 'elite';
  if (perDay >= 1 / 7) return 'high';
  if (perDay >= 1 / 30) return 'medium';
  return 'low';
}

export function leadTimeTier(medianSeconds: number | null): Tier | null {
  if (medianSeconds === null) return null;
  if (medianSeconds < DAY_S) return 'elite';
  if (medianSeconds < 7 * DAY_S) return 'high';
  if (medianSeconds < 30 * DAY_S) return 'medium';
  return 'low';
}

export function failureRateTier(rate: number | null): Tier | null {
  if (rate === null) return null;
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

export function recoveryTier(medianSeconds: number | null): Tier | null {
  if (medianSeconds === null) return null;
  if (medianSeconds < HOUR_S) return 'elite';
  if (medianSeconds < DAY_S) return 'high';
  if (medianSeconds < 7 * DAY_S) return 'medium';
  return 'low';
}

/** The start of the UTC day, ISO week (Monday) or month containing `at`. */
export function bucketStart(at: Date, bucket: Bucket): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (bucket === 'day') return new Date(day);
  if (bucket === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

function nextBucket(start: Date, bucket: Bucket): Date {
  if (bucket === 'day') return new Date(start.getTime() + DAY_MS);
  if (bucket === 'week') return new Date(start.getTime() + WEEK_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** Bucket starts covering [from, to): the first at or before `from`. */
export function bucketStarts(from: Date, to: Date, bucket: Bucket): Date[] {
  const starts: Date[] = [];
  for (let s = bucketStart(from, bucket); s < to; s = nextBucket(s, bucket)) starts.push(s);
  return starts;
}

const inWindow = (at: Date, from: Date, to: Date) => at >= from && at < to;
const seconds = (later: Date, earlier: Date) => (later.getTime() - earlier.getTime()) / 1000;
/** Both name one commit: equal, or one an abbreviation (7+ hex digits) of the other. */
const sameCommit = (a: string, b: string) => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x.length >= 7 && y.length >= 7 && (x.startsWith(y) || y.startsWith(x));
};
/** A total order on facts with equal times, so ties never depend on insertion order. */
const byTimeThenId =
  <T extends { id: string }>(time: (t: T) => number) =>
  (a: T, b: T) =>
    time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function isFailed(d: DeploymentFact, namedByIncident: ReadonlySet<string>, suspected: ReadonlySet<string> | null = null): boolean {
  return failureReason(d, namedByIncident, suspected) !== null;
}

/**
 * The lead-time samples of each successful deployment in the window: seconds from each change it ships to it.
 * The changes it ships: those linked to it (same pull request link, or same commit), else the service's changes
 * merged after its previous successful deployment (or from `changesFrom` when there is none) and at or before it.
 * Changes after the deployment never count. Sorted once, then binary searches and maps: no pairwise scan.
 */
function leadTimes(input: DoraInput, service: string, deployments: DeploymentFact[]): Map<string, number[]> {
  const changes = input.changes
    .filter((c) => c.service === service && c.changedAt >= input.changesFrom)
    .sort(byTimeThenId((c) => c.changedAt.getTime()));
  const times = changes.map((c) => c.changedAt.getTime());
  const byLink = new Map<string, ChangeFact[]>();
  const byShaPrefix = new Map<string, ChangeFact[]>();
  const add = (map: Map<string, ChangeFact[]>, key: string, c: ChangeFact) => map.set(key, [...(map.get(key) ?? []), c]);
  for (const c of changes) {
    if (c.pullRequestLink) add(byLink, c.pullRequestLink, c);
    if (c.sha && c.sha.length >= 7) add(byShaPrefix, c.sha.slice(0, 7).toLowerCase(), c);
  }
  const successes = deployments
    .filter((d) => d.service === service && d.status === EventStatus.Success && d.at >= input.changesFrom)
    .sort(byTimeThenId((d) => d.at.getTime()));
  const samples = new Map<string, number[]>();
  successes.forEach((d, i) => {
    if (!inWindow(d.at, input.from, input.to)) return;
    const linked = new Set<ChangeFact>(d.pullRequestLink ? (byLink.get(d.pullRequestLink) ?? []) : []);
    if (d.commitSha && d.commitSha.length >= 7)
      for (const c of byShaPrefix.get(d.commitSha.slice(0, 7).toLowerCase()) ?? []) if (sameCommit(c.sha!, d.commitSha)) linked.add(c);
    const shippedLinked = [...linked].filter((c) => c.changedAt <= d.at);
    let chosen = shippedLinked;
    if (!chosen.length) {
      const upTo = firstAfter(times, d.at.getTime());
      const after = i > 0 ? firstAfter(times, successes[i - 1].at.getTime()) : 0;
      chosen = changes.slice(after, Math.max(after, upTo));
    }
    samples.set(
      d.id,
      chosen.map((c) => seconds(d.at, c.changedAt)),
    );
  });
  return samples;
}

/** The index of the first time strictly after `t` in ascending `times` (times.length when none). */
function firstAfter(times: number[], t: number): number {
  let [lo, hi] = [0, times.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The DORA keys and buckets of one environment (and service, when given) over [from, to). */
export function computeDora(input: DoraInput): DoraReport {
  const { from, to, environment, service } = input;
  const namedByIncident = new Set(input.incidents.map((i) => i.relatedId).filter((id): id is string => !!id));
  const inScope = (name: string) => (service === undefined || name === service) && (input.services?.has(name) ?? true);
  const envDeployments = input.deployments.filter((d) => d.environment === environment && inScope(d.service));
  const counted = envDeployments.filter((d) => d.status !== undefined && COUNTED.has(d.status) && inWindow(d.at, from, to));
  const index = new DeploymentIndex(envDeployments);
  const suspected = input.countSuspected
    ? suspectedDeployments(input.incidents, index, input.causeWindowMs ?? DEFAULT_CAUSE_WINDOW_MS)
    : null;
  const byReason = Object.fromEntries(FAILURE_REASONS.map((r) => [r, 0])) as Record<FailureReason, number>;
  const failed = counted.filter((d) => {
    const reason = failureReason(d, namedByIncident, suspected);
    if (reason) byReason[reason]++;
    return reason !== null;
  });
  const incidentIds = new Set(input.incidents.map((i) => i.id));
  const rework = counted.filter((d) => reworkReason(d, incidentIds, index) !== null).length;

  const services = [...new Set(envDeployments.map((d) => d.service))];
  const samplesByDeployment = new Map<string, number[]>();
  for (const s of services) for (const [id, samples] of leadTimes(input, s, envDeployments)) samplesByDeployment.set(id, samples);
  const leadSamples = [...samplesByDeployment.values()].flat();
  const withoutChanges = [...samplesByDeployment.values()].filter((s) => s.length === 0).length;

  const incidents = input.incidents.filter((i) => i.environment === environment && inScope(i.service) && inWindow(i.startedAt, from, to));
  const resolved = incidents.filter((i) => i.resolvedAt);
  const bySource = Object.fromEntries(INCIDENT_SOURCES.map((source) => [source, 0])) as Record<IncidentSource, number>;
  for (const i of incidents) bySource[i.source]++;
  const recovery = (list: IncidentFact[]) => list.filter((i) => i.resolvedAt).map((i) => Math.max(0, seconds(i.resolvedAt!, i.startedAt)));

  const days = (to.getTime() - from.getTime()) / DAY_MS;
  const perDay = counted.length / days;
  const rate = counted.length ? failed.length / counted.length : null;
  const leadMedian = median(leadSamples);
  const recoveryMedian = median(recovery(resolved));

  const bucket = input.bucket;
  const buckets = (bucket ? bucketStarts(from, to, bucket) : []).map((start) => {
    const end = nextBucket(start, bucket!);
    const inBucket = (at: Date) => at >= start && at < end;
    const deployed = counted.filter((d) => inBucket(d.at));
    return {
      start,
      deployments: deployed.length,
      failed: deployed.filter((d) => isFailed(d, namedByIncident, suspected)).length,
      leadTimeMedianSeconds: median(deployed.flatMap((d) => samplesByDeployment.get(d.id) ?? [])),
      recoveryMedianSeconds: median(recovery(incidents.filter((i) => inBucket(i.startedAt)))),
    };
  });

  return {
    deploymentFrequency: { count: counted.length, perDay, tier: frequencyTier(perDay, counted.length) },
    leadTimeForChanges: {
      medianSeconds: leadMedian,
      p90Seconds: percentile(leadSamples, 90),
      samples: leadSamples.length,
      deploymentsWithoutChanges: withoutChanges,
      tier: leadTimeTier(leadMedian),
    },
    changeFailureRate: { failed: failed.length, total: counted.length, rate, tier: failureRateTier(rate), byReason },
    recoveryTime: {
      medianSeconds: recoveryMedian,
      samples: resolved.length,
      unresolved: incidents.length - resolved.length,
      tier: recoveryTier(recoveryMedian),
      bySource,
    },
    deploymentReworkRate: { rework, total: counted.length, rate: counted.length ? rework / counted.length : null },
    buckets,
  };
}

/** The services with a counted deployment or an incident of the environment in the window. */
export function servicesWithData(input: Omit<DoraInput, 'service' | 'bucket'>): Set<string> {
  const { from, to, environment } = input;
  const names = new Set<string>();
  for (const d of input.deployments)
    if (d.environment === environment && d.status !== undefined && COUNTED.has(d.status) && inWindow(d.at, from, to)) names.add(d.service);
  for (const i of input.incidents) if (i.environment === environment && inWindow(i.startedAt, from, to)) names.add(i.service);
  return names;
}

/**
 * The keys of every service with a counted deployment or an incident of the environment in the window (of
 * `services` only, when given), sorted by service name (code-unit order).
 */
export function computeDoraByService(input: Omit<DoraInput, 'service' | 'bucket'>): { service: string; keys: DoraKeys }[] {
  return [...servicesWithData(input)]
    .filter((name) => input.services?.has(name) ?? true)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((service) => ({ service, keys: keysOf(computeDora({ ...input, service })) }));
}
