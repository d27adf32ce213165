import { CONSOLE_CSP } from '../../src/app/web-console';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';

/**
 * How the service serves the web console (web/, built by `npm test`'s pretest into web/dist): caching, CSP, the
 * page for unknown UI paths, the APIs' own 404s, UI_ENABLED=false. (The console's API types are the service's
 * contract, src/contract/api-types.ts: test/api/openapi.e2e-spec.ts keeps them current.)
 */

describe('web console serving', () => {
  let app: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    off = await startTestApp({ env: { UI_ENABLED: 'false' }, database: app.database });
  });
  afterAll(async () => {
    await app?.close();
    await off?.close();
  });

  it('serves the page at / and at unknown UI paths: no-cache, the CSP, no inline script', async () => {
    for (const path of ['/', '/events/0123456789abcdef01234567', '/locks?service=x', '/activity']) {
      const res = await http('GET', `${app.http}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.text).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
      // every script is a file of the console's own origin
      expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(res.text).not.toMatch(/<style/);
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });

  it('serves hashed assets as immutable; an unknown asset is a 404, not the page', async () => {
    const page = (await http('GET', `${app.http}/`)).text;
    const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2); // the script and the stylesheet
    for (const asset of assets) {
      const res = await http('GET', `${app.http}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-type')).toMatch(/javascript|css/);
    }
    expect((await http('GET', `${app.http}/assets/missing-0000.js`)).status).toBe(404);
  });

  it('keeps the APIs, docs, health and metrics answering as before, and their unknown paths are problem+json 404s', async () => {
    expect((await http('GET', `${app.http}/api/v1alpha1/events/list`)).body).toMatchObject({ events: [] });
    expect((await http('GET', `${app.http}/health/live`)).status).toBe(200);
    expect((await http('GET', `${app.http}/metrics`)).text).toContain('# HELP');
    expect((await http('GET', `${app.http}/docs-json`)).body).toMatchObject({ openapi: expect.any(String) });
    expect((await http('GET', `${app.http}/docs`)).text).toContain('swagger');
    for (const path of ['/api/v1alpha1/nope', '/accounts/x/core/v1/nope', '/health/nope', '/metrics/nope', '/docs/nope.js']) {
      const res = await http('GET', `${app.http}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    }
    // methods other than GET/HEAD never reach the page
    expect((await http('POST', `${app.http}/timeline`, { body: {} })).status).toBe(404);
  });

  it('UI_ENABLED=false serves no console; the APIs are unchanged', async () => {
    expect((await http('GET', `${off.http}/`)).status).toBe(404);
    expect((await http('GET', `${off.http}/events`)).status).toBe(404);
    expect((await http('GET', `${off.http}/api/v1alpha1/events/list`)).status).toBe(200);
  });
});
