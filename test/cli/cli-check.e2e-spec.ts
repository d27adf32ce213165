import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { runCli } from '../support/cli-process';
import { http } from '../support/http';

/*
 * tracker check and deploy --check against the live service's GET /api/v1alpha1/deployability (the freezes
 * module): a freeze covering now blocks (exit 3, its reasons printed), none allows (exit 0).
 */
describe('tracker check and deploy --check', () => {
  let app: TestApp;
  let dir: string;
  let env: Record<string, string>;
  const API = '/api/v1alpha1';
  let freeze: { id: string; end: string };

  /** A freeze of `service` in Production from an hour ago to an hour from now. */
  const freezeNow = async (service: string) => {
    const now = Date.now();
    const created = await http('POST', `${app.http}${API}/freezes`, {
      body: {
        name: 'Christmas freeze',
        services: [service],
        environments: [7],
        start: new Date(now - 3600_000).toISOString(),
        end: new Date(now + 3600_000).toISOString(),
      },
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; end: string };
  };

  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'tracker-check-'));
    env = { TRACKER_URL: app.http, TRACKER_OWNER: 'pipeline-1' };
    freeze = await freezeNow('frozen-api');
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check: allowed is exit 0; a freeze covering now is exit 3 with the reasons', async () => {
    const allowed = await runCli(['check', '--service', 'open-api', '--environment', 'production'], env);
    expect(allowed).toMatchObject({ code: 0, stdout: 'allowed: open-api in Production\n' });

    const blocked = await runCli(['check', '--service', 'frozen-api', '--environment', '7'], env);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toBe(`blocked:\n  freeze  ${freeze.id}  Christmas freeze  until ${freeze.end}\nnext allowed at ${freeze.end}\n`);
    const json = await runCli(['-o', 'json', 'check', '--service', 'frozen-api', '--environment', '7'], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({
      allowed: false,
      reasons: [{ kind: 'freeze', id: freeze.id, title: 'Christmas freeze', until: freeze.end }],
      nextAllowedAt: freeze.end,
    });

    // --at past the freeze, and another environment: allowed.
    const later = new Date(Date.parse(freeze.end) + 60_000).toISOString();
    expect((await runCli(['check', '--service', 'frozen-api', '--environment', '7', '--at', later], env)).code).toBe(0);
    expect((await runCli(['check', '--service', 'frozen-api', '--environment', 'UAT'], env)).code).toBe(0);
  });

  it('check: a bad --at is refused by the API (exit 2, naming the field)', async () => {
    const bad = await runCli(['check', '--service', 'api', '--environment', '7', '--at', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tracker: check deployability: 400 .*at/);
  });

  it("check: another owner's lock blocks; the owner's own does not", async () => {
    const svc = `locked-${randomUUID().slice(0, 8)}`;
    expect((await runCli(['lock', 'acquire', '--service', svc, '--environment', '7', '--owner', 'someone-else'], env)).code).toBe(0);
    const blocked = await runCli(['check', '--service', svc, '--environment', '7'], env);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toMatch(/^blocked:\n {2}lock {2}\S+ {2}.*until /);
    expect((await runCli(['check', '--service', svc, '--environment', '7', '--owner', 'someone-else'], env)).code).toBe(0);
  });

  it('deploy --check: frozen is exit 3 with nothing locked, recorded or run; allowed deploys as usual', async () => {
    const svc = `frozen-${randomUUID().slice(0, 8)}`;
    await freezeNow(svc);
    const marker = join(dir, 'ran');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const blocked = await runCli(
      ['deploy', '--service', svc, '--environment', '7', '--check', '--lock', '--', process.execPath, '-e', script],
      env,
    );
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('Christmas freeze');
    expect(() => readFileSync(marker)).toThrow();
    expect((await http('GET', `${app.http}${API}/events/search?service=${svc}`)).body.events).toEqual([]);
    expect((await http('GET', `${app.http}${API}/locks?service=${svc}`)).body.locks).toEqual([]);

    const ok = `open-${randomUUID().slice(0, 8)}`;
    const allowed = await runCli(
      ['deploy', '--service', ok, '--environment', '7', '--check', '--lock', '--', process.execPath, '-e', script],
      env,
    );
    expect(allowed.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect((await http('GET', `${app.http}${API}/events/search?service=${ok}`)).body.events[0].attributes.status).toBe(3);
  });
});
