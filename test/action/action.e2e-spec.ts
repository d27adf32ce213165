import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';

/*
 * The composite action (action.yml) run the way the runner runs it: its deploy step's `run` script under bash,
 * its `env` with `${{ inputs.* }}` replaced by the inputs (defaults applied), GITHUB_ACTION_PATH the checkout
 * and GITHUB_OUTPUT a file, against a live service. The install step (npm ci in the action's folder) is the
 * runner's business and is not repeated here: the checkout already has node_modules.
 */
const ROOT = join(__dirname, '..', '..');

interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; run: string; shell: string; env?: Record<string, string> }[] };
}

const action = load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

function runDeployStep(
  inputs: Record<string, string>,
  dir: string,
): Promise<{ code: number | null; outputs: Record<string, string>; log: string }> {
  const step = action.runs.steps.find((s) => s.id === 'deploy')!;
  const values = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? '']));
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_m, name: string) => values[name])]),
  );
  const outputFile = join(dir, `output-${randomUUID()}`);
  writeFileSync(outputFile, '');
  return new Promise((resolve) => {
    const child = spawn(step.shell, ['-e', '-c', step.run], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_OUTPUT: outputFile,
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: 'org/app',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('close', (code) => {
      const outputs = Object.fromEntries(
        readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('=', 2) as [string, string]),
      );
      resolve({ code, outputs, log });
    });
  });
}

describe('GitHub Action (action.yml) against a live service', () => {
  let app: TestApp;
  let dir: string;
  const service = `action-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'tracker-action-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is a composite action whose event-id output is the deploy step's", () => {
    expect(action.runs.using).toBe('composite');
    expect(action.outputs['event-id'].value).toBe('${{ steps.deploy.outputs.event-id }}');
  });

  it('a succeeding run: exit 0, the event id as output, the deployment Success, the lock released', async () => {
    const r = await runDeployStep(
      { run: 'echo "shipping $((40 + 2))"', service, environment: 'Production', lock: 'true', url: app.http },
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.log).toContain('shipping 42');
    const event = (await http('GET', `${app.http}/api/v1alpha1/event/${r.outputs['event-id']}`)).body;
    expect(event.attributes).toMatchObject({ service, environment: 7, status: 3, owner: 'github-actions:org/app' });
    expect((await http('GET', `${app.http}/api/v1alpha1/locks?service=${service}`)).body.locks).toEqual([]);
  });

  it('check with a freeze covering now: the step fails (exit 3) with the reason, before anything runs', async () => {
    const frozen = `${service}-frozen`;
    const now = Date.now();
    const freeze = await http('POST', `${app.http}/api/v1alpha1/freezes`, {
      body: {
        name: 'Release freeze',
        services: [frozen],
        environments: [7],
        start: new Date(now - 60_000).toISOString(),
        end: new Date(now + 3600_000).toISOString(),
      },
    });
    expect(freeze.status).toBe(201);
    const r = await runDeployStep({ run: 'echo should-not-run', service: frozen, environment: '7', check: 'true', url: app.http }, dir);
    expect(r.code).toBe(3);
    expect(r.log).toContain('Release freeze');
    expect(r.log).not.toContain('should-not-run');
    expect(r.outputs).toEqual({});
  });

  it('lock and wait with the lock held: the step waits in line, and runs once the holder releases', async () => {
    const held = `${service}-held`;
    const holder = await http('POST', `${app.http}/api/v1alpha1/locks`, { body: { service: held, environment: 7, owner: 'other' } });
    expect(holder.status).toBe(201);
    const step = runDeployStep(
      { run: 'echo "ran after the release"', service: held, environment: '7', lock: 'true', wait: 'true', timeout: '5m', url: app.http },
      dir,
    );
    const line = `${app.http}/api/v1alpha1/locks/queue?service=${held}&environment=7&resource=deployment`;
    const deadline = Date.now() + 30_000;
    while ((await http('GET', line)).body.waiters.length === 0) {
      if (Date.now() > deadline) throw new Error('the step never joined the line');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await http('DELETE', `${app.http}/api/v1alpha1/locks/${holder.body.id}?owner=other`)).status).toBe(200);
    const r = await step;
    expect(r.code).toBe(0);
    expect(r.log).toContain('ran after the release');
    const event = (await http('GET', `${app.http}/api/v1alpha1/event/${r.outputs['event-id']}`)).body;
    expect(event.attributes).toMatchObject({ service: held, status: 3 });
    expect((await http('GET', line)).body).toMatchObject({ waiters: [] });
    expect((await http('GET', line)).body.holder).toBeUndefined();
  });

  it("a failing run: the step fails with the command's code, the event id still output, the deployment Failure", async () => {
    const r = await runDeployStep({ run: 'exit 3', service, environment: '4', title: 'Deploy with a bug', url: app.http }, dir);
    expect(r.code).toBe(3);
    const event = (await http('GET', `${app.http}/api/v1alpha1/event/${r.outputs['event-id']}`)).body;
    expect(event).toMatchObject({ title: 'Deploy with a bug', attributes: { status: 4, environment: 4 } });
  });
});
