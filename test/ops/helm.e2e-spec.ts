import { Model } from '@kubernetes-models/base';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { SHUTDOWN_DEADLINE_MS } from '../../src/platform/system/shutdown-deadline';
import { REPO_ROOT } from '../../src/platform/repo-root';

/*
 * The Helm chart (deploy/helm/tracker, docs/deploy.md), checked without a cluster: `helm lint --strict` and
 * `helm template` of the default values and of ci/full-values.yaml (every optional part on), with helm built from
 * the Go module proxy into .bin/ by scripts/build-tools.sh. Every rendered manifest is validated offline against
 * the Kubernetes API schemas compiled into the kubernetes-models packages (types, required fields, enums,
 * formats; they do not refuse unknown fields, so the properties that matter are asserted below too).
 */
const run = promisify(execFile);
const HELM = join(REPO_ROOT, '.bin', 'helm');
const CHART = join(REPO_ROOT, 'deploy', 'helm', 'tracker');
const FULL = join(CHART, 'ci', 'full-values.yaml');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec?: Record<string, unknown> } & Record<string, unknown>;

/** The kubernetes-models class of each kind the chart renders; a kind without one fails the test. */
const MODELS: Record<string, new (data: never) => Model<unknown>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(HELM, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  return stdout;
}

async function render(...args: string[]): Promise<Manifest[]> {
  const text = await helm('template', 'tracker', CHART, '--namespace', 'platform', ...args);
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** The kubernetes-models validation of one manifest: undefined when valid, else its message. */
function violation(manifest: Manifest): string | undefined {
  const Ctor = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Ctor) return `no schema for ${manifest.apiVersion}/${manifest.kind}`;
  try {
    new Ctor(manifest as never).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('Helm chart deploy/helm/tracker', () => {
  beforeAll(() => {
    if (!existsSync(HELM)) throw new Error(`${HELM} is missing: run bash scripts/build-tools.sh helm (npm test and .ci/run do)`);
  });

  it('passes helm lint --strict with the default values and with every option on', async () => {
    expect(await helm('lint', '--strict', CHART)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(await helm('lint', '--strict', CHART, '-f', FULL)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each([
    ['the default values', []],
    ['ci/full-values.yaml', ['-f', FULL]],
  ])('renders %s into manifests valid against the Kubernetes API schemas', async (_what, args) => {
    const manifests = await render(...args);
    expect(manifests.length).toBeGreaterThanOrEqual(5);
    for (const m of manifests)
      expect({ object: `${m.kind}/${m.metadata.name}`, violation: violation(m) }).toEqual({ object: `${m.kind}/${m.metadata.name}` });
  });

  it('the validators are not vacuous: a wrong type is refused', () => {
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } } as unknown as Manifest;
    expect(violation(bad)).toMatch(/replicas must be integer/);
  });

  it('default values: a hardened Deployment with HTTP and gRPC probes, a Service, a PDB; no optional part', async () => {
    const manifests = await render();
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const deployment = manifests.find((m) => m.kind === 'Deployment') as unknown as Deployment;
    const pod = deployment.spec!.template.spec!;
    const [container] = pod.containers;
    expect(deployment.spec!.replicas).toBe(2);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(SHUTDOWN_DEADLINE_MS);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.ports!.map((p) => [p.name, p.containerPort])).toEqual([
      ['http', 8080],
      ['grpc', 8765],
    ]);
    expect(container.livenessProbe!.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.startupProbe!.grpc).toEqual({ port: 8765 });
    expect(container.resources).toMatchObject({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    // Config from values, secrets from the existing Secret (the chart creates none).
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'tracker' } }, { secretRef: { name: 'tracker' } }]);
    expect(manifests.some((m) => m.kind === 'Secret')).toBe(false);
    const config = manifests.find((m) => m.kind === 'ConfigMap') as unknown as ConfigMap;
    expect(config.data).toMatchObject({
      NODE_ENV: 'production',
      HTTP_PORT: '8080',
      GRPC_PORT: '8765',
      LOG_LEVEL: 'info',
      TRACKER_AUTH: 'off',
    });
  });

  it('full values: Ingress with TLS, HPA (no fixed replicas), ServiceMonitor with the token, NetworkPolicy, image by digest', async () => {
    const manifests = await render('-f', FULL);
    const byKind = (kind: string) => manifests.find((m) => m.kind === kind) as Record<string, unknown> & { spec: Record<string, unknown> };
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Ingress',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    const deployment = byKind('Deployment') as unknown as Deployment;
    expect(deployment.spec!.replicas).toBeUndefined();
    expect(deployment.spec!.template.spec!.containers[0].image).toBe(
      'registry.example.com/platform/tracker@sha256:0000000000000000000000000000000000000000000000000000000000000000',
    );
    expect(byKind('HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(byKind('Ingress').spec).toMatchObject({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'tracker-tls', hosts: ['tracker.example.com'] }],
    });
    expect(byKind('ServiceMonitor').spec).toMatchObject({
      endpoints: [
        {
          port: 'http',
          path: '/metrics',
          authorization: { type: 'Bearer', credentials: { name: 'tracker-secrets', key: 'METRICS_TOKEN' } },
        },
      ],
    });
    expect(byKind('NetworkPolicy').spec).toMatchObject({ policyTypes: ['Ingress'] });
    expect((byKind('ConfigMap') as unknown as ConfigMap).data).toMatchObject({ HTTP_HSTS_MAX_AGE: '31536000', TRACKER_AUTH: 'required' });
  });

  it('values.schema.json refuses a grace period under the shutdown deadline, an unknown value and a secret in config', async () => {
    for (const [set, why] of [
      ['terminationGracePeriodSeconds=5', /terminationGracePeriodSeconds/],
      ['replicaCoun=3', /replicaCoun/],
      ['config.MONGODB_URI=mongodb://x', /MONGODB_URI/],
    ] as const) {
      const failure = await helm('template', 'tracker', CHART, '--set', set).then(
        () => 'rendered',
        (err: Error & { stderr?: string }) => err.stderr ?? err.message,
      );
      expect({ set, failure }).toEqual({ set, failure: expect.stringMatching(why) as unknown });
      expect(failure).toMatch(/values don't meet the specifications of the schema/);
    }
  });
});
