import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/app-harness';
import { createEvent as createAstraEvent } from '../support/astra-events';
import { mintToken } from '../support/auth';
import {
  launchBrowser,
  newContext,
  type Scheme,
  screenshot,
  seriousViolations,
  type SizeName,
  unreachableByKeyboard,
} from '../support/browser';
import { eventually, http } from '../support/http';

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
          endDate: `2026-03-09T${String(i).padStart(2, '0')}:20:00Z`,
        },
      });
    await createEvent({
      title: 'Deploy checkout v2.0 to production',
      attributes: { type: 1, service: 'checkout', status: 4, environment: 7, priority: 1, startDate: at('08:00'), endDate: at('08:40') },
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

  it('timeline: rows are ordered by the time the first column shows (the event time), not by creation', async () => {
    // created late-start first, then one that starts earlier, then one without a start (its time is its creation)
    const late = await createEvent({
      title: 'Order: starts late',
      attributes: { type: 2, service: 'ordering', status: 3, environment: 7, startDate: at('23:00'), endDate: at('23:10') },
    });
    const early = await createEvent({
      title: 'Order: starts early',
      attributes: { type: 2, service: 'ordering', status: 3, environment: 7, startDate: at('01:00'), endDate: at('01:10') },
    });
    const now = await createEvent({ title: 'Order: no start', attributes: { type: 2, service: 'ordering', status: 3, environment: 7 } });

    await page.goto('/');
    await page.locator(`tr[data-event-id="${early.id}"]`).waitFor();
    const ids = await page.locator('table.events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-id')));
    expect(ids.indexOf(now.id)).toBeLessThan(ids.indexOf(late.id));
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(early.id));
    // every row of the page: the first column's instants never increase down the table
    const shown = await page
      .locator('table.events tbody tr td:first-child time')
      .evaluateAll((times) => times.map((t) => Date.parse(t.getAttribute('datetime') ?? '')));
    expect(shown).toHaveLength(ids.length);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
  });

  /** A TCP proxy in front of the app whose open connections the test can cut (a dropped stream). */
  async function cuttableProxy(target: string): Promise<{ url: string; cut(): void; close(): Promise<void> }> {
    const { hostname, port } = new URL(target);
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const upstream = connect(Number(port), hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${address.port}`,
      cut: () => sockets.forEach((s) => s.destroy()),
      close: () => {
        sockets.forEach((s) => s.destroy());
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('live: an event created over HTTP appears within 2 s, an update changes it in place, and after a dropped connection the stream resumes', async () => {
    const proxy = await cuttableProxy(app.http);
    const ctx = await newContext(browser, 'desktop', 'light', proxy.url);
    try {
      const p = watch(await ctx.newPage());
      const streamHeaders: Record<string, string>[] = [];
      p.on('request', (r) => {
        if (r.url().includes('/events/stream')) streamHeaders.push(r.headers());
      });
      await p.goto('/');
      await p.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
      await p.evaluate('window.__sameDocument = true');
      const row = (id: string) => p.locator(`tr[data-event-id="${id}"]`);

      const created = await createEvent({
        title: 'Live: deploy cart v5',
        attributes: { type: 1, service: 'cart', status: 1, environment: 7 },
      });
      await eventually(async () => (await row(created.id).count()) === 1, 2000, 50);
      expect(await row(created.id).locator('.badge').allInnerTexts()).toEqual(['Deployment', 'Production', 'Start']);

      expect((await http('PUT', `${app.http}/api/v1alpha1/event`, { body: { id: created.id, attributes: { status: 3 } } })).status).toBe(
        200,
      );
      await eventually(async () => (await row(created.id).locator('.badge').allInnerTexts()).includes('Success'), 2000, 50);
      expect(await p.evaluate('window.__sameDocument')).toBe(true); // changed in place, no reload

      // cut the connection, write while the page is disconnected, and see the page catch up
      proxy.cut();
      const missed = await createEvent({
        title: 'Live: written while cut off',
        attributes: { type: 2, service: 'cart', status: 1, environment: 7 },
      });
      await eventually(async () => (await row(missed.id).count()) === 1, 15000, 50);
      expect(streamHeaders.length).toBeGreaterThanOrEqual(2);
      expect(streamHeaders[0]['authorization']).toBeUndefined();
      expect(streamHeaders.slice(1).some((h) => /^\d+$/.test(h['last-event-id'] ?? ''))).toBe(true);
      await p.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();
      expect(await p.evaluate('window.__sameDocument')).toBe(true);
    } finally {
      await ctx.close();
      await proxy.close();
    }
  });

  let detailId = '';
  it('event page: every field, links, related event, durations, the changelog after an update, delivery status', async () => {
    const start = await createEvent({
      title: 'Deploy payments v3.1',
      attributes: { type: 1, service: 'payments', status: 1, environment: 6, startDate: at('10:00'), endDate: at('12:00') },
    });
    const rollback = await createEvent({
      title: 'Roll back payments v3.1',
      attributes: {
        type: 2,
        service: 'payments',
        status: 1,
        environment: 6,
        priority: 2,
        impact: 3,
        owner: 'payments-team',
        stakeHolders: ['ops', 'finance'],
        message: 'Error rate above 5 %',
        relatedId: start.id,
        startDate: at('11:00'),
        endDate: at('13:00'),
        notification: true,
        notifications: ['slack'],
      },
      links: { pullRequestLink: 'https://github.com/org/payments/pull/42', ticket: 'PAY-7' },
    });
    detailId = rollback.id;
    expect((await http('PUT', `${app.http}/api/v1alpha1/event`, { body: { id: rollback.id, attributes: { status: 3 } } })).status).toBe(
      200,
    );

    await page.goto(`/events/${rollback.id}`);
    await page.getByRole('heading', { level: 1, name: 'Roll back payments v3.1' }).waitFor();
    const details = await page.locator('dl.kvs').allInnerTexts();
    const text = details.join('\n');
    for (const expected of [
      'payments',
      'Operation',
      'Pre-production',
      'Success',
      'P2 (High)',
      'High',
      'payments-team',
      'ops, finance',
      'PAY-7',
      '2h',
    ])
      expect(text).toContain(expected);
    expect(await page.getByRole('link', { name: 'https://github.com/org/payments/pull/42' }).getAttribute('href')).toBe(
      'https://github.com/org/payments/pull/42',
    );
    await page.getByRole('link', { name: 'Deploy payments v3.1' }).waitFor(); // the related event
    // the changelog shows the update: status Start -> Success
    await page.locator('table.changelog tbody tr').first().waitFor();
    const changes = await rowsText(page, 'table.changelog tbody tr');
    expect(changes.some((row) => row.includes('attributes.status') && row.includes('Start') && row.includes('Success'))).toBe(true);
    // the Slack delivery (no webhook configured here: skipped, with its reason)
    await eventually(async () => (await page.locator('text=slack is not configured').count()) > 0);
    await page.getByRole('link', { name: 'Deploy payments v3.1' }).click();
    await page.waitForURL(`**/events/${start.id}`);
    await page.getByRole('heading', { level: 1, name: 'Deploy payments v3.1' }).waitFor();
  });

  it('overlaps: a Gantt-like day by service marks the overlapping events and lists the pair; the window is in the URL', async () => {
    await createEvent({
      title: 'Reindex search',
      attributes: { type: 2, service: 'search', status: 3, environment: 7, startDate: at('06:00'), endDate: at('07:00') },
    });
    await page.goto(`/overlaps?date=${DAY}`);
    await page.locator('.gantt-bar').first().waitFor();
    // payments: the deploy (10:00-12:00) and its rollback (11:00-13:00) overlap for an hour; search does not overlap
    const pairs = await rowsText(page, '.card table tbody tr');
    expect(pairs).toEqual([expect.stringMatching(/payments[\s\S]*Deploy payments v3\.1[\s\S]*Roll back payments v3\.1[\s\S]*1h/)]);
    expect(await page.locator('.gantt-bar.overlap').count()).toBe(2);
    const searchLane = page.getByRole('group', { name: 'search' });
    expect(await searchLane.locator('.gantt-bar').count()).toBe(1);
    expect(await searchLane.locator('.gantt-bar.overlap').count()).toBe(0);

    await page.selectOption('#o-by', 'environment');
    await page.waitForURL((url) => url.searchParams.get('by') === 'environment');
    await page.getByRole('group', { name: 'Pre-production' }).waitFor();
    await page.selectOption('#o-span', 'week');
    await page.waitForURL((url) => url.searchParams.get('span') === 'week');
    await page.reload();
    expect(await page.inputValue('#o-span')).toBe('week');
    expect(await page.inputValue('#o-by')).toBe('environment');
  });

  it('locks: acquire from the page; a second acquire from the API is 409 with the holder, the page shows it; release clears', async () => {
    await page.goto('/locks');
    await page.getByText('No active locks.').waitFor();
    await page.fill('#l-service', 'ledger');
    await page.selectOption('#l-environment', '7');
    await page.fill('#l-owner', 'alice-console');
    await page.fill('#l-reason', 'Deploying ledger v9');
    await page.getByRole('button', { name: 'Acquire' }).click();
    await page.locator('table.locks tbody tr').first().waitFor();
    expect((await rowsText(page, 'table.locks tbody tr'))[0]).toMatch(
      /ledger[\s\S]*Production[\s\S]*alice-console[\s\S]*Deploying ledger v9/,
    );

    const refused = await http('POST', `${app.http}/api/v1alpha1/locks`, { body: { service: 'ledger', environment: 7, owner: 'bob-cli' } });
    expect(refused.status).toBe(409);
    expect(refused.body.holder).toMatchObject({ owner: 'alice-console', reason: 'Deploying ledger v9' });

    // the page refuses the same way and names the holder
    await page.fill('#l-owner', 'bob-console');
    await page.getByRole('button', { name: 'Acquire' }).click();
    const holder = page.getByTestId('lock-holder');
    await holder.waitFor();
    expect(await holder.innerText()).toContain('held by alice-console (Deploying ledger v9)');

    await page.getByRole('button', { name: 'Renew the lock of ledger (deployment)' }).click();
    await page.getByText('Renewed ledger (deployment).').waitFor();
    await page.getByRole('button', { name: 'Release the lock of ledger (deployment)' }).click();
    await page.getByText('No active locks.').waitFor();
    expect((await http('GET', `${app.http}/api/v1alpha1/locks?service=ledger`)).body.locks).toEqual([]);
    expect(
      (
        await http('POST', `${app.http}/api/v1alpha1/locks`, {
          body: { service: 'ledger', environment: 7, owner: 'bob-cli', ttlSeconds: 600 },
        })
      ).status,
    ).toBe(201);
  });

  const INSIGHTS = '/insights?environment=4&from=2026-01-05&to=2026-01-18&bucket=week';
  it('insights: the four keys with tier badges, the rework rate without one, failures by reason and incidents by source, trends per bucket and the per-service table show what the insights API answers', async () => {
    const deploy = (service: string, day: string, status: number) =>
      createEvent({
        title: `Deploy ${service} ${day}`,
        attributes: { type: 1, service, status, environment: 4, startDate: `2026-01-${day}T10:00:00Z` },
      });
    await deploy('orders', '06', 3);
    await deploy('orders', '08', 3);
    const failed = await deploy('orders', '09', 4);
    await deploy('catalog', '12', 3);
    const incident = await createEvent({
      title: 'Orders down after deploy',
      attributes: {
        type: 4,
        service: 'orders',
        status: 8,
        environment: 4,
        relatedId: failed.id,
        startDate: '2026-01-09T10:30:00Z',
        endDate: '2026-01-09T12:30:00Z',
      },
    });
    // the hotfix: a deployment whose relatedId names the incident is rework (DORA's fifth key)
    await createEvent({
      title: 'Hotfix orders',
      attributes: { type: 1, service: 'orders', status: 3, environment: 4, relatedId: incident.id, startDate: '2026-01-09T12:00:00Z' },
    });
    const dora = (await http('GET', `${app.http}/api/v1alpha1/insights/dora?environment=4&from=2026-01-05&to=2026-01-18&bucket=week`)).body;
    expect(dora.deploymentFrequency.count).toBe(5);
    expect(dora.deploymentReworkRate).toEqual({ rework: 1, total: 5, rate: 0.2 });
    expect(dora.changeFailureRate.byReason).toEqual({ status: 1, rollback: 0, linkedIncident: 0, suspectedIncident: 0 });
    expect(dora.recoveryTime.bySource).toEqual({ pagerduty: 0, alertmanager: 0, grafana: 0, tracker: 1 });

    await page.goto(INSIGHTS);
    const card = (id: string) => page.getByTestId(`key-${id}`);
    await card('deploymentFrequency').waitFor();
    const text = async (id: string) => card(id).innerText();
    expect(await card('deploymentFrequency').getByTestId('value').innerText()).toBe(`${dora.deploymentFrequency.perDay.toFixed(2)} / day`);
    expect(await text('deploymentFrequency')).toContain(`${dora.deploymentFrequency.count} deployments`);
    expect(await text('deploymentFrequency')).toContain(dora.deploymentFrequency.tier);
    expect(await card('changeFailureRate').getByTestId('value').innerText()).toBe(`${(dora.changeFailureRate.rate * 100).toFixed(1)} %`);
    expect(await text('changeFailureRate')).toContain(
      `${dora.changeFailureRate.failed} of ${dora.changeFailureRate.total} deployments failed`,
    );
    expect(await text('changeFailureRate')).toContain(dora.changeFailureRate.tier);
    expect(dora.recoveryTime.medianSeconds).toBe(7200);
    expect(await card('recoveryTime').getByTestId('value').innerText()).toBe('2h');
    expect(await text('recoveryTime')).toContain(dora.recoveryTime.tier);
    // no change data here: lead time has no value and no tier
    expect(dora.leadTimeForChanges.tier).toBeNull();
    expect(await text('leadTimeForChanges')).toContain('no data');
    // the rework rate, without a tier, and where the failure rate's and recovery time's numbers come from
    expect(await card('deploymentReworkRate').getByTestId('value').innerText()).toBe('20.0 %');
    expect(await text('deploymentReworkRate')).toContain('1 of 5 deployments were rework');
    expect(await text('deploymentReworkRate')).toContain('no tier');
    const pairs = async (id: string, testId: string) =>
      (await card(id).getByTestId(testId).locator('dl > div').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(await pairs('changeFailureRate', 'by-reason')).toEqual([
      'Failed status 1',
      'Rollback 0',
      'Linked incident 0',
      'Suspected incident 0',
    ]);
    expect(await pairs('recoveryTime', 'by-source')).toEqual(['PagerDuty 0', 'Alertmanager 0', 'Grafana 0', 'Tracker 1']);
    // one bar per bucket with deployments
    expect(await card('deploymentFrequency').locator('.trend-bar').count()).toBe(dora.buckets.filter((b: any) => b.deployments > 0).length);
    const services = await rowsText(page, 'table.by-service tbody tr');
    expect(services.map((r) => r.split('\t')[0])).toEqual(['catalog', 'orders']);
  });

  it('incidents: open first, each with its cause (suspected or linked) and fixes; link and unlink from the page', async () => {
    const shop = (title: string, attributes: Record<string, unknown>) =>
      createEvent({ title, attributes: { service: 'shop', environment: 5, ...attributes } });
    const v0 = await shop('Deploy shop v0', { type: 1, status: 3, startDate: '2026-03-11T05:00:00Z', endDate: '2026-03-11T05:10:00Z' });
    const v1 = await shop('Deploy shop v1', { type: 1, status: 3, startDate: '2026-03-11T08:00:00Z', endDate: '2026-03-11T08:10:00Z' });
    const slow = await shop('Shop search slow', {
      type: 4,
      status: 8,
      relatedId: v0.id,
      startDate: '2026-03-11T06:00:00Z',
      endDate: '2026-03-11T07:00:00Z',
    });
    await shop('Hotfix shop search', { type: 1, status: 3, relatedId: slow.id, startDate: '2026-03-11T06:40:00Z' });
    const errors = await shop('Shop checkout errors', { type: 4, status: 7, startDate: '2026-03-11T09:00:00Z' });

    await page.goto('/incidents?service=shop');
    const card = (id: string) => page.locator(`li[data-incident-id="${id}"]`);
    await card(errors.id).waitFor();
    // the open one first, though it started later
    expect(await page.locator('li.incident').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-incident-id')))).toEqual([
      errors.id,
      slow.id,
    ]);
    const cause = (id: string) => card(id).getByTestId('cause');
    await eventually(async () => (await cause(errors.id).innerText()).includes('Deploy shop v1'));
    expect(await cause(errors.id).locator('.badge').innerText()).toBe('suspected');
    await eventually(async () => (await cause(slow.id).innerText()).includes('Deploy shop v0'));
    expect(await cause(slow.id).locator('.badge').innerText()).toBe('linked');
    await eventually(async () => (await card(slow.id).getByTestId('fixes').innerText()).includes('Hotfix shop search'));
    expect(await card(slow.id).innerText()).toContain('recovered in 1h');

    // one click links the suspected cause: the incident event's relatedId is the deployment's id
    await page.getByRole('button', { name: 'Link as cause of Shop checkout errors' }).click();
    await eventually(async () => (await cause(errors.id).locator('.badge').innerText()) === 'linked');
    expect((await http('GET', `${app.http}/api/v1alpha1/event/${errors.id}`)).body.attributes.relatedId).toBe(v1.id);
    expect((await http('GET', `${app.http}/api/v1alpha1/incidents/${errors.id}`)).body.causes).toEqual([
      { deploymentId: v1.id, how: 'linked' },
    ]);

    // one click unlinks it: relatedId is gone, and the deployment is only suspected again
    await page.getByRole('button', { name: 'Unlink the cause of Shop checkout errors' }).click();
    await eventually(async () => (await cause(errors.id).locator('.badge').innerText()) === 'suspected');
    expect((await http('GET', `${app.http}/api/v1alpha1/event/${errors.id}`)).body.attributes.relatedId).toBeUndefined();
    expect((await http('GET', `${app.http}/api/v1alpha1/incidents/${errors.id}`)).body.causes).toEqual([
      { deploymentId: v1.id, how: 'suspected' },
    ]);

    // the status filter lives in the URL
    await page.selectOption('#n-status', 'resolved');
    await page.waitForURL((url) => url.searchParams.get('status') === 'resolved' && url.searchParams.get('service') === 'shop');
    await eventually(async () => (await page.locator('li.incident').count()) === 1 && (await card(slow.id).count()) === 1);
  });

  // A weekly Paris freeze, Fridays 20:00-23:00 Paris (18:00-21:00Z in April): Friday in a UTC browser, but Saturday
  // 03:00-06:00 in a Tokyo one; an incident on Wednesday 8 April 2026; a lock held now.
  const CALENDAR = '/freezes?view=month&date=2026-04-10&service=calendar-svc&environment=7';
  it('freezes calendar: a weekly freeze in the right local day in week and month views, with incidents and locks; the view in the URL', async () => {
    const weekly = await http('POST', `${app.http}/api/v1alpha1/freezes`, {
      body: {
        name: 'Friday evening freeze',
        services: ['calendar-svc'],
        environments: [7],
        timezone: 'Europe/Paris',
        start: '2026-04-03T20:00:00',
        rrule: 'FREQ=WEEKLY;BYDAY=FR',
        duration: 'PT3H',
      },
    });
    expect(weekly.status).toBe(201);
    await createEvent({
      title: 'Calendar checkout errors',
      attributes: {
        type: 4,
        status: 8,
        service: 'calendar-svc',
        environment: 7,
        startDate: '2026-04-08T10:00:00Z',
        endDate: '2026-04-08T11:30:00Z',
      },
    });
    const lock = await http('POST', `${app.http}/api/v1alpha1/locks`, {
      body: { service: 'calendar-svc', environment: 7, owner: 'carol-calendar', reason: 'Calendar release', ttlSeconds: 900 },
    });
    expect(lock.status).toBe(201);

    const cellText = (p: Page, day: string) => p.locator(`td[data-day="${day}"]`).innerText();
    /** Every read of the view answered (the calendar is aria-busy until then, also while it shows the last view's data). */
    const settled = (p: Page) => p.locator('table.calendar[aria-busy="false"]').waitFor();
    // UTC browser, week view: Friday 10 April, 18:00-21:00; the incident on Wednesday 8.
    await page.goto('/freezes?date=2026-04-10&service=calendar-svc');
    await page.locator('td[data-day="2026-04-10"] .cal-item').first().waitFor();
    await settled(page);
    expect(await page.locator('table.calendar td').count()).toBe(7);
    expect(await cellText(page, '2026-04-10')).toMatch(/Freeze\s+Friday evening freeze\s+18:00–21:00/);
    expect(await cellText(page, '2026-04-11')).not.toContain('Friday evening freeze');
    expect(await cellText(page, '2026-04-08')).toMatch(/Incident\s+Calendar checkout errors\s+10:00–11:30/);
    // Month view from the page's own toggle: every Friday of the weeks shown, in the URL.
    await page.getByRole('link', { name: 'Month' }).click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'month' && url.searchParams.get('date') === '2026-04-10');
    await page.locator('td[data-day="2026-04-24"] .cal-item').first().waitFor();
    await settled(page);
    expect(await page.locator('table.calendar td').count()).toBe(35); // Monday 30 March to Sunday 3 May
    for (const friday of ['2026-04-03', '2026-04-10', '2026-04-17', '2026-04-24', '2026-05-01'])
      expect(await cellText(page, friday)).toContain('Friday evening freeze');
    expect(await page.locator('[data-kind="freeze"]').count()).toBe(5);
    await page.getByRole('button', { name: 'Next month →' }).click();
    await page.waitForURL((url) => url.searchParams.get('date') === '2026-05-01');
    await page.reload();
    await page.locator('td[data-day="2026-05-29"] .cal-item').first().waitFor();
    await settled(page);
    expect(await page.locator('h2.cal-title').innerText()).toBe('May 2026');
    // The lock held now, in today's cell of the current week.
    await page.goto('/freezes?service=calendar-svc');
    expect(await page.locator('td[aria-current="date"] [data-kind="lock"]').innerText()).toMatch(
      /calendar-svc \(deployment\) held by carol-calendar/,
    );

    // A Tokyo browser (phone size): the same occurrences fall on Saturdays, 03:00-06:00.
    const tokyo = await browser.newContext({
      baseURL: app.http,
      timezoneId: 'Asia/Tokyo',
      locale: 'en-GB',
      viewport: { width: 390, height: 844 },
    });
    try {
      const p = watch(await tokyo.newPage());
      await p.goto('/freezes?date=2026-04-10&service=calendar-svc');
      await p.locator('td[data-day="2026-04-11"] .cal-item').first().waitFor();
      await settled(p);
      expect(await cellText(p, '2026-04-11')).toMatch(/Friday evening freeze\s+03:00–06:00/);
      expect(await cellText(p, '2026-04-10')).not.toContain('Friday evening freeze');
      expect(await p.locator('.page-head').innerText()).toContain('Asia/Tokyo');
      await p.goto('/freezes?view=month&date=2026-04-10&service=calendar-svc');
      await p.locator('td[data-day="2026-04-25"] .cal-item').first().waitFor();
      await settled(p);
      for (const saturday of ['2026-04-04', '2026-04-11', '2026-04-18', '2026-04-25', '2026-05-02'])
        expect(await cellText(p, saturday)).toContain('Friday evening freeze');
      for (const friday of ['2026-04-03', '2026-04-10', '2026-04-17', '2026-04-24', '2026-05-01'])
        expect(await cellText(p, friday)).not.toContain('Friday evening freeze');
      expect(await seriousViolations(p)).toEqual([]);
      // at phone width the grid scrolls inside its region: the page itself is no wider than the screen
      expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    } finally {
      await tokyo.close();
    }
  });

  it('deployability badges: blocked under a freeze (timeline, locks, calendar), deployable otherwise', async () => {
    const now = Date.now();
    const freeze = await http('POST', `${app.http}/api/v1alpha1/freezes`, {
      body: {
        name: 'Badge freeze',
        services: ['calendar-svc'],
        environments: [7],
        start: new Date(now - 3_600_000).toISOString(),
        end: new Date(now + 3_600_000).toISOString(),
      },
    });
    expect(freeze.status).toBe(201);
    const badge = (p: Page) => p.getByTestId('deployability').locator('.badge');

    await page.goto('/?service=calendar-svc&environment=7');
    await badge(page).filter({ hasText: 'Blocked' }).waitFor();
    // the lock held by carol first (the API's order), then the freeze, named on hover and to screen readers
    expect(await badge(page).innerText()).toMatch(/^Blocked: lock deployment held by carol-calendar: Calendar release and 1 more$/);
    expect(await badge(page).getAttribute('title')).toContain('freeze: Badge freeze');
    expect(await page.getByTestId('deployability').innerText()).toMatch(/until/);
    await page.goto('/?service=calendar-svc&environment=3');
    await badge(page).filter({ hasText: 'Deployable' }).waitFor();
    await page.goto('/');
    expect(await page.getByTestId('deployability').innerText()).toContain('Filter by a service and an environment');

    // Locks: the holder's own lock is no reason; the freeze is.
    expect(
      (
        await http('POST', `${app.http}/api/v1alpha1/locks`, {
          body: { service: 'calendar-free', environment: 7, owner: 'dave', ttlSeconds: 900 },
        })
      ).status,
    ).toBe(201);
    await page.goto('/locks');
    const row = (service: string) => page.locator('table.locks tbody tr', { hasText: service });
    await row('calendar-svc').locator('.badge.deploy', { hasText: 'Blocked' }).waitFor();
    expect(await row('calendar-svc').locator('.badge.deploy').innerText()).toBe('Blocked: freeze Badge freeze');
    await row('calendar-free').locator('.badge.deploy', { hasText: 'Deployable' }).waitFor();

    await page.goto('/freezes?service=calendar-svc&environment=7');
    await badge(page).filter({ hasText: 'Blocked' }).waitFor();
    expect(await page.locator('td[aria-current="date"] [data-kind="freeze"]').first().innerText()).toContain('Badge freeze');
    expect(await seriousViolations(page)).toEqual([]);
  });

  const account = randomUUID();
  const viewer = randomUUID();
  const viewerToken = mintToken({ [account]: 'viewer' }, { user: viewer });
  it('activity log: a viewer token (session storage only) hides admin-only events; mark-as-read decrements the unread count; banners on top', async () => {
    await createAstraEvent(app.http, account, { summary: 'Backup completed', severity: 'informational', class: 'system' });
    await createAstraEvent(app.http, account, {
      summary: 'Admins only: key rotated',
      severity: 'warning',
      class: 'security',
      visibility: ['admin'],
    });
    await createAstraEvent(app.http, account, { summary: 'Quota at 90 %', severity: 'warning', destinations: ['notification'] });
    await createAstraEvent(app.http, account, { summary: 'Cluster unreachable', severity: 'critical', destinations: ['notification'] });
    await createAstraEvent(app.http, account, {
      summary: 'Maintenance tonight',
      severity: 'informational',
      destinations: ['banner'],
      data: { isAcknowledgeable: 'true' },
    });

    await page.goto('/activity');
    await page.fill('#a-token', viewerToken);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('.activity-item').first().waitFor();
    const items = await rowsText(page, '.activity-item');
    expect(items.some((t) => t.includes('Backup completed'))).toBe(true);
    expect(items.some((t) => t.includes('Admins only'))).toBe(false);
    // the same list as the API gives this token
    const api = await http('GET', `${app.http}/accounts/${account}/core/v1/events?limit=25`, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    expect(items).toHaveLength(api.body.items.length);

    const count = page.getByTestId('unread-count');
    await eventually(async () => (await count.innerText()) === '2');
    await page.getByRole('button', { name: 'Mark read: Cluster unreachable' }).click();
    await eventually(async () => (await count.innerText()) === '1');
    const unread = await http('GET', `${app.http}/accounts/${account}/core/v1/users/${viewer}/unreadNotifications?count=true`, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    expect(unread.body.metadata.count).toBe(1);

    // banners come first on the page
    const banner = page.locator('.banners .banner').first();
    expect(await banner.innerText()).toContain('Maintenance tonight');
    expect(await page.locator('section > *').first().getAttribute('class')).toBe('banners');

    // filters in the URL
    await page.selectOption('#a-severity', 'warning');
    await page.waitForURL((url) => url.searchParams.get('severity') === 'warning');
    await eventually(async () => {
      const t = await rowsText(page, '.activity-item');
      return t.length === 1 && t[0].includes('Quota at 90 %');
    });

    // the token lives in session storage only, never in the URL or local storage
    expect(await page.evaluate<string | null>('sessionStorage.getItem("tracker.token")')).toBe(viewerToken);
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    expect(page.url()).not.toContain(viewerToken);
  });

  it('with TRACKER_AUTH=required the tracker pages ask for the token and then use it', async () => {
    const guarded = await startTestApp({ env: { TRACKER_AUTH: 'required' }, database: app.database });
    const ctx = await newContext(browser, 'desktop', 'light', guarded.http);
    try {
      const p = watch(await ctx.newPage());
      await p.goto('/');
      await p.getByRole('alert').filter({ hasText: 'HTTP 401' }).waitFor();
      await p.getByRole('button', { name: 'Token' }).click();
      await p.fill('#token-input', mintToken({ [account]: 'viewer' }));
      await p.press('#token-input', 'Enter');
      await p.locator('table.events tbody tr').first().waitFor();
      expect(await p.getByRole('alert').count()).toBe(0);
    } finally {
      await ctx.close();
      await guarded.close();
    }
  });

  /**
   * Free text keeps a right-to-left override (identifiers refuse it; docs/security.md), so the console isolates it:
   * every text node holding one must sit directly in an element whose computed unicode-bidi isolates (`<bdi>`,
   * `dir="auto"`), or the override would reorder what follows it on the page (docs/ui.md).
   */
  it('a title holding U+202E is rendered inside an isolating element on the timeline, the event page and the overlaps page', async () => {
    const title = 'Rollout \u202Egnp.exe\u202C of bidi-check';
    const created = await createEvent({
      title,
      attributes: { type: 2, service: 'bidi-check', status: 3, environment: 7, startDate: at('15:00'), endDate: at('15:30') },
    });
    /** For each text node holding U+202E under `root`: the computed unicode-bidi of its parent element. */
    const isolation = (p: Page, root: string) =>
      p.evaluate<string[]>(`(() => {
        const walker = document.createTreeWalker(document.querySelector(${JSON.stringify(root)}), NodeFilter.SHOW_TEXT);
        const found = [];
        while (walker.nextNode()) {
          const node = walker.currentNode;
          if (node.data.includes('\u202E')) found.push(getComputedStyle(node.parentElement).unicodeBidi);
        }
        return found;
      })()`);
    const ISOLATING = /^(isolate|isolate-override|plaintext)$/;

    await page.goto('/');
    await page.locator(`tr[data-event-id="${created.id}"]`).waitFor();
    const timeline = await isolation(page, `tr[data-event-id="${created.id}"]`);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatch(ISOLATING);

    await page.goto(`/events/${created.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    const detail = await isolation(page, 'main');
    expect(detail.length).toBeGreaterThanOrEqual(1);
    for (const bidi of detail) expect(bidi).toMatch(ISOLATING);

    await page.goto(`/overlaps?date=${DAY}`);
    await page.getByRole('group', { name: 'bidi-check' }).locator('.gantt-bar').waitFor();
    const overlaps = await isolation(page, '.gantt');
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]).toMatch(ISOLATING);
  });

  /** Every page, where it is ready, at both sizes in both schemes: axe, keyboard, screenshots. */
  const pages: { name: string; path: () => string; ready: string }[] = [
    { name: 'timeline', path: () => '/', ready: 'table.events tbody tr' },
    { name: 'event', path: () => `/events/${detailId}`, ready: 'table.changelog tbody tr' },
    { name: 'overlaps', path: () => `/overlaps?date=${DAY}`, ready: '.gantt-bar' },
    { name: 'locks', path: () => '/locks', ready: 'table.locks tbody tr' },
    { name: 'freezes', path: () => CALENDAR, ready: '.cal-item' },
    { name: 'incidents', path: () => '/incidents', ready: '.incident' },
    { name: 'insights', path: () => INSIGHTS, ready: '.key' },
    { name: 'activity', path: () => '/activity', ready: '.activity-item' },
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
      // the activity log's token, as if pasted earlier in this browser session
      await ctx.addInitScript(`sessionStorage.setItem('tracker.token', ${JSON.stringify(viewerToken)})`);
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
