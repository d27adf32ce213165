import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const TRACKER_BIN = join(__dirname, '..', '..', 'bin', 'tracker.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves once stdout or stderr has contained `text`. */
  waitFor(text: string | RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/** Spawns `node bin/tracker.js ...` as a pipeline would run `npx tracker ...` (quick retries, no token unless given). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [TRACKER_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRACKER_RETRY_MAX_DELAY_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string | RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const seen = `${stdout}\n${stderr}`;
      if (typeof w.text === 'string' ? seen.includes(w.text) : w.text.test(seen)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), check()));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), check()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        check();
        void done.then((r) => reject(new Error(`tracker exited (${r.code}) before printing ${String(text)}:\n${r.stdout}\n${r.stderr}`)));
      }),
  };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, env).done;
}
