import { type FormEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useLocation } from './router';
import { getToken, onTokenChange, readClaims, setToken } from './token';
import { TimelinePage } from './pages/timeline';
import { EventPage } from './pages/event';
import { OverlapsPage } from './pages/overlaps';
import { LocksPage } from './pages/locks';
import { ActivityPage } from './pages/activity';
import { InsightsPage } from './pages/insights';

const NAV = [
  { href: '/', label: 'Timeline', match: (p: string) => p === '/' || p.startsWith('/events') },
  { href: '/overlaps', label: 'Overlaps', match: (p: string) => p.startsWith('/overlaps') },
  { href: '/locks', label: 'Locks', match: (p: string) => p.startsWith('/locks') },
  { href: '/insights', label: 'Insights', match: (p: string) => p.startsWith('/insights') },
  { href: '/activity', label: 'Activity log', match: (p: string) => p.startsWith('/activity') },
];

export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, getToken);
}

function TokenControl() {
  const token = useToken();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  const claims = readClaims(token);
  const save = (e: FormEvent) => {
    e.preventDefault();
    setToken(value.trim() || null);
    setValue('');
    setOpen(false);
  };
  return (
    <div className="token">
      <button type="button" aria-expanded={open} aria-controls="token-form" onClick={() => setOpen((o) => !o)}>
        {token ? `Token: ${claims ? `user ${claims.userId.slice(0, 8)}…` : 'set'}` : 'Token'}
      </button>
      {open ? (
        <form id="token-form" className="token-form card" onSubmit={save}>
          <label htmlFor="token-input">Bearer token (kept for this browser session only)</label>
          <input
            id="token-input"
            ref={input}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <div className="row">
            <button type="submit" className="primary">
              Use token
            </button>
            {token ? (
              <button
                type="button"
                onClick={() => {
                  setToken(null);
                  setOpen(false);
                }}
              >
                Forget token
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </div>
  );
}

function Page({ path }: { path: string }) {
  const event = /^\/events\/([^/]+)$/.exec(path);
  if (event) return <EventPage id={decodeURIComponent(event[1])} />;
  if (path === '/' || path === '/events') return <TimelinePage />;
  if (path === '/overlaps') return <OverlapsPage />;
  if (path === '/locks') return <LocksPage />;
  if (path === '/insights') return <InsightsPage />;
  if (path === '/activity') return <ActivityPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Back to the timeline</Link>
      </p>
    </section>
  );
}

export function App() {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [path]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="top-inner">
          <Link href="/" className="brand">
            Tracker
          </Link>
          <nav aria-label="Pages">
            <ul className="nav">
              {NAV.map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={n.match(path) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <TokenControl />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}
