import { useQuery } from '@tanstack/react-query';
import { apiQuery } from '../api/queries';
import { ENVIRONMENTS, IMPACTS, PRIORITIES, STATUSES, TYPES, type Tone } from '../labels';
import { Link } from '../router';
import { Badge, ChoiceBadge, ErrorNote, formatSeconds, Time, UserText } from '../ui';

const ENUM_FIELDS: Record<string, typeof STATUSES> = {
  status: STATUSES,
  type: TYPES,
  environment: ENVIRONMENTS,
  priority: PRIORITIES,
  impact: IMPACTS,
};

const DELIVERY_TONES: Record<string, Tone> = { delivered: 'good', pending: 'info', retrying: 'warn', dead: 'bad', skipped: 'neutral' };

/** A changelog value as a person reads it: enumerations by name, absent as a dash. */
function Value({ field, value }: { field: string; value: unknown }) {
  const key = field.split('.').pop() ?? field;
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (ENUM_FIELDS[key]) return <ChoiceBadge list={ENUM_FIELDS[key]} value={value} />;
  return <UserText className="break">{typeof value === 'string' ? value : JSON.stringify(value)}</UserText>;
}

function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div className="kv">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function EventPage({ id }: { id: string }) {
  const path = { id };
  const event = useQuery(apiQuery('/api/v1alpha1/event/{id}', { params: { path } }));
  const changelog = useQuery(apiQuery('/api/v1alpha1/event/{id}/changelog', { params: { path } }));
  const deliveries = useQuery(apiQuery('/api/v1alpha1/event/{id}/notifications', { params: { path } }));
  const e = event.data;
  const a = e?.attributes;
  const pr = safeHref(e?.links.pullRequestLink);

  return (
    <section>
      <p className="crumbs">
        <Link href="/">← Timeline</Link>
      </p>
      <ErrorNote error={event.error} />
      {e && a ? (
        <>
          <div className="page-head">
            <h1 dir="auto">{e.title}</h1>
            <div className="badges">
              <ChoiceBadge list={TYPES} value={a.type} />
              <ChoiceBadge list={ENVIRONMENTS} value={a.environment} />
              <ChoiceBadge list={STATUSES} value={a.status} />
            </div>
          </div>
          <div className="grid-2">
            <div className="card">
              <h2>Details</h2>
              <dl className="kvs">
                <Field name="Service">
                  <UserText>{a.service}</UserText>
                </Field>
                <Field name="Type">
                  <ChoiceBadge list={TYPES} value={a.type} />
                </Field>
                <Field name="Environment">
                  <ChoiceBadge list={ENVIRONMENTS} value={a.environment} />
                </Field>
                <Field name="Status">
                  <ChoiceBadge list={STATUSES} value={a.status} />
                </Field>
                <Field name="Priority">
                  <ChoiceBadge list={PRIORITIES} value={a.priority} />
                </Field>
                <Field name="Impact">
                  <ChoiceBadge list={IMPACTS} value={a.impact} />
                </Field>
                <Field name="Source">{a.source ? <UserText>{a.source}</UserText> : <span className="muted">—</span>}</Field>
                <Field name="Owner">{a.owner ? <UserText>{a.owner}</UserText> : <span className="muted">—</span>}</Field>
                <Field name="Stake holders">
                  {a.stakeHolders?.length ? (
                    a.stakeHolders.map((h, i) => (
                      <span key={i}>
                        {i ? ', ' : ''}
                        <UserText>{h}</UserText>
                      </span>
                    ))
                  ) : (
                    <span className="muted">—</span>
                  )}
                </Field>
                <Field name="Notify">
                  {a.notification ? a.notifications?.length ? a.notifications.join(', ') : 'yes' : <span className="muted">no</span>}
                </Field>
                <Field name="Id">
                  <code>{e.id}</code>
                </Field>
              </dl>
              {a.message ? (
                <>
                  <h3>Message</h3>
                  <p className="message" dir="auto">
                    {a.message}
                  </p>
                </>
              ) : null}
            </div>
            <div className="card">
              <h2>Time</h2>
              <dl className="kvs">
                <Field name="Start">
                  <Time value={a.startDate} />
                </Field>
                <Field name="End">
                  <Time value={a.endDate} />
                </Field>
                <Field name="Duration">
                  {e.metadata.durationSeconds !== undefined ? formatSeconds(e.metadata.durationSeconds) : <span className="muted">—</span>}
                </Field>
                <Field name="Created">
                  <Time value={e.metadata.createdAt} />
                </Field>
                <Field name="Updated">
                  <Time value={e.metadata.updatedAt} />
                </Field>
              </dl>
              <h2>Links</h2>
              <dl className="kvs">
                <Field name="Pull request">
                  {pr ? (
                    <a href={pr} rel="noopener noreferrer" target="_blank">
                      <UserText>{e.links.pullRequestLink}</UserText>
                    </a>
                  ) : e.links.pullRequestLink ? (
                    <UserText>{e.links.pullRequestLink}</UserText>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </Field>
                <Field name="Ticket">{e.links.ticket ? <UserText>{e.links.ticket}</UserText> : <span className="muted">—</span>}</Field>
                <Field name="Related event">
                  {e.related ? (
                    <>
                      <Link href={`/events/${e.related.id}`}>
                        <UserText>{e.related.title}</UserText>
                      </Link>
                      <div className="muted small">{formatSeconds(e.related.durationSeconds)} from its start</div>
                    </>
                  ) : a.relatedId ? (
                    <code>
                      <UserText>{a.relatedId}</UserText>
                    </code>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </Field>
              </dl>
            </div>
          </div>
        </>
      ) : null}

      <div className="card">
        <h2>Changelog</h2>
        <ErrorNote error={changelog.error} />
        {changelog.data && changelog.data.changelog.length === 0 ? <p className="empty">No changes recorded.</p> : null}
        {changelog.data && changelog.data.changelog.length > 0 ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Recorded changes, oldest first">
            <table className="changelog">
              <caption className="sr-only">Recorded changes, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Field</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {changelog.data.changelog.map((c, i) => (
                  <tr key={i}>
                    <td className="nowrap">
                      <Time value={c.at} />
                    </td>
                    <td>
                      <code>{c.field}</code>
                    </td>
                    <td>
                      <Value field={c.field} value={c.old} />
                    </td>
                    <td>
                      <Value field={c.field} value={c.new} />
                    </td>
                    <td>
                      <UserText>{c.source}</UserText>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>

      <div className="card">
        <h2>Slack and email deliveries</h2>
        <ErrorNote error={deliveries.error} />
        {deliveries.data && deliveries.data.notifications.length === 0 ? <p className="empty">No deliveries for this event.</p> : null}
        {deliveries.data && deliveries.data.notifications.length > 0 ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Deliveries">
            <table>
              <caption className="sr-only">Deliveries</caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Next attempt</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.notifications.map((d) => {
                  const last = d.attempts[d.attempts.length - 1];
                  return (
                    <tr key={d.dedupKey}>
                      <td>{d.channel}</td>
                      <td>{d.trigger}</td>
                      <td>
                        <Badge tone={DELIVERY_TONES[d.state] ?? 'neutral'}>{d.state}</Badge>
                        {d.reason ? (
                          <div className="muted small">
                            <UserText>{d.reason}</UserText>
                          </div>
                        ) : null}
                      </td>
                      <td>
                        {d.attempts.length}
                        {last && !last.ok && last.error ? (
                          <div className="muted small break">
                            last: <UserText>{last.error}</UserText>
                          </div>
                        ) : null}
                      </td>
                      <td>
                        <Time value={d.nextAttemptAt} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
    </section>
  );
}
