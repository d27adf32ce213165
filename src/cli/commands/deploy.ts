import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { EventStatus, EventType } from '../../contract/enums';
import type { components } from '../../contract/api-types';
import { answer, idempotencyKey } from '../api';
import { defaultOwner } from '../config';
import type { CliContext } from '../context';
import { labels, parseEnvironment } from '../enums';
import { CliError, ExitCode } from '../exit-codes';
import { blockedLines, checkDeployability } from './check';
import { acquireLock, DEFAULT_TIMEOUT_MS, duration, releaseLock, waitForLock } from './lock';
import { integer } from './event';

type Environment = components['schemas']['CreateEventAttributesDto']['environment'];

interface DeployOptions {
  service: string;
  environment: NonNullable<Environment>;
  title?: string;
  message?: string;
  owner?: string;
  lock?: boolean;
  wait?: boolean;
  timeout?: number;
  check?: boolean;
  resource?: string;
  ttl?: number;
  idFile?: string;
}

/** The lease the service gives a lock without ttlSeconds (AcquireLockDto's default). */
const DEFAULT_TTL_SECONDS = 3600;

/** Renews the lock every third of its lease while the command runs, so a long deployment keeps it. */
function keepRenewing(ctx: CliContext, id: string, owner: string, ttlSeconds: number): NodeJS.Timeout {
  const timer = setInterval(
    () =>
      void answer(
        ctx.api.POST('/api/v1alpha1/locks/{id}/renew', { params: { path: { id } }, body: { owner, ttlSeconds } }),
        'renew lock',
      ).then(
        (lock) => ctx.err(`tracker: renewed lock ${id} until ${lock.expiresAt}\n`),
        (err: Error) => ctx.err(`tracker: the lock ${id} could not be renewed: ${err.message}\n`),
      ),
    (ttlSeconds * 1000) / 3,
  );
  timer.unref();
  return timer;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/** Runs the command with its output streamed to ours; resolves with its exit code (128 + n for a signal). */
function run(command: string[], onSpawn: (kill: (signal: NodeJS.Signals) => void) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
    onSpawn((signal) => child.kill(signal));
    child.on('error', (err) => {
      process.stderr.write(`tracker: cannot run ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1)));
  });
}

/**
 * tracker deploy: lock (when asked), the deployment event at Start, the command, then the event finished
 * Success or Failure by its exit code (Error when interrupted), the lock released, and the command's code.
 */
export async function deploy(ctx: CliContext, o: DeployOptions, command: string[]): Promise<number> {
  if (command.length === 0) throw new CliError(ExitCode.Usage, 'deploy: give the command after --, e.g. tracker deploy ... -- ./deploy.sh');
  if (o.wait && !o.lock) throw new CliError(ExitCode.Usage, 'deploy: --wait goes with --lock');
  if (o.timeout !== undefined && !o.wait) throw new CliError(ExitCode.Usage, 'deploy: --timeout goes with --lock --wait');
  const owner = o.owner ?? defaultOwner();
  const started = new Date();
  let interrupted: NodeJS.Signals | undefined;
  let kill: ((signal: NodeJS.Signals) => void) | undefined;
  const waiting = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    waiting.abort();
    ctx.err(`tracker: ${signal}: stopping the command, then finishing the deployment as Error\n`);
    kill?.(signal);
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);

  let lockId: string | undefined;
  let eventId: string | undefined;
  let renewing: NodeJS.Timeout | undefined;
  try {
    if (o.check) {
      const d = await checkDeployability(ctx, { service: o.service, environment: o.environment, owner });
      // With --lock --wait another owner's lock is no reason to stop: the line is where this deploy waits for it.
      const reasons = o.wait ? d.reasons.filter((r) => r.kind !== 'lock') : d.reasons;
      if (!d.allowed && (reasons.length > 0 || !o.wait)) {
        for (const line of blockedLines({ ...d, reasons })) ctx.err(`tracker: ${line}\n`);
        return ExitCode.Blocked;
      }
    }
    if (o.lock && !interrupted) {
      const wanted = {
        service: o.service,
        environment: o.environment,
        resource: o.resource,
        owner,
        ttl: o.ttl,
        reason: o.title ?? `tracker deploy ${o.service}`,
      };
      const lock = o.wait
        ? await waitForLock(wanted, { ctx, timeoutMs: o.timeout ?? DEFAULT_TIMEOUT_MS, signal: waiting.signal })
        : await acquireLock(ctx, { ...wanted, wait: false });
      if (lock) {
        lockId = lock.id;
        ctx.err(`tracker: locked ${o.service} in ${labels.environment(o.environment)} (${lock.id}, until ${lock.expiresAt})\n`);
      }
    }
    const title = o.title ?? `Deploy ${o.service} to ${labels.environment(o.environment)}`;
    if (!interrupted) {
      const created = await answer(
        ctx.api.POST('/api/v1alpha1/event', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            title,
            attributes: {
              type: EventType.Deployment,
              status: EventStatus.Start,
              service: o.service,
              environment: o.environment,
              startDate: started.toISOString(),
              owner,
              source: 'tracker-cli',
              message: o.message,
            },
          },
        }),
        'create deployment',
      );
      eventId = created.id;
      if (o.idFile) writeFileSync(o.idFile, `${eventId}\n`);
      ctx.err(`tracker: deployment ${eventId} started\n`);
    }

    if (lockId) renewing = keepRenewing(ctx, lockId, owner, o.ttl ?? DEFAULT_TTL_SECONDS);
    const code = interrupted ? 128 + (SIGNAL_NUMBERS[interrupted] ?? 1) : await run(command, (k) => (kill = k));
    clearInterval(renewing);
    const ended = new Date();
    const seconds = ((ended.getTime() - started.getTime()) / 1000).toFixed(1);
    const status = interrupted ? EventStatus.Error : code === 0 ? EventStatus.Success : EventStatus.Failure;
    const outcome = interrupted ? `interrupted by ${interrupted}` : `exit code ${code}`;
    if (eventId) {
      const message = `${o.message ? `${o.message}; ` : ''}${outcome} after ${seconds} s`;
      await answer(
        ctx.api.PUT('/api/v1alpha1/event', { body: { id: eventId, attributes: { status, endDate: ended.toISOString(), message } } }),
        'finish deployment',
      ).then(
        () => ctx.err(`tracker: deployment ${eventId} finished ${labels.status(status)} (${outcome}, ${seconds} s)\n`),
        (err: Error) => ctx.err(`tracker: the deployment ${eventId} could not be finished: ${err.message}\n`),
      );
    }
    return code;
  } finally {
    clearInterval(renewing);
    if (lockId) {
      await releaseLock(ctx, lockId, owner).then(
        () => ctx.err(`tracker: released lock ${lockId}\n`),
        (err: CliError) => {
          // Finishing the event may already have released it (AUTO_LOCK): a 404 is the lock already gone.
          if (!/^release lock: 404/.test(err.message)) ctx.err(`tracker: the lock ${lockId} could not be released: ${err.message}\n`);
        },
      );
    }
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
}

export function deployCommand(context: () => CliContext, exit: (code: number) => void): Command {
  return new Command('deploy')
    .description('Track a deployment around a command: lock, event at Start, run, Success/Failure, release')
    .usage('--service <name> --environment <env> [options] -- <command...>')
    .requiredOption('--service <name>', 'service')
    .requiredOption('--environment <env>', 'environment (name or 1-8)', parseEnvironment)
    .option('--title <text>', 'event title (default "Deploy <service> to <environment>")')
    .option('--message <text>', 'event message (the outcome is appended)')
    .option('--owner <name>', 'lock holder and event owner (default TRACKER_OWNER, else the CI or user name)')
    .option('--lock', 'hold the deployment lock while the command runs (held by another: exit 2)')
    .option('--wait', "with --lock, held by another owner: wait in the lock's line (out of time: exit 3, nothing recorded or run)")
    .option('--timeout <duration>', 'with --wait: how long to wait (30m, 90s, 1h30m or seconds; default 30m)', duration)
    .option('--check', 'ask GET /deployability first; blocked (freeze, incident, lock): exit 3, nothing recorded or run')
    .option('--resource <name>', 'lock resource (default deployment)')
    .option('--ttl <seconds>', 'lock lease in seconds', integer)
    .option('--id-file <path>', 'write the event id to this file once created')
    .argument('<command...>', 'the deployment command, after --')
    .action(async (command: string[], o: DeployOptions) => exit(await deploy(context(), o, command)));
}
