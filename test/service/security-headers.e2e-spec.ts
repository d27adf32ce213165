import type { Browser, Page } from 'playwright-core';
import { API_CSP } from '../../src/platform/http/security-headers';
import { CONSOLE_CSP } from '../../src/app/web-console';
import { startTestApp, TestApp } from '../support/app-harness';
import { launchBrowser, newContext } from '../support/browser';

/** What every response must carry (docs/security.md, Response headers); the policy varies by kind. */
function expectHardened(res: Response, csp: string | RegExp): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  const policy = res.headers.get('content-security-policy');
  if (typeof csp === 'string') expect(policy).toBe(csp);
  else expect(policy).toMatch(csp);
  expect(policy).toContain("frame-ancestors 'none'");
}

/** The response, its body read (and thrown away) so the connection is free again. */
async function fetched(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res;
}

describe('response headers: nosniff, no framing, a content security policy on every response', () => {
  let app: TestApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('API JSON, problems, unknown routes, body-parser refusals, probes, metrics and the OpenAPI document', async () => {
    const api = `${app.http}/api/v1alpha1`;
    const cases: [string, Response, number][] = [
      ['list', await fetched(`${api}/events/list`), 200],
      ['problem (bad id)', await fetched(`${api}/event/not-an-id`), 400],
      ['no such route', await fetched(`${api}/no-such-route`), 404],
      ['an unreadable URL (answered before routing)', await fetched(`${api}/event/%zz`), 400],
      ['unknown path outside the APIs', await fetched(`${app.http}/health/nope`), 404],
      [
        'over the body limit',
        await fetched(`${api}/event`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 1) }),
        }),
        413,
      ],
      ['metrics', await fetched(`${app.http}/metrics`), 200],
      ['liveness', await fetched(`${app.http}/health/live`), 200],
      ['the OpenAPI document', await fetched(`${app.http}/docs-json`), 200],
      ['a Swagger UI asset', await fetched(`${app.http}/docs/swagger-ui-bundle.js`), 200],
    ];
    for (const [what, res, status] of cases) {
      expect({ what, status: res.status }).toEqual({ what, status });
      expectHardened(res, API_CSP);
      // HTTP_HSTS_MAX_AGE is 0 by default: the plain-http service claims no https.
      expect({ what, hsts: res.headers.get('strict-transport-security') }).toEqual({ what, hsts: null });
    }
  });

  it('behind a TLS proxy (HTTP_HSTS_MAX_AGE set) every response carries Strict-Transport-Security, pages included', async () => {
    const behindTls = await startTestApp({ database: app.database, env: { HTTP_HSTS_MAX_AGE: '31536000' } });
    try {
      for (const path of ['/api/v1alpha1/events/list', '/api/v1alpha1/no-such-route', '/health/ready', '/docs', '/']) {
        const res = await fetched(`${behindTls.http}${path}`);
        expect({ path, hsts: res.headers.get('strict-transport-security') }).toEqual({ path, hsts: 'max-age=31536000; includeSubDomains' });
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    } finally {
      await behindTls.close();
    }
  });

  it('a Server-Sent Events stream (written to the raw response) carries them too', async () => {
    const abort = new AbortController();
    const res = await fetch(`${app.http}/api/v1alpha1/events/stream`, { signal: abort.signal });
    try {
      expect(res.status).toBe(200);
      expectHardened(res, API_CSP);
    } finally {
      abort.abort();
    }
  });

  it("Swagger UI's page: scripts and styles from its own origin, its inline styles by hash only", async () => {
    for (const path of ['/docs', '/docs/']) {
      const res = await fetched(`${app.http}${path}`);
      expect(res.status).toBe(200);
      expectHardened(res, /^default-src 'none'; script-src 'self'; style-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+ 'unsafe-hashes'/);
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    }
  });

  it('the web console keeps its own policy', async () => {
    for (const path of ['/', '/events']) {
      const res = await fetched(`${app.http}${path}`);
      expect(res.status).toBe(200);
      expectHardened(res, CONSOLE_CSP);
    }
  });

  it('Swagger UI renders under its policy in Chromium, with no violation, and "Try it out" reaches the API', async () => {
    browser = await launchBrowser();
    const context = await newContext(browser, 'desktop', 'light', app.http);
    const page: Page = await context.newPage();
    const complaints: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) complaints.push(m.text());
    });
    page.on('pageerror', (err) => complaints.push(`page error: ${err.message}`));
    // Violations the console log may not show (e.g. reported only to listeners).
    await page.addInitScript(`window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample + ' ' + e.sourceFile + ':' + e.lineNumber));`);

    await page.goto('/docs');
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10);
    // The hidden SVG sprite's style attribute applied: it takes no room.
    expect(await page.evaluate<number>("document.querySelector('body > svg').getBoundingClientRect().height")).toBe(0);

    const list = page.locator('.opblock-get', { has: page.locator('[data-path="/api/v1alpha1/events/list"]') }).first();
    await list.locator('.opblock-summary').click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    await list.locator('.live-responses-table tbody .response-col_status').first().waitFor();
    expect((await list.locator('.live-responses-table tbody .response-col_status').first().innerText()).trim()).toBe('200');

    expect(await page.evaluate('window.__violations')).toEqual([]);
    expect(complaints).toEqual([]);
  });
});
