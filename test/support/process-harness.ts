import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/common/repo-root';
import { freePort } from '../../src/database/ferretdb/embedded-ferretdb';
import { eventually } from './http';
import { TEST_JWT_SECRET } from './auth';

export interface AppProcess {
  child: ChildProcess;
  http: string;
  grpc: string;
  logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/**
 * Runs the built service (`node dist/main.js`) as its own process, as a user would, for tests that send it
 * signals or kill it. `npm test` builds dist first.
 */
export async function spawnApp(env: Record<string, string>, logFile: string): Promise<AppProcess> {
  const main = join(REPO_ROOT, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does it first)');
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
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
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}; see ${logFile}`);
    const res = await fetch(`${proc.http}/health/live`).catch(() => undefined);
    return res?.status === 200;
  }, 60000);
  return proc;
}
