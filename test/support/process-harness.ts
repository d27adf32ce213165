import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { freePort } from '../../src/platform/database/ferretdb/embedded-ferretdb';
import { eventually } from './http';
import { TEST_JWT_SECRET } from './auth';
import { registerTrackerOrigin } from './openapi-validator';

export interface AppProcess {
  /** The process started: node, or npm for spawnNpmStart. */
  child: ChildProcess;
  http: string;
  grpc: string;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export interface SpawnAppOptions {
  /** Node options before dist/main.js, e.g. `--require` of a test-only preload. */
  nodeArgs?: string[];
}

/**
 * Runs the built service (`node dist/main.js`) as its own process, as a user would, for tests that send it
 * signals or kill it. `npm test` builds dist first.
 */
export async function spawnApp(env: Record<string, string>, logFile: string, options: SpawnAppOptions = {}): Promise<AppProcess> {
  const main = join(REPO_ROOT, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does it first)');
  return launch(process.execPath, [...(options.nodeArgs ?? []), main], env, logFile);
}

/**
 * Runs the service through `npm start`, the command a process manager would be given. `--ignore-scripts` skips
 * the prestart build (npm still runs `start` itself): `nest build` empties dist/ first, which would break the
 * specs running beside this one; `npm test` has built everything already.
 */
export async function spawnNpmStart(env: Record<string, string>, logFile: string): Promise<AppProcess> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run `npm run build`');
  return launch('npm', ['start', '--ignore-scripts'], { npm_config_update_notifier: 'false', ...env }, logFile);
}

/**
 * Runs `npm run <script>` in `dir` (a copy of the service laid out as it ships, test/service/production-start),
 * with `env` over the harness defaults, and resolves once it answers /health/live.
 */
export async function spawnNpmScriptIn(dir: string, script: string, env: Record<string, string>, logFile: string): Promise<AppProcess> {
  return launch('npm', ['run', script], { npm_config_update_notifier: 'false', ...env }, logFile, dir);
}

async function launch(command: string, args: string[], env: Record<string, string>, logFile: string, cwd = REPO_ROOT): Promise<AppProcess> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', fd, fd],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: 'UTC',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      GRPC_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRPC_PORT: String(grpcPort),
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      ...env,
    },
  });
  closeSync(fd);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const proc = { child, http: `http://127.0.0.1:${httpPort}`, grpc: `127.0.0.1:${grpcPort}`, logFile, exited };
  registerTrackerOrigin(proc.http);
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}; see ${logFile}`);
    const res = await fetch(`${proc.http}/health/live`).catch(() => undefined);
    return res?.status === 200;
  }, 60000);
  return proc;
}

/** The embedded store's pid, from the pid file the service keeps under DATA_DIR. */
export function storePid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'ferretdb', 'ferretdb.pid'), 'utf8').trim());
}

/** [state, parent pid] from /proc/<pid>/stat, or undefined once the pid is gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

export function parentPid(pid: number): number | undefined {
  return procStat(pid)?.ppid;
}

/**
 * Whether the process has ended: its pid is gone, or only a zombie is left (it has exited and released
 * everything; its parent, or init once the parent is gone, has yet to reap it, which some inits do slowly).
 */
export function hasEnded(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.state === 'Z';
}

/**
 * Polls until `pid` has ended; resolves with the milliseconds since `since`. Past `limitMs` it fails, naming
 * `what` and how long it has been.
 */
export async function waitUntilEnded(pid: number, since: number, limitMs: number, what: string): Promise<number> {
  while (!hasEnded(pid)) {
    const ms = Date.now() - since;
    if (ms > limitMs) throw new Error(`${what} (pid ${pid}) is still running ${ms} ms later (limit ${limitMs} ms)`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - since;
}

/** Stops an app a test left running: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopApp(proc: AppProcess, graceMs = 10000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  // The timer is cleared once the app is gone, so a finished run does not wait it out.
  await Promise.race([proc.exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

/**
 * Cleanup after a failed test: SIGTERMs `pid` if it is still running a Tracker service or store (the pid is
 * checked against its command line, so a reused pid is left alone).
 */
export function stopStray(pid: number): void {
  if (hasEnded(pid)) return;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (cmdline.includes('ferretdb') || cmdline.includes(join('dist', 'main.js'))) process.kill(pid, 'SIGTERM');
}
