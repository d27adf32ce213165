import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, ApiError, ok } from '../api/client';
import { apiKey, apiQuery } from '../api/queries';
import type { AcquireLockBody, LockHolder } from '../api/types';
import { DeployabilityBadge } from '../deployability';
import { ENVIRONMENTS } from '../labels';
import { Link } from '../router';
import { ChoiceBadge, ChoiceOptions, ErrorNote, formatSeconds, Time, useNow, UserText } from '../ui';

/** The 409's `holder`, read from the problem as far as it has its fields. */
type Holder = Partial<LockHolder>;

/** What the last action did: a message, or the refusal with the lock's holder when the API answered 409. */
type Outcome = { kind: 'ok'; text: ReactNode } | { kind: 'held'; holder: Holder; text: string } | { kind: 'error'; error: unknown };

/**
 * The active locks (holder, reason, time left) and the lock API's three actions: acquire (a refused acquire shows
 * who holds the lock), renew and release. Renew and release act as the lock's owner, as any API client may.
 */
export function LocksPage() {
  const locks = useQuery(apiQuery('/api/v1alpha1/locks', {}));
  const queryClient = useQueryClient();
  const now = useNow();
  const [form, setForm] = useState({ service: '', environment: '7', resource: '', owner: '', reason: '', ttlSeconds: '900' });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (run: () => Promise<ReactNode>) => {
    setBusy(true);
    try {
      setOutcome({ kind: 'ok', text: await run() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && typeof error.problem.holder === 'object' && error.problem.holder)
        setOutcome({ kind: 'held', holder: error.problem.holder, text: error.message });
      else setOutcome({ kind: 'error', error });
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: apiKey('/api/v1alpha1/locks') });
    }
  };

  const acquire = (e: FormEvent) => {
    e.preventDefault();
    const body: AcquireLockBody = {
      service: form.service.trim(),
      environment: Number(form.environment) as AcquireLockBody['environment'],
      owner: form.owner.trim(),
      ...(form.resource.trim() ? { resource: form.resource.trim() } : {}),
      ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
      ...(form.ttlSeconds ? { ttlSeconds: Number(form.ttlSeconds) } : {}),
    };
    void act(async () => {
      const lock = await ok(api.POST('/api/v1alpha1/locks', { body }));
      // The form never sends `wait`, so the answer is a lock; a place in the line (202) is only said as such.
      if ('queued' in lock) return <>In the line at position {lock.position}.</>;
      return (
        <>
          Locked <UserText>{lock.service}</UserText> ({lock.resource}) for <UserText>{lock.owner}</UserText>.
        </>
      );
    });
  };
  const input = (name: keyof typeof form) => ({
    id: `l-${name}`,
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value })),
  });

  return (
    <section>
      <div className="page-head">
        <h1>Locks</h1>
        <p className="muted">{locks.data ? `${locks.data.locks.length} active` : 'Loading…'}</p>
      </div>
      <form className="card acquire" onSubmit={acquire} aria-label="Acquire a lock">
        <h2>Acquire a lock</h2>
        <div className="filters">
          <div className="field">
            <label htmlFor="l-service">Service</label>
            <input {...input('service')} required maxLength={300} />
          </div>
          <div className="field">
            <label htmlFor="l-environment">Environment</label>
            <select {...input('environment')}>
              <ChoiceOptions list={ENVIRONMENTS} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="l-resource">Resource</label>
            <input {...input('resource')} placeholder="deployment" maxLength={64} />
          </div>
          <div className="field">
            <label htmlFor="l-owner">Owner</label>
            <input {...input('owner')} required maxLength={200} />
          </div>
          <div className="field wide">
            <label htmlFor="l-reason">Reason</label>
            <input {...input('reason')} maxLength={1000} />
          </div>
          <div className="field">
            <label htmlFor="l-ttlSeconds">Lease (seconds)</label>
            <input {...input('ttlSeconds')} type="number" min={10} inputMode="numeric" />
          </div>
          <div className="field actions">
            <button type="submit" className="primary" disabled={busy}>
              Acquire
            </button>
          </div>
        </div>
      </form>
      <div aria-live="polite">
        {outcome?.kind === 'ok' ? <div className="note note-good">{outcome.text}</div> : null}
        {outcome?.kind === 'held' ? (
          <div className="note note-bad" role="alert" data-testid="lock-holder">
            <strong>
              Refused: the lock is held by <UserText>{outcome.holder.owner}</UserText>
            </strong>
            {outcome.holder.reason ? (
              <>
                {' ('}
                <UserText>{outcome.holder.reason}</UserText>)
              </>
            ) : (
              ''
            )}
            {outcome.holder.expiresAt ? (
              <>
                {' '}
                until <Time value={outcome.holder.expiresAt} />
              </>
            ) : null}
            .
          </div>
        ) : null}
        {outcome?.kind === 'error' ? <ErrorNote error={outcome.error} /> : null}
      </div>
      <ErrorNote error={locks.error} />
      {locks.data && locks.data.locks.length === 0 ? <p className="empty">No active locks.</p> : null}
      {locks.data && locks.data.locks.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Active locks">
          <table className="locks">
            <caption className="sr-only">Active locks</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Environment</th>
                <th scope="col">Holder</th>
                <th scope="col">Time left</th>
                <th scope="col">Holder may deploy</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {locks.data.locks.map((l) => (
                <tr key={l.id} data-lock-id={l.id}>
                  <td>
                    <UserText>{l.service}</UserText>
                    <div className="muted small">{l.resource}</div>
                  </td>
                  <td>
                    <ChoiceBadge list={ENVIRONMENTS} value={l.environment} />
                  </td>
                  <td>
                    <UserText>{l.owner}</UserText>
                    {l.reason ? (
                      <div className="muted small">
                        <UserText>{l.reason}</UserText>
                      </div>
                    ) : null}
                    {l.eventId ? (
                      <div className="small">
                        <Link href={`/events/${l.eventId}`}>event</Link>
                      </div>
                    ) : null}
                  </td>
                  <td className="nowrap">
                    {formatSeconds((Date.parse(l.expiresAt) - now) / 1000)}
                    <div className="muted small">
                      since <Time value={l.acquiredAt} />
                    </div>
                  </td>
                  <td>
                    <DeployabilityBadge service={l.service} environment={l.environment} owner={l.owner} />
                  </td>
                  <td className="nowrap">
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Renew the lock of ${l.service} (${l.resource})`}
                      onClick={() =>
                        void act(async () => {
                          await ok(
                            api.POST('/api/v1alpha1/locks/{id}/renew', { params: { path: { id: l.id } }, body: { owner: l.owner } }),
                          );
                          return (
                            <>
                              Renewed <UserText>{l.service}</UserText> ({l.resource}).
                            </>
                          );
                        })
                      }
                    >
                      Renew
                    </button>{' '}
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Release the lock of ${l.service} (${l.resource})`}
                      onClick={() =>
                        void act(async () => {
                          await ok(api.DELETE('/api/v1alpha1/locks/{id}', { params: { path: { id: l.id }, query: { owner: l.owner } } }));
                          return (
                            <>
                              Released <UserText>{l.service}</UserText> ({l.resource}).
                            </>
                          );
                        })
                      }
                    >
                      Release
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
