import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResult } from './http';

/** The CD tools' webhooks (issue 27): their paths, test secrets, fixtures and senders. */
export const GITLAB_PATH = '/api/v1alpha1/webhooks/gitlab';
export const FLUX_PATH = '/api/v1alpha1/webhooks/flux';
export const ARGOCD_PATH = '/api/v1alpha1/webhooks/argocd';
export const GITLAB_TOKEN = 'intake-e2e-gitlab-token';
export const FLUX_SECRET = 'intake-e2e-flux-secret';
export const ARGOCD_TOKEN = 'intake-e2e-argocd-token';

/** The env every CD intake e2e starts its apps with. */
export const CD_INTAKE_ENV: Record<string, string> = {
  GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
  FLUX_WEBHOOK_SECRET: FLUX_SECRET,
  ARGOCD_WEBHOOK_TOKEN: ARGOCD_TOKEN,
  RATE_LIMIT_PER_MINUTE: '1000000',
};

const ROOT = join(__dirname, '..', '..');
export const CD_FIXTURES = join(ROOT, 'test', 'fixtures', 'cd-intake');

/** The fixtures of one tool (test/fixtures/cd-intake/<tool>/*.json, SOURCES.md says where each comes from). */
export function cdFixtures(tool: 'gitlab' | 'flux' | 'argocd'): Map<string, any> {
  const dir = join(CD_FIXTURES, tool);
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
  );
}

export function postGitlab(
  base: string,
  event: string,
  body: string | Buffer,
  options: { token?: string | null; uuid?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-gitlab-event': event, ...options.headers };
  const token = options.token === undefined ? GITLAB_TOKEN : options.token;
  if (token !== null) headers['x-gitlab-token'] = token;
  const uuid = options.uuid === undefined ? randomUUID() : options.uuid;
  if (uuid !== null) headers['x-gitlab-event-uuid'] = uuid;
  return http('POST', `${base}${GITLAB_PATH}`, { raw: body, headers });
}

/** X-Signature as Flux's generic-hmac Provider computes it, here with node:crypto. */
export function fluxSignature(body: string | Buffer, secret = FLUX_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function postFlux(base: string, body: string | Buffer, options: { signature?: string | null } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? fluxSignature(body) : options.signature;
  if (signature !== null) headers['x-signature'] = signature;
  return http('POST', `${base}${FLUX_PATH}`, { raw: body, headers });
}

export function postArgocd(base: string, body: string | Buffer, options: { token?: string | null } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? ARGOCD_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return http('POST', `${base}${ARGOCD_PATH}`, { raw: body, headers });
}

let renderer: string | undefined;

/**
 * Renders deploy/argocd/notifications.yaml's template against Application files with tools/argocd-render (Go's
 * text/template, as Argo CD renders it), built once per test file into a temporary directory (standard library
 * only: a few seconds, no download; scripts/build-tools.sh builds the same program into .bin/).
 */
export function renderArgocd(files: string[]): { file: string; body?: string; error?: string }[] {
  if (!renderer) {
    renderer = join(mkdtempSync(join(tmpdir(), 'argocd-render-')), 'argocd-render');
    execFileSync('go', ['build', '-o', renderer, '.'], {
      cwd: join(ROOT, 'tools', 'argocd-render'),
      env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const out = execFileSync(renderer, ['-config', join(ROOT, 'deploy', 'argocd', 'notifications.yaml'), ...files], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}
