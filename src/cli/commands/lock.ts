import { Command, InvalidArgumentError } from 'commander';
import type { components } from '../../contract/api-types';
import { answer, describeProblem, idempotencyKey } from '../api';
import { defaultOwner } from '../config';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment } from '../enums';
import { CliError, ExitCode, interruptedBy } from '../exit-codes';
import { integer } from './event';

type LockView = components['schemas']['LockView'];
type QueuedLockView = components['schemas']['QueuedLockView'];

/** The answer of POST /locks: the lock (201 new, 200 renewed), or with wait a place in its line (202). */
export type Acquired = LockView | QueuedLockView;

export const isQueued = (a: Acquired): a is QueuedLockView => 'queued' in a && a.queued === true;

export const lockLine = (l: LockView) =>
  [l.id, l.service, labels.environment(l.environment), l.resource, l.owner, `until ${l.expiresAt}`, l.reason ?? ''].join('  ').trimEnd();

export interface AcquireOptions {
  service: string;
  environment: number;
  resource?: string;
  owner?: string;
  reason?: string;
  ttl?: number;
  eventId?: string;
  /** Join the key's line when another owner holds it (202) instead of 409. */
  wait?: boolean;
  /** With wait: the ticket's own lease, renewed by asking again. */
  waitSeconds?: number;
}

/**
 * POST /locks: the lock, its place in the line (only with wait), or CliError(Refused) with the 409 problem
 * naming the holder. Each call carries its own Idempotency-Key: asking again (to keep a place) is a new request.
 */
export async function acquireLock(ctx: CliContext, o: AcquireOptions & { wait: true }): Promise<Acquired>;
export async function acquireLock(ctx: CliContext, o: AcquireOptions & { wait?: false }): Promise<LockView>;
export async function acquireLock(ctx: CliContext, o: AcquireOptions): Promise<Acquired> {
  const body = {
    service: o.service,
    environment: o.environment as LockView['environment'],
    resource: o.resource,
    owner: o.owner ?? defaultOwner(),
    reason: o.reason,
    ttlSeconds: o.ttl,
    eventId: o.eventId,
    wait: o.wait || undefined,
    waitSeconds: o.wait ? o.waitSeconds : undefined,
  };
  return answer<Acquired>(
    ctx.api.POST('/api/v1alpha1/locks', { body, params: { header: { 'Idempotency-Key': idempotencyKey() } } }),
    `lock ${o.service} in ${labels.environment(o.environment)}`,
  );
}

/** Durations for --timeout: `30m`, `90s`, `2h`, `1h30m`, or plain seconds. */
export function duration(value: string): number {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!parts || text === '') throw new InvalidArgumentError('a duration such as 30m, 90s, 1h30m or seconds');
  const [, h = '0', m = '0', s = '0'] = parts;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

export interface WaitOptions {
  /** How long to wait in the line before giving up (exit 3). */
  timeoutMs: number;
  /** Aborted (SIGTERM, Ctrl-C): leave the line and answer undefined. */
  signal: AbortSignal;
  ctx: CliContext;
}

/** The default wait: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** GET /locks/{id}: the lock while it is held, undefined on 404 (a ticket still waiting, or gone). */
async function heldLock(ctx: CliContext, id: string): Promise<LockView | undefined> {
  const { data, error, response } = await ctx.api.GET('/api/v1alpha1/locks/{id}', { params: { path: { id } } });
  if (response.ok) return data;
  if (response.status === 404) return undefined;
  throw new CliError(ExitCode.Refused, `lock ${id}: ${describeProblem(response.status, error)}`, error);
}

/**
 * Takes the lock, queueing while another owner holds it: POST /locks with wait (202 a ticket), then
 * GET /locks/{ticketId} every poll until it answers 200 (the ticket became the lock), asking again with the same
 * owner every third of the ticket's lease to keep the place. Out of time: leaves the line (DELETE
 * /locks/queue/{ticketId}) and throws CliError(Blocked). Aborted: leaves the line and answers undefined.
 */
export async function waitForLock(o: AcquireOptions, w: WaitOptions): Promise<LockView | undefined> {
  const { ctx } = w;
  const owner = o.owner ?? defaultOwner();
  const ask = () => acquireLock(ctx, { ...o, owner, wait: true, waitSeconds: ctx.config.ticketSeconds });
  const deadline = Date.now() + w.timeoutMs;
  let answer = await ask();
  if (!isQueued(answer)) return answer;
  let ticket = answer;
  ctx.err(
    `tracker: ${o.service} in ${labels.environment(o.environment)} is held by another owner; waiting in line (position ${ticket.position}, ticket ${ticket.ticketId})\n`,
  );
  let askedAt = Date.now();
  for (;;) {
    await pause(Math.min(ctx.config.pollMs, Math.max(0, deadline - Date.now())), w.signal);
    if (w.signal.aborted || Date.now() >= deadline) break;
    const held = await heldLock(ctx, ticket.ticketId);
    if (held) return held;
    if (Date.now() - askedAt >= (ctx.config.ticketSeconds * 1000) / 3) {
      answer = await ask();
      askedAt = Date.now();
      if (!isQueued(answer)) return answer;
      if (answer.position !== ticket.position) ctx.err(`tracker: position ${answer.position} in line\n`);
      ticket = answer;
    }
  }
  // Leaving: the ticket may have become the lock meanwhile (404 from the line), which is then released.
  const left = await ctx.api.DELETE('/api/v1alpha1/locks/queue/{ticketId}', {
    params: { path: { ticketId: ticket.ticketId }, query: { owner } },
  });
  if (left.response.status === 404 && (await heldLock(ctx, ticket.ticketId))) await releaseLock(ctx, ticket.ticketId, owner);
  else if (!left.response.ok && left.response.status !== 404)
    ctx.err(`tracker: could not leave the line: ${describeProblem(left.response.status, left.error)}\n`);
  else ctx.err(`tracker: left the line (ticket ${ticket.ticketId})\n`);
  if (w.signal.aborted) return undefined;
  throw new CliError(
    ExitCode.Blocked,
    `lock ${o.service} in ${labels.environment(o.environment)}: still held by another owner after ${w.timeoutMs / 1000} s of waiting; left the line`,
  );
}

