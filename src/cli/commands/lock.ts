import { Command } from 'commander';
import type { components } from '../../contract/api-types';
import { answer, idempotencyKey } from '../api';
import { defaultOwner } from '../config';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment } from '../enums';
import { integer } from './event';

type LockView = components['schemas']['LockView'];

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
}

/** POST /locks: the lock, or CliError(Refused) with the 409 problem naming the holder. */
export async function acquireLock(ctx: CliContext, o: AcquireOptions): Promise<LockView> {
  const body = {
    service: o.service,
    environment: o.environment as LockView['environment'],
    resource: o.resource,
    owner: o.owner ?? defaultOwner(),
    reason: o.reason,
    ttlSeconds: o.ttl,
    eventId: o.eventId,
  };
  return answer(
    ctx.api.POST('/api/v1alpha1/locks', { body, params: { header: { 'Idempotency-Key': idempotencyKey() } } }),
    `lock ${o.service} in ${labels.environment(o.environment)}`,
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
    .description('Take the lock of (service, environment, resource); held by another owner: exit 2 with the holder')
    .requiredOption('--service <name>', 'service')
    .requiredOption('--environment <env>', 'environment (name or 1-8)', parseEnvironment)
    .option('--resource <name>', 'what is locked (default deployment)')
    .option('--owner <name>', 'holder (default TRACKER_OWNER, else the CI or user name)')
    .option('--reason <text>', 'why')
    .option('--ttl <seconds>', 'lease in seconds (default 3600)', integer)
    .option('--event-id <id>', 'the tracker event the lock belongs to')
    .action(async (o: AcquireOptions) => {
      const ctx = context();
      const taken = await acquireLock(ctx, o);
      print(ctx, taken, () => [taken.id]);
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
