import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';
import { mintToken } from '../support/auth';
import { eventually, http } from '../support/http';
import { AppProcess, spawnApp } from '../support/process-harness';

/*
 * Credentials in query strings never reach the logs: the service runs as a process at LOG_LEVEL=info and its
 * captured stdout is searched for the secrets sent in rejected (and accepted) requests.
 */
describe('log redaction of credential-like query parameters', () => {
  let dir: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-logs-'));
    app = await spawnApp({ MONGODB_URI: testStoreUri(freshDatabaseName('logs')), TRACKER_AUTH: 'required' }, join(dir, 'app.log'));
  });
  afterAll(async () => {
    if (app && app.child.exitCode === null) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('access_token, token, id_token, api_key, key, signature and sig are logged as [REDACTED]', async () => {
    const jwt = mintToken({ [randomUUID()]: 'admin' });
    const secrets = ['access_token', 'token', 'id_token', 'api_key', 'key', 'signature', 'sig', 'Access_Token', '%61ccess_token'].map(
      (name, i) => [name, `${jwt}-${i}`] as const,
    );
    for (const [name, value] of secrets) {
      const res = await http('GET', `${app!.http}/api/v1alpha1/events/list?page=1&${name}=${encodeURIComponent(value)}`);
      expect(res.status).toBe(401);
    }
    const astra = await http('GET', `${app!.http}/accounts/${randomUUID()}/core/v1/events?access_token=${jwt}-astra`);
    expect(astra.status).toBe(401);
    const log = await eventually(async () => {
      const text = readFileSync(join(dir, 'app.log'), 'utf8');
      return (text.match(/\[REDACTED\]/g) ?? []).length >= secrets.length + 1 && text;
    });
    expect(log).not.toContain(jwt);
    expect(log).toContain('page=1');
  });
});
