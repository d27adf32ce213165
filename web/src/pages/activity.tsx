import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../api/client';
import { apiKey, apiQuery } from '../api/queries';
import { wholeItems } from '../api/types';
import { CLASSES, SEVERITIES, severityTone } from '../labels';
import { navigate, useLocation } from '../router';
import { TokenForm } from '../token-form';
import { readClaims, useToken } from '../token';
import { Badge, ErrorNote, Time, UserText } from '../ui';
import { withQuery } from '../url';

const PAGE = 25;

/** A list filter value in the Astra list conventions: a quoted string, quotes escaped. */
const quoted = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * An account's activity log (Astra events, newest first) with severity and class filters, the user's unread
 * notifications (count, mark as read) and the active banners on top. The service decides what the token may
 * see (visibility per role): the page shows exactly what the API answers.
 */
export function ActivityPage() {
  const token = useToken();
  const claims = readClaims(token);
  const { query } = useLocation();
  const accounts = Object.keys(claims?.accounts ?? {});
  const account = accounts.includes(query.get('account') ?? '') ? (query.get('account') as string) : accounts[0];
  const severity = query.get('severity') ?? '';
  const klass = query.get('class') ?? '';
  const [cursor, setCursor] = useState<{ stack: string[]; key: string }>({ stack: [''], key: '' });
  const filterKey = JSON.stringify({ account, severity, klass });
  const stack = cursor.key === filterKey ? cursor.stack : [''];
  const position = stack[stack.length - 1];

  // Until the token names an account there is nothing to ask: the queries wait (`enabled`).
  const ready = !!claims && !!account;
  const ids = { account_id: account ?? '', user_id: claims?.userId ?? '' };
  const filter = [severity ? `severity eq ${quoted(severity)}` : '', klass ? `class eq ${quoted(klass)}` : ''].filter(Boolean).join(',');
  const events = useQuery({
    ...apiQuery('/accounts/{account_id}/core/v1/events', {
      params: { path: ids, query: { limit: String(PAGE), continue: position || undefined, filter: filter || undefined } },
    }),
    enabled: ready,
    placeholderData: keepPreviousData,
  });
  const unread = useQuery({
    ...apiQuery('/accounts/{account_id}/core/v1/users/{user_id}/unreadNotifications', {
      params: { path: ids, query: { count: 'true', limit: '50' } },
    }),
    enabled: ready,
  });
  // the notifications' summaries, for the unread marks
  const notifications = useQuery({
    ...apiQuery('/accounts/{account_id}/core/v1/notifications', { params: { path: ids, query: { limit: '200' } } }),
    enabled: ready,
  });
  const banners = useQuery({
    ...apiQuery('/accounts/{account_id}/core/v1/users/{user_id}/banners', { params: { path: ids } }),
    enabled: ready,
  });
  const queryClient = useQueryClient();
  const [actionError, setActionError] = useState<unknown>(null);

  if (!token) {
    return (
      <section>
        <div className="page-head">
          <h1>Activity log</h1>
        </div>
        <TokenForm className="card" inputId="a-token" label="Bearer token">
          <h2>Paste a bearer token</h2>
          <p className="muted">
            The activity log belongs to an account: its token names you and your accounts. It is kept in this tab&apos;s session storage
            only and sent in the Authorization header.
          </p>
        </TokenForm>
      </section>
    );
  }
  if (!claims || !account) {
    return (
      <section>
        <h1>Activity log</h1>
        <div className="note note-bad" role="alert">
          This token names no account. Paste another with “Token” at the top of the page.
        </div>
      </section>
    );
  }

  const setFilter = (next: Record<string, string>) => navigate(withQuery('/activity', { account, severity, class: klass, ...next }));
  /** Runs a change, shows its refusal if any, then reads the lists it touched again. */
  const act = async (change: () => Promise<unknown>, touched: Parameters<typeof apiKey>[0]) => {
    setActionError(null);
    try {
      await change();
    } catch (error) {
      setActionError(error);
    }
    await queryClient.invalidateQueries({ queryKey: apiKey(touched) });
  };
  const markRead = (id: string) =>
    act(
      () =>
        ok(
          api.DELETE('/accounts/{account_id}/core/v1/users/{user_id}/unreadNotifications/{unreadNotification_id}', {
            params: { path: { ...ids, unreadNotification_id: id } },
          }),
        ),
      '/accounts/{account_id}/core/v1/users/{user_id}/unreadNotifications',
    );
  const dismiss = (id: string) =>
    act(
      () =>
        ok(
          api.DELETE('/accounts/{account_id}/core/v1/users/{user_id}/banners/{banner_id}', { params: { path: { ...ids, banner_id: id } } }),
        ),
      '/accounts/{account_id}/core/v1/users/{user_id}/banners',
    );
  const eventItems = events.data ? wholeItems(events.data.items) : undefined;
  const bannerItems = banners.data ? wholeItems(banners.data.items) : [];
  // listed once their summaries are in too (the unread marks carry only the notification's id)
  const unreadItems = unread.data && notifications.data ? wholeItems(unread.data.items) : undefined;
  const summaries = new Map(notifications.data ? wholeItems(notifications.data.items).map((n) => [n.id, n.summary]) : []);
  const unreadCount = unread.data?.metadata.count ?? unreadItems?.length;
  const next = events.data?.metadata.continue;

  return (
    <section>
      {bannerItems.length > 0 ? (
        <div className="banners" aria-label="Banners" role="region">
          {bannerItems.map((b) => (
            <div key={b.id} className={`banner tone-${severityTone(b.severity)}`}>
              <div>
                <strong>
                  <UserText>{b.summary}</UserText>
                </strong>{' '}
                <UserText>{b.description}</UserText>
                {b.correctiveAction ? (
                  <div className="small" dir="auto">
                    {b.correctiveAction}
                  </div>
                ) : null}
              </div>
              {b.data?.isAcknowledgeable === 'true' ? (
                <button type="button" onClick={() => void dismiss(b.id)} aria-label={`Dismiss banner: ${b.summary}`}>
                  Dismiss
                </button>
              ) : null}
            </div>
          ))}
        </div>
      ) : null}
      <div className="page-head">
        <h1>Activity log</h1>
        <p className="muted">
          Account <code>{account}</code> as {claims.accounts[account]}
        </p>
      </div>
      <ErrorNote error={actionError} />
      <div className="grid-activity">
        <div>
          <form className="filters card" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
            {accounts.length > 1 ? (
              <div className="field">
                <label htmlFor="a-account">Account</label>
                <select id="a-account" value={account} onChange={(e) => setFilter({ account: e.target.value })}>
                  {accounts.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            <div className="field">
              <label htmlFor="a-severity">Severity</label>
              <select id="a-severity" value={severity} onChange={(e) => setFilter({ severity: e.target.value })}>
                <option value="">Any</option>
                {SEVERITIES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.value}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="a-class">Class</label>
              <select id="a-class" value={klass} onChange={(e) => setFilter({ class: e.target.value })}>
                <option value="">Any</option>
                {CLASSES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          </form>
          <ErrorNote error={events.error} />
          {eventItems && eventItems.length === 0 ? <p className="empty">No events.</p> : null}
          {eventItems && eventItems.length > 0 ? (
            <ul className="activity" aria-label="Events, newest first">
              {eventItems.map((e) => (
                <li key={e.id} className="card activity-item" data-event-id={e.id}>
                  <div className="activity-head">
                    <Badge tone={severityTone(e.severity)}>{e.severity}</Badge>
                    <Badge tone="neutral">{e.class}</Badge>
                    <strong>
                      <UserText>{e.summary}</UserText>
                    </strong>
                  </div>
                  <p dir="auto">{e.description}</p>
                  <div className="muted small">
                    <Time value={e.eventTime} /> · <UserText>{e.source}</UserText> · <code>{e.name}</code>
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          {stack.length > 1 || next ? (
            <nav className="pager" aria-label="Activity pages">
              <button type="button" disabled={stack.length <= 1} onClick={() => setCursor({ key: filterKey, stack: stack.slice(0, -1) })}>
                ← Newer
              </button>
              <span>Page {stack.length}</span>
              <button type="button" disabled={!next} onClick={() => next && setCursor({ key: filterKey, stack: [...stack, next] })}>
                Older →
              </button>
            </nav>
          ) : null}
        </div>
        <aside className="card" aria-labelledby="unread-title">
          <h2 id="unread-title">
            Unread notifications{' '}
            <span className="count" data-testid="unread-count" aria-label={`${unreadCount ?? 0} unread`}>
              {unreadCount ?? '…'}
            </span>
          </h2>
          <ErrorNote error={unread.error ?? notifications.error} />
          {unreadItems && unreadItems.length === 0 ? <p className="empty">Nothing unread.</p> : null}
          <ul className="unread">
            {unreadItems?.map((u) => {
              const summary = summaries.get(u.notificationID) ?? u.notificationID;
              return (
                <li key={u.id}>
                  <div>
                    <Badge tone={severityTone(u.severity)}>{u.severity}</Badge> <UserText>{summary}</UserText>
                    <div className="muted small">
                      <Time value={u.metadata.creationTimestamp} />
                    </div>
                  </div>
                  <button type="button" onClick={() => void markRead(u.id)} aria-label={`Mark read: ${summary}`}>
                    Mark read
                  </button>
                </li>
              );
            })}
          </ul>
        </aside>
      </div>
    </section>
  );
}
