import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { AstraEvent, AstraList, AstraUnread } from '../api/types';
import { useToken } from '../app';
import { CLASSES, SEVERITIES, severityTone } from '../labels';
import { navigate, useLocation, withQuery } from '../router';
import { readClaims, setToken } from '../token';
import { Badge, ErrorNote, Time, useLoad, UserText } from '../ui';

const PAGE = 25;

/** A list filter value in the Astra list conventions: a quoted string, quotes escaped. */
const quoted = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function TokenPrompt() {
  const [value, setValue] = useState('');
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) setToken(value.trim());
  };
  return (
    <form className="card" onSubmit={save} aria-label="Bearer token">
      <h2>Paste a bearer token</h2>
      <p className="muted">
        The activity log belongs to an account: its token names you and your accounts. It is kept in this tab&apos;s session storage only
        and sent in the Authorization header.
      </p>
      <div className="field">
        <label htmlFor="a-token">Bearer token</label>
        <input
          id="a-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
      <div className="row">
        <button type="submit" className="primary">
          Use token
        </button>
      </div>
    </form>
  );
}

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

  const base = account && claims ? `/accounts/${account}/core/v1` : '';
  const userBase = base && claims ? `${base}/users/${claims.userId}` : '';
  const events = useLoad(`events:${token}:${filterKey}:${position}`, (signal) => {
    if (!base) return Promise.resolve(undefined);
    const filters = [severity ? `severity eq ${quoted(severity)}` : '', klass ? `class eq ${quoted(klass)}` : ''].filter(Boolean);
    return api<AstraList<AstraEvent>>('GET', `${base}/events`, {
      query: { limit: PAGE, continue: position, filter: filters.join(',') || undefined },
      signal,
    });
  });
  const unread = useLoad(`unread:${token}:${account}`, async (signal) => {
    if (!userBase) return undefined;
    const [list, notifications] = await Promise.all([
      api<AstraList<AstraUnread>>('GET', `${userBase}/unreadNotifications`, { query: { count: true, limit: 50 }, signal }),
      api<AstraList<AstraEvent>>('GET', `${base}/notifications`, { query: { limit: 200 }, signal }),
    ]);
    return { list, summaries: new Map(notifications.items.map((n) => [n.id, n])) };
  });
  const banners = useLoad(`banners:${token}:${account}`, (signal) =>
    userBase ? api<AstraList<AstraEvent>>('GET', `${userBase}/banners`, { signal }) : Promise.resolve(undefined),
  );
  const [actionError, setActionError] = useState<unknown>(null);

  if (!token) {
    return (
      <section>
        <div className="page-head">
          <h1>Activity log</h1>
        </div>
        <TokenPrompt />
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
  const markRead = async (id: string) => {
    setActionError(null);
    try {
      await api('DELETE', `${userBase}/unreadNotifications/${encodeURIComponent(id)}`);
    } catch (error) {
      setActionError(error);
    }
    unread.reload();
  };
  const dismiss = async (id: string) => {
    setActionError(null);
    try {
      await api('DELETE', `${userBase}/banners/${encodeURIComponent(id)}`);
    } catch (error) {
      setActionError(error);
    }
    banners.reload();
  };
  const unreadCount = unread.data?.list.metadata.count ?? unread.data?.list.items.length;
  const next = events.data?.metadata.continue;

  return (
    <section>
      {banners.data && banners.data.items.length > 0 ? (
        <div className="banners" aria-label="Banners" role="region">
          {banners.data.items.map((b) => (
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
          {events.data && events.data.items.length === 0 ? <p className="empty">No events.</p> : null}
          {events.data && events.data.items.length > 0 ? (
            <ul className="activity" aria-label="Events, newest first">
              {events.data.items.map((e) => (
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
          <ErrorNote error={unread.error} />
          {unread.data && unread.data.list.items.length === 0 ? <p className="empty">Nothing unread.</p> : null}
          <ul className="unread">
            {unread.data?.list.items.map((u) => {
              const n = unread.data?.summaries.get(u.notificationID);
              return (
                <li key={u.id}>
                  <div>
                    <Badge tone={severityTone(u.severity)}>{u.severity}</Badge> <UserText>{n?.summary ?? u.notificationID}</UserText>
                    <div className="muted small">
                      <Time value={u.metadata.creationTimestamp} />
                    </div>
                  </div>
                  <button type="button" onClick={() => void markRead(u.id)} aria-label={`Mark read: ${n?.summary ?? u.notificationID}`}>
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
