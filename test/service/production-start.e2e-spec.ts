import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';
import { grpcClient } from '../support/grpc-client';
import { AppProcess, spawnNpmScriptIn, stopApp } from '../support/process-harness';

const run = promisify(execFile);

/*
 * `npm run start:prod` as it ships (README, "Production in five minutes"; the Dockerfile does the same): a copy of
 * the service with `npm ci --omit=dev` (production dependencies only: no Nest CLI, no TypeScript, no Vite), the
 * built dist/ and web/dist, the .proto files, and nothing else: no Go on the PATH, no .bin/, no tools/, no src/.
 *
 * The install is `npm ci --omit=dev --prefer-offline`: the real command, fed from npm's cache (filled by the
 * `npm ci` CI and every developer ran before), so it takes seconds and asks the registry only for what the cache
 * lacks (`--offline` failed on packages whose metadata npm install had cached in another form). Copying the shared node_modules and
 * pruning it (`npm prune --omit=dev`) was the other way; it copies 440 MB to delete two thirds of it, and proves
 * less (that the lockfile installs without dev dependencies is the point).
 */
describe('production start: npm run start:prod from a copy with production dependencies only', () => {
  let dir: string;
  let app: AppProcess | undefined;
  // The node binary's own directory and the system's: npm and sh are found, Go (/usr/local/go/bin) is not.
  const PATH = [...new Set([dirname(process.execPath), '/usr/bin', '/bin'])].join(':');

  beforeAll(async () => {
    for (const built of ['dist/main.js', 'web/dist/index.html'])
      if (!existsSync(join(REPO_ROOT, built)))
        throw new Error(`${built} is missing: npm test builds it first (npm run build, npm run web:build)`);
    dir = mkdtempSync(join(tmpdir(), 'tracker-prod-'));
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) cpSync(join(REPO_ROOT, file), join(dir, file));
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false' },
      timeout: 120000,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`npm ci --omit=dev --prefer-offline failed: ${err.stderr ?? err.message}`);
    });
    for (const built of ['dist', 'web/dist', 'proto']) cpSync(join(REPO_ROOT, built), join(dir, built), { recursive: true });
  }, 180000);

  afterAll(async () => {
    if (app) await stopApp(app);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs no development dependency and no build tool', () => {
    for (const devOnly of ['@nestjs/cli', 'typescript', 'vite', 'jest', 'ts-node', 'mongodb-memory-server'])
      expect({ devOnly, installed: existsSync(join(dir, 'node_modules', devOnly)) }).toEqual({ devOnly, installed: false });
    for (const absent of ['.bin', 'tools', 'src', 'node_modules/.bin/nest'])
      expect({ absent, present: existsSync(join(dir, absent)) }).toEqual({ absent, present: false });
  });

  it('without MONGODB_URI it says how to get the embedded store and exits non-zero', async () => {
    const child = spawn('npm', ['run', 'start:prod', '--silent'], {
      cwd: dir,
      env: { PATH, HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).not.toBe(0);
    expect(output).toContain('MONGODB_URI is required in production');
    expect(output).toContain('npm ci && npm start');
  });

  it('with MONGODB_URI it answers readiness, a create, a gRPC call and the console', async () => {
    const logFile = join(dir, 'service.log');
    app = await spawnNpmScriptIn(
      dir,
      'start:prod',
      { PATH, MONGODB_URI: testStoreUri(freshDatabaseName('prod')), NODE_ENV: 'production' },
      logFile,
    );

    const ready = await fetch(`${app.http}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200, body: { status: 'ok' } });

    const created = await fetch(`${app.http}/api/v1alpha1/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Deploy from the production build', attributes: { type: 1, service: 'prod-start' } }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };

    const client = grpcClient(app.grpc, join(dir, 'proto/tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
    try {
      expect(await client.call('GetEvent', { id })).toMatchObject({ id, title: 'Deploy from the production build' });
    } finally {
      client.close();
    }

    const page = await fetch(`${app.http}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<div id="root">');

    // It logs as production, from the copy (not the repository), and started no embedded store.
    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toMatch(/ferretdb/i);
    await stopApp(app);
    expect(await app.exited).toBe(0);
    app = undefined;
  });
});
