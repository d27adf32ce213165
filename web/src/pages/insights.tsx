import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { apiQuery } from '../api/queries';
import type { Dora, DoraQuery } from '../api/types';
import { ENVIRONMENTS, type Tone } from '../labels';
import { navigate, useLocation } from '../router';
import { Badge, ChoiceOptions, ErrorNote, formatSeconds, UserText } from '../ui';
import { withQuery } from '../url';

type Tier = Dora['deploymentFrequency']['tier'];
type Bucket = Dora['buckets'][number];

const TIER_TONES: Record<string, Tone> = { elite: 'good', high: 'info', medium: 'warn', low: 'bad' };

function TierBadge({ tier }: { tier: Tier }) {
  return tier ? <Badge tone={TIER_TONES[tier]}>{tier}</Badge> : <Badge tone="neutral">no data</Badge>;
}

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);
const seconds = (s: number | null) => (s === null ? '—' : formatSeconds(s));
const perDay = (n: number) => `${n.toFixed(2)} / day`;

interface Key {
  id: 'deploymentFrequency' | 'leadTimeForChanges' | 'changeFailureRate' | 'recoveryTime';
  title: string;
  value: (d: Dora) => string;
  detail: (d: Dora) => string;
  tier: (d: Dora) => Tier;
  bucket: (b: Bucket) => number | null;
  bucketText: (v: number | null) => string;
}

const KEYS: Key[] = [
  {
    id: 'deploymentFrequency',
    title: 'Deployment frequency',
    value: (d) => perDay(d.deploymentFrequency.perDay),
    detail: (d) => `${d.deploymentFrequency.count} deployments`,
    tier: (d) => d.deploymentFrequency.tier,
    bucket: (b) => b.deployments,
    bucketText: (v) => `${v ?? 0} deployments`,
  },
  {
    id: 'leadTimeForChanges',
    title: 'Lead time for changes',
    value: (d) => seconds(d.leadTimeForChanges.medianSeconds),
    detail: (d) => `median; p90 ${seconds(d.leadTimeForChanges.p90Seconds)}; ${d.leadTimeForChanges.samples} changes`,
    tier: (d) => d.leadTimeForChanges.tier,
    bucket: (b) => b.leadTimeMedianSeconds,
    bucketText: seconds,
  },
  {
    id: 'changeFailureRate',
    title: 'Change failure rate',
    value: (d) => percent(d.changeFailureRate.rate),
    detail: (d) => `${d.changeFailureRate.failed} of ${d.changeFailureRate.total} deployments failed`,
    tier: (d) => d.changeFailureRate.tier,
    bucket: (b) => (b.deployments ? b.failed / b.deployments : null),
    bucketText: percent,
  },
  {
    id: 'recoveryTime',
    title: 'Failed deployment recovery time',
    value: (d) => seconds(d.recoveryTime.medianSeconds),
    detail: (d) => `median; ${d.recoveryTime.samples} resolved, ${d.recoveryTime.unresolved} unresolved`,
    tier: (d) => d.recoveryTime.tier,
    bucket: (b) => b.recoveryMedianSeconds,
    bucketText: seconds,
  },
];

