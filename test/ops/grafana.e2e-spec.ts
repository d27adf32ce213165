import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { startTestApp, TestApp } from '../support/app-harness';

interface Panel {
  title: string;
  targets: { expr: string }[];
}

/** Names in a PromQL expression that look like metric names (ours, prom-client's process and Node metrics). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:tracker|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
}

/*
 * deploy/grafana/tracker-dashboard.json reads only metrics a running Tracker exposes: every metric name of every
 * panel's query is in /metrics (histogram series by their _bucket/_count), and each label value it pins names
 * something real (the create route, the gRPC handler).
 */
describe('Grafana dashboard deploy/grafana/tracker-dashboard.json', () => {
  let app: TestApp;
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/tracker-dashboard.json'), 'utf8')) as { panels: Panel[] };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('queries only metrics that /metrics exposes', async () => {
    // One create over each transport's route, so the labelled series exist.
    await fetch(`${app.http}/api/v1alpha1/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Dashboard check', attributes: { type: 1, service: 'grafana' } }),
    }).then((r) => r.arrayBuffer());
    const exposition = await (await fetch(`${app.http}/metrics`)).text();
    const exposed = new Set(
      [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name],
      ),
    );
    const wanted = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => metricNames(t.expr).map((metric) => ({ panel: p.title, metric }))),
    );
    expect(wanted.length).toBeGreaterThan(10);
    for (const { panel, metric } of wanted)
      expect({ panel, metric, exposed: exposed.has(metric) }).toEqual({ panel, metric, exposed: true });
    expect(exposition).toContain('route="/api/v1alpha1/event"');
  });

  it('names the handlers and routes the service labels its series with', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    expect(exprs).toContain('method="TrackerEventsGrpcController.createEvent"');
    expect(exprs).toContain('route="/api/v1alpha1/event"');
    for (const panel of ['Tracker events created per second', 'Live streams open', 'Errors per second', 'DORA: deployments per day'])
      expect(dashboard.panels.map((p) => p.title)).toContain(panel);
  });
});
