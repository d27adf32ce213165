import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiQuery } from '../api/queries';
import type { OverlapSide, TrackerEvent } from '../api/types';
import { choice, ENVIRONMENTS, TYPES } from '../labels';
import { Link, navigate, useLocation } from '../router';
import { ErrorNote, formatSeconds, Time, UserText } from '../ui';
import { withQuery } from '../url';

const DAY_MS = 86_400_000;

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

interface Bar {
  id: string;
  title: string;
  start: number;
  end: number | null;
  type?: number;
  overlapsWith: string[];
}

function groupLabel(by: string, key: string): string {
  return by === 'environment' ? (choice(ENVIRONMENTS, Number(key))?.label ?? key) : key;
}

/**
 * A Gantt-like view of one day or week: one lane per service (or environment), one row per event, bars from
 * start to end (a running event reaches the window's end). The overlaps API says which events overlap; they are
 * marked and listed in pairs below. The other events come from the search API (event time in the window).
 */
export function OverlapsPage() {
  const { query } = useLocation();
  const by = query.get('by') === 'environment' ? 'environment' : 'service';
  const span = query.get('span') === 'week' ? 'week' : 'day';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') ?? '') ? (query.get('date') as string) : todayUtc();
  const last = span === 'week' ? addDays(date, 6) : date;
  const windowStart = Date.parse(`${date}T00:00:00Z`);
  const windowEnd = Date.parse(`${last}T00:00:00Z`) + DAY_MS;

  const overlaps = useQuery({
    ...apiQuery('/api/v1alpha1/events/overlaps', { params: { query: { from: date, to: last, by } } }),
    placeholderData: keepPreviousData,
  });
  const search = useQuery({
    ...apiQuery('/api/v1alpha1/events/search', { params: { query: { start_date: date, end_date: last, per_page: 100 } } }),
    placeholderData: keepPreviousData,
  });
  const loaded = overlaps.data && search.data ? { overlaps: overlaps.data, events: search.data.events } : undefined;

  const set = (next: Record<string, string>) => navigate(withQuery('/overlaps', { by, span, date, ...next }), { replace: false });
  const lanes = new Map<string, Map<string, Bar>>();
  const lane = (k: string) => lanes.get(k) ?? lanes.set(k, new Map()).get(k)!;
  const addBar = (k: string, e: OverlapSide | TrackerEvent, other?: string) => {
    const bars = lane(k);
    const side =
      'attributes' in e ? { id: e.id, title: e.title, startDate: e.attributes.startDate, endDate: e.attributes.endDate ?? null } : e;
    if (!side.startDate) return;
    const bar = bars.get(side.id) ?? {
      id: side.id,
      title: side.title,
      start: Date.parse(side.startDate),
      end: side.endDate ? Date.parse(side.endDate) : null,
      overlapsWith: [],
    };
    if ('attributes' in e) bar.type = e.attributes.type;
    if (other && !bar.overlapsWith.includes(other)) bar.overlapsWith.push(other);
    bars.set(side.id, bar);
  };
  if (loaded) {
    for (const g of loaded.overlaps.groups)
      for (const p of g.overlaps) {
        addBar(g.key, p.a, p.b.title);
        addBar(g.key, p.b, p.a.title);
      }
    for (const e of loaded.events) {
      const k =
        by === 'service' ? e.attributes.service : e.attributes.environment !== undefined ? String(e.attributes.environment) : undefined;
      if (k !== undefined) addBar(k, e);
    }
  }
  const sortedLanes = [...lanes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ticks = span === 'week' ? Array.from({ length: 7 }, (_, i) => i / 7) : Array.from({ length: 8 }, (_, i) => i / 8);
  const tickLabel = (f: number) => {
    const t = new Date(windowStart + f * (windowEnd - windowStart));
    return span === 'week' ? t.toISOString().slice(5, 10) : `${t.toISOString().slice(11, 13)}h`;
  };
  const pct = (t: number) => Math.min(100, Math.max(0, ((t - windowStart) / (windowEnd - windowStart)) * 100));
  const result = loaded?.overlaps;

  return (
    <section>
      <div className="page-head">
        <h1>Overlaps</h1>
        <p className="muted">
          {result
            ? `${result.totalOverlaps} overlapping pair${result.totalOverlaps === 1 ? '' : 's'} by ${by}, ${date}${span === 'week' ? ` to ${last}` : ''} (UTC)`
            : 'Loading…'}
        </p>
      </div>
      <form className="filters card" aria-label="Window" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="o-by">Group by</label>
          <select id="o-by" value={by} onChange={(e) => set({ by: e.target.value })}>
            <option value="service">Service</option>
            <option value="environment">Environment</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="o-span">Span</label>
          <select id="o-span" value={span} onChange={(e) => set({ span: e.target.value })}>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="o-date">{span === 'week' ? 'Week from' : 'Day'}</label>
          <input id="o-date" type="date" value={date} onChange={(e) => e.target.value && set({ date: e.target.value })} />
        </div>
        <div className="field actions">
          <button type="button" onClick={() => set({ date: addDays(date, span === 'week' ? -7 : -1) })}>
            ← Earlier
          </button>
          <button type="button" onClick={() => set({ date: addDays(date, span === 'week' ? 7 : 1) })}>
            Later →
          </button>
        </div>
      </form>
      <ErrorNote error={overlaps.error ?? search.error} />
      {result?.truncated ? <div className="note note-warn">Only the first 1000 pairs are listed.</div> : null}
      {loaded && sortedLanes.length === 0 ? <p className="empty">No events with a start date in this window.</p> : null}
      {sortedLanes.length > 0 ? (
        <div className="gantt card" aria-label="Events in the window by lane">
          <div className="gantt-axis" aria-hidden="true">
            <div className="gantt-label" />
            <div className="gantt-track">
              {ticks.map((f) => (
                <span key={f} className="gantt-tick" style={{ left: `${f * 100}%` }}>
                  {tickLabel(f)}
                </span>
              ))}
            </div>
          </div>
          {sortedLanes.map(([k, bars]) => (
            <div className="gantt-lane" key={k} role="group" aria-label={groupLabel(by, k)}>
              <div className="gantt-lane-name">
                <UserText>{groupLabel(by, k)}</UserText>
              </div>
              {[...bars.values()]
                .sort((a, b) => a.start - b.start)
                .map((bar) => {
                  const left = pct(bar.start);
                  const right = pct(bar.end ?? windowEnd);
                  const overlapped = bar.overlapsWith.length > 0;
                  const tone = choice(TYPES, bar.type)?.tone ?? 'neutral';
                  return (
                    <div className="gantt-row" key={bar.id}>
                      <div className="gantt-label">
                        <Link href={`/events/${bar.id}`}>
                          <UserText>{bar.title}</UserText>
                        </Link>
                      </div>
                      <div className="gantt-track">
                        <span
                          className={`gantt-bar tone-${tone}${overlapped ? ' overlap' : ''}`}
                          style={{ left: `${left}%`, width: `${Math.max(right - left, 0.6)}%` }}
                          title={`${bar.title}: ${new Date(bar.start).toISOString()} – ${bar.end ? new Date(bar.end).toISOString() : 'running'}`}
                        >
                          {overlapped ? <span className="sr-only">overlaps with {bar.overlapsWith.join(', ')}</span> : null}
                        </span>
                        {overlapped ? (
                          <span className="gantt-flag" aria-hidden="true">
                            ⚠
                          </span>
                        ) : null}
                      </div>
                    </div>
                  );
                })}
            </div>
          ))}
          <p className="muted small legend">
            <span className="gantt-bar-sample overlap" aria-hidden="true" /> overlapping event (outlined, ⚠); bar colour is the event type
          </p>
        </div>
      ) : null}
      {result && result.groups.length > 0 ? (
        <div className="card">
          <h2>Overlapping pairs</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Overlapping pairs">
            <table>
              <caption className="sr-only">Overlapping pairs</caption>
              <thead>
                <tr>
                  <th scope="col">{by === 'service' ? 'Service' : 'Environment'}</th>
                  <th scope="col">Event</th>
                  <th scope="col">Overlaps</th>
                  <th scope="col">For</th>
                  <th scope="col" className="hide-narrow">
                    From
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.groups.flatMap((g) =>
                  g.overlaps.map((p) => (
                    <tr key={`${p.a.id}-${p.b.id}`}>
                      <td>
                        <UserText>{groupLabel(by, g.key)}</UserText>
                      </td>
                      <td>
                        <Link href={`/events/${p.a.id}`}>
                          <UserText>{p.a.title}</UserText>
                        </Link>
                      </td>
                      <td>
                        <Link href={`/events/${p.b.id}`}>
                          <UserText>{p.b.title}</UserText>
                        </Link>
                      </td>
                      <td className="nowrap">{formatSeconds(p.overlapSeconds)}</td>
                      <td className="hide-narrow nowrap">
                        <Time value={p.b.startDate} />
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
