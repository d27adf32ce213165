import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { api, ok } from '../api/client';
import { apiKey, apiQuery } from '../api/queries';
import type { Incident, IncidentsQuery } from '../api/types';
import { ENVIRONMENTS, type Tone } from '../labels';
import { Link, navigate, useLocation } from '../router';
import { Badge, ChoiceBadge, ChoiceOptions, ErrorNote, formatSeconds, Pager, Time, UserText } from '../ui';
import { withQuery } from '../url';

export const INCIDENTS_PER_PAGE = 20;

const SOURCES: Record<Incident['source'], string> = {
  pagerduty: 'PagerDuty',
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  tracker: 'Tracker',
};
const STATUS_TONES: Record<Incident['status'], Tone> = { open: 'bad', resolved: 'good' };

/**
 * A deployment named by id, shown by its title (GET /event/{id}, cached per id: a deployment that causes one
 * incident and fixes another is read once), linking to its event page.
 */
function Deployment({ id }: { id: string }) {
  const event = useQuery(apiQuery('/api/v1alpha1/event/{id}', { params: { path: { id } } }));
  return <Link href={`/events/${id}`}>{event.data ? <UserText>{event.data.title}</UserText> : <span className="mono">{id}</span>}</Link>;
}

/** What the last link or unlink did, per incident: a message or the API's refusal. */
type Outcome = { id: string; text: ReactNode } | { id: string; error: unknown };

function IncidentCard({
  incident,
  busy,
  outcome,
  onLink,
}: {
  incident: Incident;
  busy: boolean;
  outcome: Outcome | undefined;
  onLink: (incident: Incident, deploymentId: string | null) => void;
}) {
  const cause = incident.causes[0];
  return (
    <li className="card incident" data-incident-id={incident.id}>
      <div className="incident-head">
        <h2>
          <Link href={`/events/${incident.id}`}>
            <UserText>{incident.title}</UserText>
          </Link>
        </h2>
        <Badge tone={STATUS_TONES[incident.status]}>{incident.status === 'open' ? 'Open' : 'Resolved'}</Badge>
      </div>
      <dl className="kvs">
        <div className="kv">
          <dt>Service</dt>
          <dd>
            <UserText>{incident.service}</UserText> <ChoiceBadge list={ENVIRONMENTS} value={incident.environment} />
          </dd>
        </div>
        <div className="kv">
          <dt>Source</dt>
          <dd>{SOURCES[incident.source]}</dd>
        </div>
        <div className="kv">
          <dt>Started</dt>
          <dd>
            <Time value={incident.startedAt} />
          </dd>
        </div>
        <div className="kv">
          <dt>Resolved</dt>
          <dd>
            {incident.resolvedAt ? (
              <>
                <Time value={incident.resolvedAt} />
                {incident.recoverySeconds !== null ? ` (recovered in ${formatSeconds(incident.recoverySeconds)})` : null}
              </>
            ) : (
              <span className="muted">not yet</span>
            )}
          </dd>
        </div>
        <div className="kv" data-testid="cause">
          <dt>Cause</dt>
          <dd>
            {cause ? (
              <span className="cause">
                <Deployment id={cause.deploymentId} />{' '}
                <Badge tone={cause.how === 'linked' ? 'accent' : 'warn'}>{cause.how === 'linked' ? 'linked' : 'suspected'}</Badge>{' '}
                {cause.how === 'suspected' ? (
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Link as cause of ${incident.title}`}
                    onClick={() => onLink(incident, cause.deploymentId)}
                  >
                    Link as cause
                  </button>
                ) : (
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Unlink the cause of ${incident.title}`}
                    onClick={() => onLink(incident, null)}
                  >
                    Unlink
                  </button>
                )}
              </span>
            ) : (
              <span className="muted">none linked or suspected</span>
            )}
          </dd>
        </div>
        <div className="kv" data-testid="fixes">
          <dt>Fixes</dt>
          <dd>
            {incident.fixes.length ? (
              <ul className="plain">
                {incident.fixes.map((f) => (
                  <li key={f.deploymentId}>
                    <Deployment id={f.deploymentId} />
                  </li>
                ))}
              </ul>
            ) : (
              <span className="muted">none recorded</span>
            )}
          </dd>
        </div>
      </dl>
      <div aria-live="polite">
        {outcome && 'text' in outcome ? <div className="note note-good">{outcome.text}</div> : null}
        {outcome && 'error' in outcome ? <ErrorNote error={outcome.error} /> : null}
      </div>
    </li>
  );
}

