/**
 * The CLI's settings: flags first, then TRACKER_URL / TRACKER_TOKEN. The one place the CLI reads the
 * environment (the service reads its own through src/platform/config; the CLI is a separate program).
 */
export interface CliConfig {
  url: string;
  token?: string;
  /** Attempts per request on network errors, 429 and 503 (the first included). */
  attempts: number;
  /** The longest single wait between attempts, in ms (a longer Retry-After is capped to it). */
  maxDelayMs: number;
  /** How often a waiter in a lock's line asks whether its turn came (--wait), in ms. */
  pollMs: number;
  /** The lease of a ticket in a lock's line (waitSeconds, 10 s to 24 h); the CLI asks again every third of it. */
  ticketSeconds: number;
}

export const DEFAULT_URL = 'http://localhost:8080';

export interface GlobalFlags {
  url?: string;
  token?: string;
  retries?: string;
}

export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliConfig {
  const url = (flags.url ?? env.TRACKER_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const token = flags.token ?? (env.TRACKER_TOKEN || undefined);
  const retries = Number(flags.retries ?? env.TRACKER_RETRIES ?? 6);
  const maxDelayMs = Number(env.TRACKER_RETRY_MAX_DELAY_MS ?? 10_000);
  const pollMs = Number(env.TRACKER_POLL_MS ?? 2000);
  const ticketSeconds = Number(env.TRACKER_TICKET_SECONDS ?? 60);
  return {
    url,
    token,
    attempts: Math.max(1, Math.floor(retries) + 1),
    maxDelayMs: Math.max(0, maxDelayMs),
    pollMs: Number.isFinite(pollMs) ? Math.max(50, pollMs) : 2000,
    ticketSeconds: Number.isFinite(ticketSeconds) ? Math.min(86_400, Math.max(10, Math.floor(ticketSeconds))) : 60,
  };
}

/** Who holds a lock when --owner is not given: TRACKER_OWNER, else the CI's or the user's name. */
export function defaultOwner(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TRACKER_OWNER || (env.GITHUB_ACTIONS ? `github-actions:${env.GITHUB_REPOSITORY ?? 'unknown'}` : `cli:${env.USER ?? 'unknown'}`)
  );
}

/** The environment the `tracker mcp` bridge and spawned commands inherit. */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
