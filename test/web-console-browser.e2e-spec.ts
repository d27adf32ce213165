import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, TestApp } from './support/app-harness';
import {
  launchBrowser,
  newContext,
  type Scheme,
  screenshot,
  seriousViolations,
  type SizeName,
  unreachableByKeyboard,
} from './support/browser';
import { eventually, http } from './support/http';

/**
 * The web console (web/) in Debian's Chromium against the real service on the real store: each page's flows,
 * axe-core (no serious or critical violation) and keyboard reachability on every page, at 1280x800 and 390x844,
 * light and dark. One browser for the file; contexts are reused.
 */
const DAY = '2026-03-10';
const at = (time: string) => `${DAY}T${time}:00Z`;

describe('web console in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspErrors: string[] = [];

  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    return p;
  };

  async function createEvent(body: Record<string, unknown>): Promise<{ id: string; title: string }> {
    const res = await http('POST', `${app.http}/api/v1alpha1/event`, { body });
    if (res.status !== 200) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body;
  }
  const rowsText = (p: Page, selector: string) => p.locator(selector).allInnerTexts();

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    context = await newContext(browser, 'desktop', 'light', app.http);
    page = watch(await context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('timeline: newest first with labels; filters narrow the list and survive a reload (URL); paging', async () => {
    for (let i = 0; i < 22; i++)
      await createEvent({
        title: `Deploy billing v1.${i}`,
        attributes: {
          type: 1,
          service: 'billing',
          status: 3,
          environment: 1,
          startDate: `2026-03-09T${String(i).padStart(2, '0')}:00:00Z`,
        },
      });
    await createEvent({
      title: 'Deploy checkout v2.0 to production',
      attributes: { type: 1, service: 'checkout', status: 4, environment: 7, priority: 1, startDate: at('08:00') },
    });
    await createEvent({
      title: 'Incident on checkout',
      attributes: { type: 4, service: 'checkout', status: 7, environment: 7, startDate: at('09:30') },
    });

    await page.goto('/');
    await page.locator('table.events tbody tr').first().waitFor();
    const rows = await rowsText(page, 'table.events tbody tr');
    expect(rows).toHaveLength(20);
    expect(rows[0]).toContain('Incident on checkout'); // newest event time first
    expect(rows[1]).toContain('Deploy checkout v2.0 to production');
    // readable, colour-coded labels
    const first = page.locator('table.events tbody tr').first();
    expect(await first.locator('.badge.tone-bad').allInnerTexts()).toEqual(['Incident', 'Production']);
    expect(await first.locator('.badge.tone-accent').innerText()).toBe('Open');
    await page.getByText('Page 1 of 2').waitFor();

    await page.getByRole('button', { name: 'Older →' }).click();
    await page.waitForURL(/\/\?page=2$/);
    await eventually(async () => (await rowsText(page, 'table.events tbody tr')).length === 4);

    await page.selectOption('#f-environment', '7');
    await page.waitForURL((url) => url.searchParams.get('environment') === '7' && !url.searchParams.has('page'));
    await eventually(async () => (await rowsText(page, 'table.events tbody tr')).length === 2);
    await page.fill('#f-service', 'checkout');
    await page.press('#f-service', 'Enter');
    await page.waitForURL((url) => url.searchParams.get('service') === 'checkout');
    await page.selectOption('#f-status', '4');
    await page.waitForURL((url) => url.searchParams.get('status') === '4');
    await eventually(async () => {
      const r = await rowsText(page, 'table.events tbody tr');
      return r.length === 1 && r[0].includes('Deploy checkout v2.0');
    });

    await page.reload();
    await page.locator('table.events tbody tr').first().waitFor();
    expect(await rowsText(page, 'table.events tbody tr')).toEqual([expect.stringContaining('Deploy checkout v2.0 to production')]);
    expect(await page.inputValue('#f-environment')).toBe('7');
    expect(await page.inputValue('#f-status')).toBe('4');
    expect(await page.inputValue('#f-service')).toBe('checkout');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL((url) => url.pathname === '/' && url.search === '');
    await eventually(async () => (await rowsText(page, 'table.events tbody tr')).length === 20);
  });

  /** Every page, where it is ready, at both sizes in both schemes: axe, keyboard, screenshots. */
  const pages: { name: string; path: () => string; ready: string }[] = [
    { name: 'timeline', path: () => '/', ready: 'table.events tbody tr' },
  ];

  const combos: [SizeName, Scheme][] = [
    ['desktop', 'light'],
    ['desktop', 'dark'],
    ['phone', 'light'],
    ['phone', 'dark'],
  ];
  it.each(combos)(
    'every page at %s size in %s: 0 serious/critical axe violations, every control reachable by keyboard',
    async (size, scheme) => {
      const problems: unknown[] = [];
      const ctx = await newContext(browser, size, scheme, app.http);
      try {
        const p = watch(await ctx.newPage());
        for (const target of pages) {
          await p.goto(target.path());
          await p.locator(target.ready).first().waitFor();
          const violations = await seriousViolations(p);
          if (violations.length) problems.push({ page: target.name, violations });
          await screenshot(p, target.name, size, scheme);
          // the same controls at both sizes and in both schemes: checked once
          if (scheme === 'light' && size === 'desktop') {
            const missed = await unreachableByKeyboard(p);
            if (missed.length) problems.push({ page: target.name, unreachable: missed });
          }
        }
      } finally {
        await ctx.close();
      }
      expect(problems).toEqual([]);
      expect(cspErrors).toEqual([]);
    },
    180_000,
  );
});
