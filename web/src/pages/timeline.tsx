import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiKey, apiQuery } from '../api/queries';
import type { SearchEventsQuery, TrackerEvent } from '../api/types';
import { DeployabilityBadge } from '../deployability';
import { type Choice, choice, ENVIRONMENTS, PRIORITIES, STATUSES, TYPES } from '../labels';
import { type LiveState, openStream } from '../live';
import { Link, navigate, useLocation } from '../router';
import { useToken } from '../token';
import { ChoiceBadge, ChoiceOptions, ErrorNote, Pager, Time, UserText } from '../ui';
import { withQuery } from '../url';

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
        <ChoiceOptions list={list} />
      </select>
    </div>
  );
}

export function EventRow({ event, fresh = false }: { event: TrackerEvent; fresh?: boolean }) {
  const a = event.attributes;
  return (
    <tr role="row" data-event-id={event.id} className={fresh ? 'fresh' : undefined}>
      <td role="cell" className="nowrap">
        <Time value={a.startDate ?? event.metadata.createdAt} />
      </td>
      <td role="cell">
        <Link href={`/events/${event.id}`}>
          <UserText>{event.title}</UserText>
        </Link>
        <div className="muted small">
          <UserText>{a.service}</UserText>
        </div>
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
  // Always the search, filtered or not: it orders by the event time (startDate, else createdAt), which is the time
  // the first column shows; /events/list orders by creation, so its rows would look unsorted (docs/ui.md).
  const events = useQuery({
    ...apiQuery('/api/v1alpha1/events/search', { params: { query: searchQuery(filters, page) } }),
    placeholderData: keepPreviousData,
  });

  // Live: the event stream with the same filters (dates and paging are the list's): an update replaces its row in
  // place; a creation or deletion makes every cached event list stale, so this page of it is read again (the
  // order is the API's); so does every reconnect.
  const token = useToken();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveState>('connecting');
  const [updated, setUpdated] = useState<Map<string, TrackerEvent>>(new Map());
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const reloadTimer = useRef<number | undefined>(undefined);
  const streamFilters = {
    service: filters.service,
    environment: filters.environment,
    type: filters.type,
    status: filters.status,
    priority: filters.priority,
  };
  const streamKey = JSON.stringify(streamFilters);
  useEffect(() => {
    const soon = () => {
      window.clearTimeout(reloadTimer.current);
      reloadTimer.current = window.setTimeout(() => {
        void queryClient.invalidateQueries({ queryKey: apiKey('/api/v1alpha1/events/search') });
      }, 100);
    };
    const stop = openStream<TrackerEvent>('/api/v1alpha1/events/stream', JSON.parse(streamKey) as Record<string, string>, {
      onState: setLive,
      onOpen: (resumed) => {
        if (resumed) soon();
      },
      onChange: (kind, event) => {
        if (kind !== 'deleted') setFresh((f) => new Set(f).add(event.id));
        if (kind === 'updated') setUpdated((m) => new Map(m).set(event.id, event));
        if (kind !== 'updated' || !document.querySelector(`tr[data-event-id="${CSS.escape(event.id)}"]`)) soon();
      },
    });
    return () => {
      stop();
      window.clearTimeout(reloadTimer.current);
    };
  }, [streamKey, token, queryClient]);
  useEffect(() => setUpdated(new Map()), [events.data]);

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
        <p className="muted">
          {data ? `${data.totalCount} event${data.totalCount === 1 ? '' : 's'}, newest event time first` : 'Loading…'}
        </p>
        <p className={`live live-${live}`} role="status" data-testid="live-state">
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </p>
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
      <p className="deploy-line" data-testid="deployability">
        {filters.service && filters.environment ? (
          <>
            Now, <UserText>{filters.service}</UserText> to {choice(ENVIRONMENTS, Number(filters.environment))?.label}:{' '}
            <DeployabilityBadge service={filters.service} environment={Number(filters.environment)} />
          </>
        ) : (
          <span className="muted small">Filter by a service and an environment to see whether it may deploy now.</span>
        )}
      </p>
      <ErrorNote error={events.error} />
      {data && data.events.length === 0 ? <p className="empty">No events{filtered ? ' match these filters' : ' yet'}.</p> : null}
      {data && data.events.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Events, newest event time first">
          <table className="events" role="table" aria-busy={events.isFetching}>
            <caption className="sr-only">Events, newest event time first</caption>
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
                <EventRow key={e.id} event={updated.get(e.id) ?? e} fresh={fresh.has(e.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && pages > 1 ? <Pager label="Timeline pages" page={page} pages={pages} onPage={(p) => go({}, p)} /> : null}
    </section>
  );
}
