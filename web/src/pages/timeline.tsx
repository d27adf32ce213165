import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { EventPage as EventPageBody, SearchEventsQuery, TrackerEvent } from '../api/types';
import { type Choice, choice, ENVIRONMENTS, PRIORITIES, STATUSES, TYPES } from '../labels';
import { Link, navigate, useLocation, withQuery } from '../router';
import { Badge, ErrorNote, Pager, Time, useLoad } from '../ui';

export const PER_PAGE = 20;
const FILTERS = ['service', 'environment', 'type', 'status', 'priority', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The page's state is its URL: filters and page number live in the query string. */
function filtersOf(query: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const name of FILTERS) f[name] = query.get(name) ?? '';
  return f;
}

function searchQuery(f: Filters, page: number): SearchEventsQuery {
  const num = (v: string) => (v ? Number(v) : undefined);
  return {
    per_page: PER_PAGE,
    page,
    service: f.service || undefined,
    environment: num(f.environment) as SearchEventsQuery['environment'],
    type: num(f.type) as SearchEventsQuery['type'],
    status: num(f.status) as SearchEventsQuery['status'],
    priority: num(f.priority) as SearchEventsQuery['priority'],
    start_date: f.from || undefined,
    end_date: f.to || undefined,
  };
}

export function ChoiceBadge({ list, value }: { list: Choice[]; value: unknown }) {
  const c = choice(list, value);
  return c ? <Badge tone={c.tone}>{c.label}</Badge> : <span className="muted">—</span>;
}

function Select({
  id,
  label,
  list,
  value,
  onChange,
}: {
  id: string;
  label: string;
  list: Choice[];
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {list.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EventRow({ event }: { event: TrackerEvent }) {
  const a = event.attributes;
  return (
    <tr role="row" data-event-id={event.id}>
      <td role="cell" className="nowrap">
        <Time value={a.startDate ?? event.metadata.createdAt} />
      </td>
      <td role="cell">
        <Link href={`/events/${event.id}`}>{event.title}</Link>
        <div className="muted small">{a.service}</div>
      </td>
      <td role="cell">
        <ChoiceBadge list={TYPES} value={a.type} />
      </td>
      <td role="cell">
        <ChoiceBadge list={ENVIRONMENTS} value={a.environment} />
      </td>
      <td role="cell">
        <ChoiceBadge list={STATUSES} value={a.status} />
      </td>
      <td role="cell" className="hide-narrow">
        <ChoiceBadge list={PRIORITIES} value={a.priority} />
      </td>
    </tr>
  );
}

export function TimelinePage() {
  const { query } = useLocation();
  const filters = filtersOf(query);
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [service, setService] = useState(filters.service);
  useEffect(() => setService(filters.service), [filters.service]);

  const filtered = FILTERS.some((name) => filters[name] !== '');
  const key = JSON.stringify({ filters, page });
  const events = useLoad(key, (signal) =>
    filtered
      ? api<EventPageBody>('GET', '/api/v1alpha1/events/search', { query: searchQuery(filters, page), signal })
      : api<EventPageBody>('GET', '/api/v1alpha1/events/list', { query: { per_page: PER_PAGE, page }, signal }),
  );

  const go = (next: Partial<Filters>, nextPage = 1) =>
    navigate(withQuery('/', { ...filters, ...next, page: nextPage > 1 ? String(nextPage) : undefined }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ service: service.trim() });
  };
  const data = events.data;
  const pages = data ? Math.ceil(data.totalCount / PER_PAGE) : 1;

  return (
    <section>
      <div className="page-head">
        <h1>Timeline</h1>
        <p className="muted">{data ? `${data.totalCount} event${data.totalCount === 1 ? '' : 's'}, newest first` : 'Loading…'}</p>
      </div>
      <form className="filters card" onSubmit={submit} aria-label="Filters">
        <div className="field">
          <label htmlFor="f-service">Service</label>
          <input id="f-service" value={service} onChange={(e) => setService(e.target.value)} placeholder="exact name" />
        </div>
        <Select
          id="f-environment"
          label="Environment"
          list={ENVIRONMENTS}
          value={filters.environment}
          onChange={(v) => go({ environment: v })}
        />
        <Select id="f-type" label="Type" list={TYPES} value={filters.type} onChange={(v) => go({ type: v })} />
        <Select id="f-status" label="Status" list={STATUSES} value={filters.status} onChange={(v) => go({ status: v })} />
        <Select id="f-priority" label="Priority" list={PRIORITIES} value={filters.priority} onChange={(v) => go({ priority: v })} />
        <div className="field">
          <label htmlFor="f-from">From</label>
          <input id="f-from" type="date" value={filters.from} onChange={(e) => go({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To</label>
          <input id="f-to" type="date" value={filters.to} onChange={(e) => go({ to: e.target.value })} />
        </div>
        <div className="field actions">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" disabled={!filtered} onClick={() => navigate('/')}>
            Clear
          </button>
        </div>
      </form>
      <ErrorNote error={events.error} />
      {data && data.events.length === 0 ? <p className="empty">No events{filtered ? ' match these filters' : ' yet'}.</p> : null}
      {data && data.events.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Events, newest first">
          <table className="events" role="table" aria-busy={events.loading}>
            <caption className="sr-only">Events, newest first</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">
                  When
                </th>
                <th role="columnheader" scope="col">
                  Event
                </th>
                <th role="columnheader" scope="col">
                  Type
                </th>
                <th role="columnheader" scope="col">
                  Environment
                </th>
                <th role="columnheader" scope="col">
                  Status
                </th>
                <th role="columnheader" scope="col" className="hide-narrow">
                  Priority
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {data.events.map((e) => (
                <EventRow key={e.id} event={e} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && pages > 1 ? <Pager label="Timeline pages" page={page} pages={pages} onPage={(p) => go({}, p)} /> : null}
    </section>
  );
}
