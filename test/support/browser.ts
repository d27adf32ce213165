import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../src/platform/repo-root';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing), headless. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export type SizeName = keyof typeof SIZES;
export type Scheme = 'light' | 'dark';

export function newContext(browser: Browser, size: SizeName, scheme: Scheme, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: SIZES[size],
    colorScheme: scheme,
    baseURL,
    reducedMotion: 'reduce',
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
}

/** axe-core on the page as it stands: the serious and critical violations (id, impact, first targets). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  // Legacy mode runs axe in the page itself; the default opens a blank page per analysis to merge frame results,
  // which costs seconds and buys nothing here (the console has no frames).
  const result = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: String(v.impact), targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

/**
 * Every visible enabled control (links, buttons, inputs, selects) is reached by pressing Tab from the top of the
 * page. Returns the descriptions of the controls Tab never reached (empty when all are reachable).
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  // In-page code as text: the test project's TypeScript has no DOM types.
  const count = await page.evaluate<number>(`(() => {
    const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')].filter((el) => {
      const box = el.getBoundingClientRect();
      return el.disabled !== true && el.tabIndex >= 0 && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    });
    all.forEach((el, i) => el.setAttribute('data-kb', String(i)));
    const seen = new Set();
    window.__kb = seen;
    document.addEventListener('focusin', (e) => {
      const id = e.target && e.target.getAttribute && e.target.getAttribute('data-kb');
      if (id) seen.add(id);
    });
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    return all.length;
  })()`);
  // Tab stops the browser adds (scrollable regions) come on top of the controls: press well past the count.
  for (let i = 0; i < count * 2 + 8; i++) await page.keyboard.press('Tab');
  return page.evaluate<string[]>(`[...document.querySelectorAll('[data-kb]')]
    .filter((el) => !window.__kb.has(el.getAttribute('data-kb')))
    .map((el) => el.tagName.toLowerCase() + ' "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"')`);
}

/** docs/ui/<name>-<size>-<scheme>.png, written when UI_SCREENSHOTS=1 (`npm run ui:screenshots`). */
export async function screenshot(page: Page, name: string, size: SizeName, scheme: Scheme): Promise<void> {
  if (process.env.UI_SCREENSHOTS !== '1') return;
  const dir = join(REPO_ROOT, 'docs', 'ui');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}-${size}-${scheme}.png`), fullPage: true, animations: 'disabled' });
}