/** Where a key's numbers come from (the API's provenance): each part with its count, in the API's order. */
function Provenance({ label, parts, testId }: { label: string; parts: [string, number][]; testId: string }) {
  return (
    <div className="provenance" data-testid={testId}>
      <p className="muted small">{label}</p>
      <dl className="provenance-list small">
        {parts.map(([name, count]) => (
          <div key={name} className={count ? undefined : 'muted'}>
            <dt>{name}</dt>
            <dd>{count}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

const failureReasons = (d: Pick<Dora, 'changeFailureRate'>): [string, number][] => {
  const r = d.changeFailureRate.byReason;
  return [
    ['Failed status', r.status],
    ['Rollback', r.rollback],
    ['Linked incident', r.linkedIncident],
    ['Suspected incident', r.suspectedIncident],
  ];
};

const incidentSources = (d: Pick<Dora, 'recoveryTime'>): [string, number][] => {
  const s = d.recoveryTime.bySource;
  return [
    ['PagerDuty', s.pagerduty],
    ['Alertmanager', s.alertmanager],
    ['Grafana', s.grafana],
    ['Tracker', s.tracker],
  ];
};

/** A bar per bucket, hand-drawn SVG; the numbers are in a table beside it for screen readers. */
function Trend({ buckets, k }: { buckets: Bucket[]; k: Key }) {
  const values = buckets.map(k.bucket);
  const max = Math.max(...values.map((v) => v ?? 0), 0) || 1;
  const w = 100 / Math.max(buckets.length, 1);
  return (
    <figure className="trend">
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <line x1="0" y1="39.5" x2="100" y2="39.5" className="trend-axis" />
        {values.map((v, i) =>
          v === null ? null : (
            <rect key={i} x={i * w + w * 0.15} width={w * 0.7} y={40 - (v / max) * 38} height={(v / max) * 38} className="trend-bar" />
          ),
        )}
      </svg>
      <table className="sr-only">
        <caption>{k.title} per bucket</caption>
        <tbody>
          {buckets.map((b, i) => (
            <tr key={b.start}>
              <th scope="row">{b.start.slice(0, 10)}</th>
              <td>{k.bucketText(values[i])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figcaption className="muted small">
        {buckets.length ? `${buckets[0].start.slice(0, 10)} … ${buckets[buckets.length - 1].start.slice(0, 10)}` : 'no buckets'}
      </figcaption>
    </figure>
  );
}

/** DORA's five keys (four with tiers, and the rework rate) for an environment and window (GET /insights/dora and /insights/dora/services). */
export function InsightsPage() {
  const { query } = useLocation();
  const environment = query.get('environment') ?? '7';
  const service = query.get('service') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const bucket = (['day', 'week', 'month'].includes(query.get('bucket') ?? '') ? query.get('bucket') : 'week') as NonNullable<
    DoraQuery['bucket']
  >;
  const [serviceText, setServiceText] = useState(service);
  useEffect(() => setServiceText(service), [service]);

  // the URL's value as the API's parameter: a value it does not know is sent as it is, and the API says so (400)
  const range = { environment: Number(environment) as DoraQuery['environment'], from: from || undefined, to: to || undefined };
  const dora = useQuery({
    ...apiQuery('/api/v1alpha1/insights/dora', { params: { query: { ...range, service: service || undefined, bucket } } }),
    placeholderData: keepPreviousData,
  });
  const byService = useQuery({
    ...apiQuery('/api/v1alpha1/insights/dora/services', { params: { query: range } }),
    placeholderData: keepPreviousData,
  });
  const loaded = dora.data && byService.data ? { dora: dora.data, byService: byService.data } : undefined;
  const set = (next: Record<string, string>) => navigate(withQuery('/insights', { environment, service, from, to, bucket, ...next }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ service: serviceText.trim() });
  };
  const d = loaded?.dora;

  return (
    <section>
      <div className="page-head">
        <h1>Insights</h1>
        <p className="muted">
          {d ? `DORA keys, ${d.window.from.slice(0, 10)} to ${d.window.to.slice(0, 10)} (end exclusive, UTC)` : 'Loading…'}
        </p>
      </div>
      <form className="filters card" aria-label="Window" onSubmit={submit}>
        <div className="field">
          <label htmlFor="i-environment">Environment</label>
          <select id="i-environment" value={environment} onChange={(e) => set({ environment: e.target.value })}>
            <ChoiceOptions list={ENVIRONMENTS} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="i-service">Service</label>
          <input id="i-service" value={serviceText} onChange={(e) => setServiceText(e.target.value)} placeholder="all" />
        </div>
        <div className="field">
          <label htmlFor="i-from">From</label>
          <input id="i-from" type="date" value={from} onChange={(e) => set({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="i-to">To</label>
          <input id="i-to" type="date" value={to} onChange={(e) => set({ to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="i-bucket">Buckets</label>
          <select id="i-bucket" value={bucket} onChange={(e) => set({ bucket: e.target.value })}>
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </div>
        <div className="field actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      <ErrorNote error={dora.error ?? byService.error} />
      {d ? (
        <div className="keys">
          {KEYS.map((k) => (
            <div className="card key" key={k.id} data-testid={`key-${k.id}`}>
              <h2>{k.title}</h2>
              <p className="key-value">
                <span data-testid="value">{k.value(d)}</span> <TierBadge tier={k.tier(d)} />
              </p>
              <p className="muted small">{k.detail(d)}</p>
              {k.id === 'changeFailureRate' ? (
                <Provenance label="Failed deployments by reason (each counted once)" parts={failureReasons(d)} testId="by-reason" />
              ) : null}
              {k.id === 'recoveryTime' ? (
                <Provenance label="Incidents opened in the window by source" parts={incidentSources(d)} testId="by-source" />
              ) : null}
              <Trend buckets={d.buckets} k={k} />
            </div>
          ))}
          <div className="card key" data-testid="key-deploymentReworkRate">
            <h2>Deployment rework rate</h2>
            <p className="key-value">
              <span data-testid="value">{percent(d.deploymentReworkRate.rate)}</span> <Badge tone="neutral">no tier</Badge>
            </p>
            <p className="muted small">
              {d.deploymentReworkRate.rework} of {d.deploymentReworkRate.total} deployments were rework: they fixed an incident, rolled back
              or redeployed an earlier deployment.
            </p>
            <p className="muted small">DORA publishes no performance tiers for this key yet.</p>
          </div>
        </div>
      ) : null}
      {loaded ? (
        <div className="card">
          <h2>By service</h2>
          {loaded.byService.services.length === 0 ? (
            <p className="empty">No deployments or incidents in this window.</p>
          ) : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="DORA keys by service">
              <table className="by-service">
                <caption className="sr-only">DORA keys by service</caption>
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">Deployments</th>
                    <th scope="col">Lead time</th>
                    <th scope="col">Failure rate</th>
                    <th scope="col">Recovery</th>
                    <th scope="col">Rework</th>
                  </tr>
                </thead>
                <tbody>
                  {loaded.byService.services.map((s) => (
                    <tr key={s.service}>
                      <th scope="row">
                        <UserText>{s.service}</UserText>
                      </th>
                      <td>
                        {perDay(s.deploymentFrequency.perDay)} <TierBadge tier={s.deploymentFrequency.tier} />
                      </td>
                      <td>
                        {seconds(s.leadTimeForChanges.medianSeconds)} <TierBadge tier={s.leadTimeForChanges.tier} />
                      </td>
                      <td>
                        {percent(s.changeFailureRate.rate)} <TierBadge tier={s.changeFailureRate.tier} />
                      </td>
                      <td>
                        {seconds(s.recoveryTime.medianSeconds)} <TierBadge tier={s.recoveryTime.tier} />
                      </td>
                      <td>{percent(s.deploymentReworkRate.rate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ) : null}
    </section>
  );
}
