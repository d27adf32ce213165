import { type ReactNode, useEffect, useState } from 'react';
import { ApiError } from './api/client';
import { type Choice, choice, type Tone } from './labels';

/**
 * Text someone else wrote (a title, a name, a message, a reason), isolated from the page around it: a right-to-left
 * override or an unbalanced embedding inside cannot reorder the page's own words or the text next to it, and
 * its direction comes from its own first strong character (`<bdi>`, `dir="auto"`; docs/ui.md). Identifiers refuse
 * such characters (docs/security.md); free text keeps them, so every piece of it goes through here.
 */
export function UserText({ children, className }: { children: string | null | undefined; className?: string }) {
  return (
    <bdi dir="auto" className={className}>
      {children}
    </bdi>
  );
}

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge tone-${tone}`}>{children}</span>;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Times are shown in UTC (the service's day boundaries are UTC), with the exact instant on hover. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return <span>{value}</span>;
  return (
    <time dateTime={value} title={value}>
      {dateTime.format(d)} UTC
    </time>
  );
}

export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', !d && !h ? `${s % 60}s` : ''].filter(Boolean);
  return parts.join(' ') || '0s';
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const status = error instanceof ApiError ? error.status : undefined;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong.';
  return (
    <div className="note note-bad" role="alert">
      {status === 401 ? 'This needs a bearer token: paste one with “Token” at the top of the page. ' : ''}
      {status ? <strong>HTTP {status}: </strong> : null}
      {message}
    </div>
  );
}

export function Pager({ page, pages, onPage, label }: { page: number; pages: number; onPage: (page: number) => void; label: string }) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </button>
      <span aria-live="polite">
        Page {page} of {Math.max(pages, 1)}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Older →
      </button>
    </nav>
  );
}

/** Seconds from now to `until`, ticking every second. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(id);
  }, [everyMs]);
  return now;
}

/** An event attribute's value as its labelled badge, or a dash when it has none. */
export function ChoiceBadge({ list, value }: { list: Choice[]; value: unknown }) {
  const c = choice(list, value);
  return c ? <Badge tone={c.tone}>{c.label}</Badge> : <span className="muted">—</span>;
}

/** The options of a select over labelled values. */
export function ChoiceOptions({ list }: { list: Choice[] }) {
  return (
    <>
      {list.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </>
  );
}
