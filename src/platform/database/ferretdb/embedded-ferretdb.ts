import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { childProcessEnv } from '../../config/read-env';

export interface EmbeddedFerretDbOptions {
  binPath: string;
  dataDir: string;
  /** Fixed port; 0 = pick a free one at first start (kept across supervised restarts). */
  port?: number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  /** Restart the store if it exits unexpectedly (the app keeps running and reports not-ready meanwhile). */
  supervise?: boolean;
  /** Backend: SQLite files under dataDir (default) or a PostgreSQL database (benchmarks compare both). */
  postgresqlUrl?: string;
}

const PID_FILE = 'ferretdb.pid';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const sock = new Socket();
    sock.setTimeout(500);
    sock.once('connect', () => {
      sock.destroy();
      done(true);
    });
    sock.once('error', () => done(false));
    sock.once('timeout', () => {
      sock.destroy();
      done(false);
    });
    sock.connect(port, '127.0.0.1');
  });
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The store's lifeline. The store runs detached (its own process group, so a terminal's Ctrl-C reaches only us and
 * we stop it after draining), and nothing ends it when this process ends. So that it cannot outlive us, its stdin
 * is a pipe whose other end only this process holds, and the launcher (tools/ferretdb, started with
 * TRACKER_STORE_LIFELINE=stdin) stops gracefully, as on SIGTERM, when it reads end-of-file there. However this
 * process ends (SIGKILL, an uncaught error, an exit that skipped the shutdown hook), the kernel closes our end and
 * the store finishes its in-flight commands and exits: in about 0.1 s when our connections close with us, at most
 * FerretDB's 3 s grace for open connections.
 *
 * We never write to the pipe. Our end is close-on-exec (libuv opens it so), so no other child inherits it and keeps
 * the store alive; and it is unref'd, so it never keeps the event loop alive.
 */
function holdLifeline(child: ChildProcess): void {
  const end = child.stdin as Socket | null;
  if (!end) return;
  end.on('error', () => undefined); // EPIPE/ECONNRESET once the store has exited: nothing to do
  end.unref();
}

/**
 * Runs FerretDB (SQLite backend) as a child process with its data under `dataDir`. The store stops by itself when
 * this process ends without stopping it (see holdLifeline). A store still running on the same data dir anyway (an
 * older launcher without the lifeline, or a frozen one) is found through the pid file and stopped before a new one
 * starts.
 */
export class EmbeddedFerretDb {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  port = 0;

  constructor(private readonly opts: EmbeddedFerretDbOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}?directConnection=true`;
  }

  async start(): Promise<void> {
    mkdirSync(this.opts.dataDir, { recursive: true });
    await this.stopStale();
    this.port = this.opts.port || this.port || (await freePort());
    await this.spawnAndWait();
  }

  private async stopStale(): Promise<void> {
    const pidFile = join(this.opts.dataDir, PID_FILE);
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      /* not running */
    }
    if (pid > 0 && cmdline.includes('ferretdb') && cmdline.includes(this.opts.dataDir) && isAlive(pid)) {
      this.opts.log?.('stopping a FerretDB left running on this data dir', { pid });
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(pidFile, { force: true });
  }

  private async spawnAndWait(): Promise<void> {
    const logFd = openSync(join(this.opts.dataDir, 'ferretdb.log'), 'a');
    const child = spawn(
      this.opts.binPath,
      [
        ...(this.opts.postgresqlUrl
          ? ['--handler=postgresql', `--postgresql-url=${this.opts.postgresqlUrl}`]
          : ['--handler=sqlite', `--sqlite-url=file:${this.opts.dataDir.replace(/\/?$/, '/')}`]),
        `--listen-addr=127.0.0.1:${this.port}`,
        '--state-dir=-',
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=error',
        '--log-format=json',
      ],
      {
        // Own process group: a terminal's Ctrl-C reaches the app, which drains and then stops the store.
        detached: true,
        // stdin is the store's lifeline (see holdLifeline); stdout and stderr go to ferretdb.log.
        stdio: ['pipe', logFd, logFd],
        env: childProcessEnv({ DO_NOT_TRACK: '1', TRACKER_STORE_LIFELINE: 'stdin' }),
      },
    );
    closeSync(logFd);
    holdLifeline(child);
    this.child = child;
    writeFileSync(join(this.opts.dataDir, PID_FILE), String(child.pid));
    let exited = false;
    child.once('exit', (code, signal) => {
      exited = true;
      if (this.child === child) this.child = undefined;
      if (!this.stopping && this.opts.supervise) void this.restartAfterCrash(code, signal);
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`FerretDB exited at start; see ${join(this.opts.dataDir, 'ferretdb.log')}`);
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error(`FerretDB did not listen on 127.0.0.1:${this.port} within 20 s`);
  }

  private async restartAfterCrash(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const delay = Math.min(5000, 200 * 2 ** Math.min(this.restarts++, 5));
    this.opts.log?.('embedded FerretDB exited; restarting', { code, signal, delayMs: delay });
    await sleep(delay);
    if (this.stopping) return;
    try {
      await this.spawnAndWait();
      this.restarts = 0;
    } catch (err) {
      this.opts.log?.('embedded FerretDB restart failed', { err: String(err) });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(join(this.opts.dataDir, PID_FILE), { force: true });
  }
}