export async function releaseLock(ctx: CliContext, id: string, owner: string | undefined, force?: boolean) {
  return answer(
    ctx.api.DELETE('/api/v1alpha1/locks/{id}', {
      params: { path: { id }, query: { owner: force ? owner : (owner ?? defaultOwner()), force } },
    }),
    'release lock',
  );
}

export function lockCommand(context: () => CliContext): Command {
  const lock = new Command('lock').description('Deployment locks: acquire, renew, release, list');

  lock
    .command('acquire')
    .description(
      'Take the lock of (service, environment, resource); held by another owner: exit 2 with the holder, or with --wait queue for it',
    )
    .requiredOption('--service <name>', 'service')
    .requiredOption('--environment <env>', 'environment (name or 1-8)', parseEnvironment)
    .option('--resource <name>', 'what is locked (default deployment)')
    .option('--owner <name>', 'holder (default TRACKER_OWNER, else the CI or user name)')
    .option('--reason <text>', 'why')
    .option('--ttl <seconds>', 'lease in seconds (default 3600)', integer)
    .option('--event-id <id>', 'the tracker event the lock belongs to')
    .option('--wait', "held by another owner: wait in the lock's line until it is ours (out of time: exit 3)")
    .option('--timeout <duration>', 'with --wait: how long to wait (30m, 90s, 1h30m or seconds; default 30m)', duration)
    .action(async (o: AcquireOptions & { timeout?: number }) => {
      const ctx = context();
      if (o.timeout !== undefined && !o.wait) throw new CliError(ExitCode.Usage, 'lock acquire: --timeout goes with --wait');
      let taken: LockView | undefined;
      if (o.wait) {
        const aborted = new AbortController();
        const stop = (signal: NodeJS.Signals) => {
          ctx.err(`tracker: ${signal}: leaving the line\n`);
          interrupted = signal;
          aborted.abort();
        };
        let interrupted: NodeJS.Signals | undefined;
        const onTerm = () => stop('SIGTERM');
        const onInt = () => stop('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
        try {
          taken = await waitForLock({ ...o, wait: undefined }, { ctx, timeoutMs: o.timeout ?? DEFAULT_TIMEOUT_MS, signal: aborted.signal });
        } finally {
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
        }
        if (!taken) throw new CliError(interruptedBy(interrupted ?? 'SIGTERM'), `lock ${o.service}: interrupted while waiting`);
      } else taken = await acquireLock(ctx, { ...o, wait: false });
      const lock = taken;
      print(ctx, lock, () => [lock.id]);
    });

  lock
    .command('renew')
    .description('Extend the lease of a lock you hold')
    .argument('<id>', 'lock id')
    .option('--owner <name>', 'holder (default as acquire)')
    .option('--ttl <seconds>', 'new lease from now', integer)
    .action(async (id: string, o: { owner?: string; ttl?: number }) => {
      const ctx = context();
      const body = { owner: o.owner ?? defaultOwner(), ttlSeconds: o.ttl };
      const renewed = await answer(ctx.api.POST('/api/v1alpha1/locks/{id}/renew', { params: { path: { id } }, body }), 'renew lock');
      print(ctx, renewed, () => [lockLine(renewed)]);
    });

  lock
    .command('release')
    .description("Release a lock you hold (--force: anyone's, logged)")
    .argument('<id>', 'lock id')
    .option('--owner <name>', 'holder (default as acquire)')
    .option('--force', "release another owner's lock")
    .action(async (id: string, o: { owner?: string; force?: boolean }) => {
      const ctx = context();
      const released = await releaseLock(ctx, id, o.owner, o.force);
      print(ctx, released, () => [`released ${id}`]);
    });

  lock
    .command('list')
    .description('Active locks')
    .option('--service <name>', 'service')
    .option('--environment <env>', 'environment', parseEnvironment)
    .option('--owner <name>', 'holder')
    .option('--page <n>', 'page (from 1)', integer)
    .option('--per-page <n>', 'locks per page (at most 100)', integer)
    .action(async (o: { service?: string; environment?: LockView['environment']; owner?: string; page?: number; perPage?: number }) => {
      const ctx = context();
      const query = { service: o.service, environment: o.environment, owner: o.owner, page: o.page, per_page: o.perPage };
      const list = await answer(ctx.api.GET('/api/v1alpha1/locks', { params: { query } }), 'list locks');
      print(ctx, list, () => [...list.locks.map(lockLine), `(${list.locks.length} of ${list.totalCount})`]);
    });

  return lock;
}
