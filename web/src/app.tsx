import { useEffect, useState } from 'react';
import { ROUTES } from './routes';
import { Link, useLocation } from './router';
import { TokenForm } from './token-form';
import { readClaims, useToken } from './token';
import { findRoute } from './url';

/** The header's "Token" control: shows whose token is in use, and opens the token prompt. */
function TokenControl() {
  const token = useToken();
  const [open, setOpen] = useState(false);
  const claims = readClaims(token);
  return (
    <div className="token">
      <button type="button" aria-expanded={open} aria-controls="token-form" onClick={() => setOpen((o) => !o)}>
        {token ? `Token: ${claims ? `user ${claims.userId.slice(0, 8)}…` : 'set'}` : 'Token'}
      </button>
      {open ? (
        <TokenForm
          id="token-form"
          className="token-form card"
          inputId="token-input"
          label="Bearer token (kept for this browser session only)"
          autoFocus
          onDone={() => setOpen(false)}
        />
      ) : null}
    </div>
  );
}

function NotFound({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Back to the timeline</Link>
      </p>
    </section>
  );
}

/** The page frame: the navigation (the labelled rows of ROUTES) and the route matching the URL. */
export function App() {
  const { path } = useLocation();
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [path]);
  const found = findRoute(ROUTES, path);
  const current = found ? (found.route.section ?? found.route.path) : undefined;
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
              {ROUTES.filter((r) => r.label).map((r) => (
                <li key={r.path}>
                  <Link href={r.path} aria-current={r.path === current ? 'page' : undefined}>
                    {r.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <TokenControl />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {found ? found.route.element(found.params) : <NotFound path={path} />}
      </main>
    </>
  );
}
