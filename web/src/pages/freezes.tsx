import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { apiQuery } from '../api/queries';
import type { EnvironmentParam } from '../api/types';
import { type CalendarItem, type CalendarView, type DayEntry, dayKey, itemsByDay, parseDay, shiftDate, visibleDays } from '../calendar';
import { DeployabilityBadge } from '../deployability';
import { choice, ENVIRONMENTS, type Tone } from '../labels';
import { Link, navigate, useLocation } from '../router';
import { ChoiceOptions, ErrorNote, UserText, useNow } from '../ui';
import { withQuery } from '../url';

const KIND_LABELS: Record<CalendarItem['kind'], string> = { freeze: 'Freeze', lock: 'Lock', incident: 'Incident' };
const KIND_TONES: Record<CalendarItem['kind'], Tone> = { freeze: 'info', lock: 'warn', incident: 'bad' };
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** The most incidents and locks read per view (one page each: the API's largest). */
const PER_PAGE = 100;

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthTitle = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

function time(ms: number) {
  return <time dateTime={new Date(ms).toISOString()}>{clock.format(new Date(ms))}</time>;
}

/** When an item meets this day, in words and local times: "09:00–11:00", "from 18:00", "until 08:00", "all day". */
function When({ entry }: { entry: DayEntry }) {
  const { item, part } = entry;
  if (part === 'within')
    return (
      <>
        {item.end === null ? (
          <>from {time(item.start)}</>
        ) : (
          <>
            {time(item.start)}–{time(item.end)}
          </>
        )}
      </>
    );
  if (part === 'starts') return <>from {time(item.start)}</>;
  if (part === 'ends') return <>until {time(item.end!)}</>;
  return <>all day</>;
}

function Entry({ entry }: { entry: DayEntry }) {
  const { item } = entry;
  const title = <UserText>{item.title}</UserText>;
  return (
    <li className={`cal-item cal-${item.kind}`} data-kind={item.kind} data-item-id={item.id}>
      <span className={`badge tone-${KIND_TONES[item.kind]}`}>{KIND_LABELS[item.kind]}</span>{' '}
      {item.href ? <Link href={item.href}>{title}</Link> : title}
      <span className="muted small cal-when">
        {' '}
        <When entry={entry} />
        {item.detail ? (
          <>
            {' · '}
            <UserText>{item.detail}</UserText>
          </>
        ) : null}
      </span>
    </li>
  );
}

function scopeText(services: string[], environments: number[]): string {
  const s = services.length ? services.join(', ') : 'every service';
  const e = environments.length ? environments.map((v) => choice(ENVIRONMENTS, v)?.label ?? String(v)).join(', ') : 'every environment';
  return `${s}; ${e}`;
}

/**
 * The freezes calendar: a week or a month (whole weeks, Monday first) of the viewer's local days, each listing the
 * freeze windows (GET /freezes/occurrences), the active locks' holds (GET /locks) and the incidents (GET
 * /incidents: those started in the range, and those still open) that meet it. The view, the day it shows and the
 * service and environment filters are in the URL.
 */
export function FreezesPage() {
  const { query } = useLocation();
  const view: CalendarView = query.get('view') === 'month' ? 'month' : 'week';
  const date = parseDay(query.get('date')) ?? parseDay(dayKey(new Date()))!;
  const filters = { service: query.get('service') ?? '', environment: query.get('environment') ?? '' };
  const [service, setService] = useState(filters.service);
  useEffect(() => setService(filters.service), [filters.service]);
  const now = useNow(60_000);

  const { days, start, end } = visibleDays(view, date);
  const from = start.toISOString();
  const to = end.toISOString();
  const environment = filters.environment ? (Number(filters.environment) as EnvironmentParam) : undefined;
  const scope = { ...(filters.service ? { service: filters.service } : {}), ...(environment ? { environment } : {}) };
  const keep = { placeholderData: keepPreviousData };
  const freezes = useQuery({ ...apiQuery('/api/v1alpha1/freezes/occurrences', { params: { query: { from, to, ...scope } } }), ...keep });
  const locks = useQuery({ ...apiQuery('/api/v1alpha1/locks', { params: { query: { ...scope, per_page: PER_PAGE } } }), ...keep });
  const started = useQuery({
    ...apiQuery('/api/v1alpha1/incidents', { params: { query: { from, to, ...scope, per_page: PER_PAGE } } }),
    ...keep,
  });
  const open = useQuery({
    ...apiQuery('/api/v1alpha1/incidents', { params: { query: { to, status: 'open', ...scope, per_page: PER_PAGE } } }),
    ...keep,
  });

  const items: CalendarItem[] = [];
  for (const o of freezes.data?.occurrences ?? [])
    items.push({
      kind: 'freeze',
      id: `${o.freezeId}@${o.start}`,
      title: o.name,
      start: Date.parse(o.start),
      end: Date.parse(o.end),
      detail: scopeText(o.services, o.environments),
    });
  for (const l of locks.data?.locks ?? [])
    items.push({
      kind: 'lock',
      id: l.id,
      title: `${l.service} (${l.resource}) held by ${l.owner}`,
      start: Date.parse(l.acquiredAt),
      end: Date.parse(l.expiresAt),
      detail: [choice(ENVIRONMENTS, l.environment)?.label, l.reason].filter(Boolean).join(' · '),
    });
  const seen = new Set<string>();
  for (const i of [...(started.data?.incidents ?? []), ...(open.data?.incidents ?? [])]) {
    if (seen.has(i.id)) continue;
    seen.add(i.id);
    items.push({
      kind: 'incident',
      id: i.id,
      title: i.title,
      start: Date.parse(i.startedAt),
      end: i.resolvedAt ? Date.parse(i.resolvedAt) : null,
      detail: `${i.service}; ${choice(ENVIRONMENTS, i.environment)?.label ?? i.environment}${i.resolvedAt ? '' : '; open'}`,
      href: `/events/${i.id}`,
    });
  }
  const byDay = itemsByDay(items, days, now);
  const today = dayKey(new Date(now));

  const go = (next: { view?: CalendarView; date?: Date; service?: string; environment?: string }) =>
    navigate(
      withQuery('/freezes', {
        view: (next.view ?? view) === 'month' ? 'month' : undefined,
        date: dayKey(next.date ?? date),
        service: next.service ?? filters.service,
        environment: next.environment ?? filters.environment,
      }),
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ service: service.trim() });
  };
  const title =
    view === 'week' ? `Week of ${longDay.format(days[0])}` : monthTitle.format(new Date(date.getFullYear(), date.getMonth(), 1));
  // Busy until every read answered for this view (a previous view's data shown meanwhile is a placeholder).
  const loading = [freezes, locks, started, open].some((q) => !q.data || q.isPlaceholderData);
  const weeks: Date[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  const envNumber = Number(filters.environment);

  return (
    <section>
      <div className="page-head">
        <h1>Freezes</h1>
        <p className="muted">Freeze windows, lock holds and incidents; days and times in your time zone ({zone}).</p>
      </div>
      <form className="filters card" onSubmit={submit} aria-label="Filters">
        <div className="field">
          <label htmlFor="c-service">Service</label>
          <input id="c-service" value={service} onChange={(e) => setService(e.target.value)} placeholder="exact name" />
        </div>
        <div className="field">
          <label htmlFor="c-environment">Environment</label>
          <select id="c-environment" value={filters.environment} onChange={(e) => go({ environment: e.target.value })}>
            <option value="">Any</option>
            <ChoiceOptions list={ENVIRONMENTS} />
          </select>
        </div>
        <div className="field actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      <p className="deploy-line" data-testid="deployability">
        {filters.service && envNumber ? (
          <>
            Now, <UserText>{filters.service}</UserText> to {choice(ENVIRONMENTS, envNumber)?.label}:{' '}
            <DeployabilityBadge service={filters.service} environment={envNumber} />
          </>
        ) : (
          <span className="muted small">Choose a service and an environment to see whether it may deploy now.</span>
        )}
      </p>
      <nav className="cal-nav" aria-label="Calendar">
        <div className="cal-views" role="group" aria-label="View">
          <Link href={withQuery('/freezes', { date: dayKey(date), ...filters })} aria-current={view === 'week' ? 'page' : undefined}>
            Week
          </Link>
          <Link
            href={withQuery('/freezes', { view: 'month', date: dayKey(date), ...filters })}
            aria-current={view === 'month' ? 'page' : undefined}
          >
            Month
          </Link>
        </div>
        <button type="button" onClick={() => go({ date: shiftDate(view, date, -1) })}>
          ← Previous {view}
        </button>
        <button type="button" onClick={() => go({ date: new Date(now) })}>
          Today
        </button>
        <button type="button" onClick={() => go({ date: shiftDate(view, date, 1) })}>
          Next {view} →
        </button>
      </nav>
      <h2 className="cal-title" aria-live="polite">
        {title}
      </h2>
      <ErrorNote error={freezes.error ?? locks.error ?? started.error ?? open.error} />
      <div className="table-wrap cal-wrap" tabIndex={0} role="region" aria-label={`Calendar, ${title}`}>
        <table className={`calendar calendar-${view}`} aria-busy={loading}>
          <caption className="sr-only">
            Freezes, locks and incidents, {title}, in {zone}
          </caption>
          <thead>
            <tr>
              {WEEKDAYS.map((d) => (
                <th key={d} scope="col">
                  <abbr title={d}>{d.slice(0, 3)}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={dayKey(week[0])}>
                {week.map((day) => {
                  const key = dayKey(day);
                  const entries = byDay.get(key) ?? [];
                  const outside = view === 'month' && day.getMonth() !== date.getMonth();
                  return (
                    <td
                      key={key}
                      data-day={key}
                      className={outside ? 'cal-outside' : undefined}
                      aria-current={key === today ? 'date' : undefined}
                    >
                      <div className="cal-date">
                        <span aria-hidden="true">{day.getDate()}</span>
                        <span className="sr-only">{longDay.format(day)}</span>
                      </div>
                      {entries.length ? (
                        <ul className="cal-items" aria-label={`${entries.length} on ${longDay.format(day)}`}>
                          {entries.map((entry) => (
                            <Entry key={entry.item.kind + entry.item.id} entry={entry} />
                          ))}
                        </ul>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        At most {PER_PAGE} active locks, {PER_PAGE} incidents started in the view and {PER_PAGE} open ones are read.
      </p>
    </section>
  );
}
