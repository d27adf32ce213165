import { useSyncExternalStore } from 'react';

/**
 * The bearer token: pasted once per browser session, kept in sessionStorage only (never localStorage, never a
 * URL). Its claims are read (not verified: the service verifies) to know the user and their accounts.
 */
const KEY = 'tracker.token';
const CHANGE = 'tracker:token';

export function getToken(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) window.sessionStorage.setItem(KEY, token.replace(/^Bearer\s+/i, '').trim());
  else window.sessionStorage.removeItem(KEY);
  window.dispatchEvent(new Event(CHANGE));
}

export function onTokenChange(listener: () => void): () => void {
  window.addEventListener(CHANGE, listener);
  return () => window.removeEventListener(CHANGE, listener);
}

/** The session's token, re-rendering when it is pasted or forgotten. */
export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, getToken);
}

export interface Claims {
  userId: string;
  accounts: Record<string, string>;
}

/** The token's `sub` and `accounts`, or null when it is not a JWT with those claims. */
export function readClaims(token: string | null): Claims | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { sub?: unknown; accounts?: unknown };
    if (typeof claims.sub !== 'string' || typeof claims.accounts !== 'object' || claims.accounts === null) return null;
    const accounts: Record<string, string> = {};
    for (const [id, role] of Object.entries(claims.accounts as Record<string, unknown>)) if (typeof role === 'string') accounts[id] = role;
    return { userId: claims.sub, accounts };
  } catch {
    return null;
  }
}
