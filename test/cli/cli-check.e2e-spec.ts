import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { runCli } from '../support/cli-process';
import { http } from '../support/http';

/*
 * tracker check and deploy --check. GET /api/v1alpha1/deployability belongs to the freezes module, which is
 * not on this branch: against the live service the CLI meets its 404 (exit 2). The allowed and blocked paths
 * run against a front that answers that one route exactly as the freezes branch documents it
 * (checkDeployability: { allowed, reasons: [{ kind, id, title, until? }], nextAllowedAt }) and passes
 * everything else to the live service. Once freezes is merged this front gives way to the real route.
 */
describe('tracker check and deploy --check', () => {
  let app: TestApp;
  let front: Server;
  let frontUrl: string;
  let dir: string;
  const asked: string[] = [];
  const until = '2026-12-25T00:00:00.000Z';

  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'tracker-check-'));
    const target = new URL(app.http);
    front = createServer((req, res) => {
      const url = new URL(req.url!, 'http://front');
      if (url.pathname === '/api/v1alpha1/deployability') {
        asked.push(url.search);
        const blocked = url.searchParams.get('service')!.startsWith('frozen');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            blocked
              ? { allowed: false, reasons: [{ kind: 'freeze', id: 'f1', title: 'Christmas freeze', until }], nextAllowedAt: until }
              : { allowed: true, reasons: [], nextAllowedAt: null },
          ),
        );
        return;
      }
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ TRACKER_URL: frontUrl, TRACKER_OWNER: 'pipeline-1' });

  it('against a service without the deployability route: refused with its 404 (exit 2)', async () => {
    const run = await runCli(['check', '--service', 'api', '--environment', 'production'], { TRACKER_URL: app.http });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tracker: check deployability: 404 /);
  });

  it('check: allowed is exit 0; blocked is exit 3 with the reasons; the query names the service, environment and owner', async () => {
    const allowed = await runCli(['check', '--service', 'api', '--environment', 'production'], env());
    expect(allowed).toMatchObject({ code: 0, stdout: 'allowed: api in Production\n' });
    expect(asked.at(-1)).toBe('?service=api&environment=7&owner=pipeline-1');
    const blocked = await runCli(['check', '--service', 'frozen-api', '--environment', '7'], env());
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toBe(`blocked:\n  freeze  f1  Christmas freeze  until ${until}\nnext allowed at ${until}\n`);
    const json = await runCli(['-o', 'json', 'check', '--service', 'frozen-api', '--environment', '7'], env());
    expect(JSON.parse(json.stdout)).toMatchObject({ allowed: false, nextAllowedAt: until });
  });

  it('deploy --check: blocked is exit 3 with nothing locked, recorded or run; allowed deploys as usual', async () => {
    const svc = `frozen-${randomUUID().slice(0, 8)}`;
    const marker = join(dir, 'ran');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const blocked = await runCli(
      ['deploy', '--service', svc, '--environment', '7', '--check', '--lock', '--', process.execPath, '-e', script],
      env(),
    );
    expect(blocked.code).toBe(3);
    expect(blocked.stderr).toContain('Christmas freeze');
    expect(() => readFileSync(marker)).toThrow();
    expect((await http('GET', `${app.http}/api/v1alpha1/events/search?service=${svc}`)).body.events).toEqual([]);
    expect((await http('GET', `${app.http}/api/v1alpha1/locks?service=${svc}`)).body.locks).toEqual([]);

    const ok = `open-${randomUUID().slice(0, 8)}`;
    const allowed = await runCli(
      ['deploy', '--service', ok, '--environment', '7', '--check', '--lock', '--', process.execPath, '-e', script],
      env(),
    );
    expect(allowed.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect((await http('GET', `${app.http}/api/v1alpha1/events/search?service=${ok}`)).body.events[0].attributes.status).toBe(3);
  });
});