/**
 * The incidents (GET /incidents: open first, then the newest start), each with its cause (linked by the incident's
 * `relatedId`, or suspected) and its fixes. Linking a suspected cause sets the incident event's `relatedId` to the
 * deployment (PUT /event); unlinking sends `relatedId: ""`, which removes it.
 */
export function IncidentsPage() {
  const { query } = useLocation();
  const environment = query.get('environment') ?? '';
  const service = query.get('service') ?? '';
  const status = ['open', 'resolved'].includes(query.get('status') ?? '') ? (query.get('status') as IncidentsQuery['status']) : undefined;
  const page = Math.max(1, Number(query.get('page')) || 1);
  const [serviceText, setServiceText] = useState(service);
  useEffect(() => setServiceText(service), [service]);

  const incidents = useQuery({
    ...apiQuery('/api/v1alpha1/incidents', {
      params: {
        query: {
          environment: environment ? (Number(environment) as IncidentsQuery['environment']) : undefined,
          service: service || undefined,
          status,
          per_page: INCIDENTS_PER_PAGE,
          page,
        },
      },
    }),
    placeholderData: keepPreviousData,
  });
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);

  const link = async (incident: Incident, deploymentId: string | null) => {
    setBusy(incident.id);
    try {
      await ok(api.PUT('/api/v1alpha1/event', { body: { id: incident.id, attributes: { relatedId: deploymentId ?? '' } } }));
      setOutcome({ id: incident.id, text: deploymentId ? 'Linked the cause.' : 'Unlinked the cause.' });
    } catch (error) {
      setOutcome({ id: incident.id, error });
    } finally {
      setBusy(null);
      await queryClient.invalidateQueries({ queryKey: apiKey('/api/v1alpha1/incidents') });
    }
  };

  const set = (next: Record<string, string | undefined>) =>
    navigate(withQuery('/incidents', { environment, service, status, ...next, page: next.page }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ service: serviceText.trim() });
  };
  const data = incidents.data;
  const pages = data ? Math.ceil(data.totalCount / INCIDENTS_PER_PAGE) : 1;

  return (
    <section>
      <div className="page-head">
        <h1>Incidents</h1>
        <p className="muted">{data ? `${data.totalCount} incident${data.totalCount === 1 ? '' : 's'}, open first` : 'Loading…'}</p>
      </div>
      <form className="filters card" aria-label="Filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor="n-status">Status</label>
          <select id="n-status" value={status ?? ''} onChange={(e) => set({ status: e.target.value || undefined })}>
            <option value="">Any</option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="n-environment">Environment</label>
          <select id="n-environment" value={environment} onChange={(e) => set({ environment: e.target.value })}>
            <option value="">Any</option>
            <ChoiceOptions list={ENVIRONMENTS} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="n-service">Service</label>
          <input id="n-service" value={serviceText} onChange={(e) => setServiceText(e.target.value)} placeholder="exact name" />
        </div>
        <div className="field actions">
          <button type="submit" className="primary">
            Apply
          </button>
        </div>
      </form>
      <ErrorNote error={incidents.error} />
      {data && data.incidents.length === 0 ? (
        <p className="empty">No incidents{environment || service || status ? ' match these filters' : ''}.</p>
      ) : null}
      {data && data.incidents.length > 0 ? (
        <ul className="incidents plain" aria-label="Incidents, open first" aria-busy={incidents.isFetching}>
          {data.incidents.map((i) => (
            <IncidentCard
              key={i.id}
              incident={i}
              busy={busy === i.id}
              outcome={outcome?.id === i.id ? outcome : undefined}
              onLink={(incident, deploymentId) => void link(incident, deploymentId)}
            />
          ))}
        </ul>
      ) : null}
      {data && pages > 1 ? <Pager label="Incident pages" page={page} pages={pages} onPage={(p) => set({ page: String(p) })} /> : null}
    </section>
  );
}
