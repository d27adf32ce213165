import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { EnvironmentVariables, validateEnv } from './env.schema';

/** Production needs a MongoDB (checkProductionStore); the OIDC cases below name one to reach their own rule. */
const MONGO = 'mongodb://mongo:27017/tracker';

describe('validateEnv', () => {
  it('fills every default', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({ HTTP_PORT: 8080, GRPC_PORT: 8765, HTTP_HOST: '0.0.0.0', TRACKER_AUTH: 'off', DATA_DIR: './data' });
    expect(env.MONGODB_URI).toBeUndefined();
  });

  it('turns numeric strings into numbers', () => {
    expect(validateEnv({ HTTP_PORT: '9000' }).HTTP_PORT).toBe(9000);
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['GRPC_PORT', '70000'],
    ['MONGODB_URI', 'postgres://x'],
    ['TRACKER_AUTH', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['SLACK_WEBHOOK_URL', 'ftp://x'],
    ['NOTIFY_RETRY_SCHEDULE', '1,,2'],
    ['INGEST_ENVIRONMENTS', 'prod=9'],
    ['INGEST_ENVIRONMENTS', 'prod'],
    ['INGEST_ENVIRONMENTS', 'prod=7,,qa=4'],
    ['INGEST_ENVIRONMENTS', 'prod=7,pro\u200Bd=1'],
    ['INGEST_ENVIRONMENTS', 'prod=7,\u202Eprod=1'],
    ['AUTH_ISSUER', 'not a url'],
    ['AUTH_ISSUER', 'ftp://idp.example.com'],
    ['AUTH_AUDIENCE', 'a, b'],
    ['AUTH_CLOCK_SKEW_SECONDS', '301'],
    ['AUTH_ACCOUNTS_CLAIM', 'a..b'],
    ['AUTH_GROUPS_CLAIM', ''],
    ['AUTH_GROUPS_PREFIX', 'has space'],
    ['AUTH_JWKS_COOLDOWN_SECONDS', '-1'],
    ['EVENT_BUS_URL', 'http://127.0.0.1:4222'],
    ['STREAM_RETENTION_HOURS', '0'],
    ['STREAMS_MAX_PER_CALLER', '0'],
    ['STREAMS_MAX_PER_CALLER', 'many'],
    ['INTAKE_RECEIPT_RETENTION_DAYS', '0'],
    ['INTAKE_RECEIPT_RETENTION_DAYS', '3651'],
    ['INTAKE_RECEIPT_RETENTION_DAYS', 'month'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}=`));
    try {
      validateEnv({ [name]: value });
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  describe('OIDC settings', () => {
    const oidc = { AUTH_ISSUER: 'https://idp.example.com/realms/acme', AUTH_AUDIENCE: 'tracker' };
    const refusal = (raw: Record<string, string>) => {
      try {
        validateEnv(raw);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };

    it('accepts an https issuer with an audience, and fills the OIDC defaults', () => {
      expect(validateEnv(oidc)).toMatchObject({
        ...oidc,
        AUTH_CLOCK_SKEW_SECONDS: 30,
        AUTH_ACCOUNTS_CLAIM: 'accounts',
        AUTH_GROUPS_CLAIM: 'groups',
        AUTH_GROUPS_PREFIX: 'tracker:',
        AUTH_JWKS_COOLDOWN_SECONDS: 30,
      });
      expect(
        validateEnv({ ...oidc, AUTH_JWKS_URL: 'https://idp.example.com/keys', NODE_ENV: 'production', MONGODB_URI: MONGO }).AUTH_JWKS_URL,
      ).toBe('https://idp.example.com/keys');
    });

    it('takes a namespaced claim name (with dots and slashes) as a claim path', () => {
      expect(validateEnv({ ...oidc, AUTH_ACCOUNTS_CLAIM: 'https://tracker.example.com/accounts' }).AUTH_ACCOUNTS_CLAIM).toBe(
        'https://tracker.example.com/accounts',
      );
    });

    it('allows http only to a loopback host, and never in production', () => {
      for (const host of ['127.0.0.1:8081', 'localhost:8080', '[::1]:9000'])
        expect(refusal({ AUTH_ISSUER: `http://${host}/realms/x`, AUTH_AUDIENCE: 'tracker', NODE_ENV: 'test' })).toBe('accepted');
      expect(
        refusal({ AUTH_ISSUER: 'http://127.0.0.1:8081', AUTH_AUDIENCE: 'tracker', NODE_ENV: 'production', MONGODB_URI: MONGO }),
      ).toMatch(/^Invalid configuration: AUTH_ISSUER=.* must be an https URL in production$/);
      expect(refusal({ AUTH_ISSUER: 'http://idp.example.com', AUTH_AUDIENCE: 'tracker' })).toMatch(
        /^Invalid configuration: AUTH_ISSUER=.*https/,
      );
      expect(refusal({ ...oidc, AUTH_JWKS_URL: 'http://idp.example.com/keys' })).toMatch(/^Invalid configuration: AUTH_JWKS_URL=/);
      expect(refusal({ ...oidc, AUTH_ISSUER: 'https://user:pw@idp.example.com' })).toMatch(/credentials/);
      expect(refusal({ ...oidc, AUTH_JWKS_COOLDOWN_SECONDS: '0', NODE_ENV: 'production', MONGODB_URI: MONGO })).toMatch(
        /^Invalid configuration: AUTH_JWKS_COOLDOWN_SECONDS=0 must be at least 1 in production$/,
      );
      expect(refusal({ ...oidc, AUTH_JWKS_COOLDOWN_SECONDS: '0', NODE_ENV: 'test' })).toBe('accepted');
    });

    it('needs AUTH_AUDIENCE with AUTH_ISSUER, and AUTH_ISSUER with AUTH_JWKS_URL', () => {
      expect(refusal({ AUTH_ISSUER: oidc.AUTH_ISSUER })).toMatch(
        /^Invalid configuration: AUTH_AUDIENCE=undefined is required with AUTH_ISSUER$/,
      );
      expect(refusal({ AUTH_JWKS_URL: 'https://idp.example.com/keys', AUTH_AUDIENCE: 'x' })).toMatch(
        /^Invalid configuration: AUTH_JWKS_URL=.*needs AUTH_ISSUER/,
      );
    });
  });

  it('refuses production without MONGODB_URI, saying how to get the embedded store instead', () => {
    for (const raw of [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', MONGODB_URI: '' }]) {
      expect(() => validateEnv(raw)).toThrow(/^Invalid configuration: MONGODB_URI is required in production .*npm ci && npm start/);
    }
    expect(validateEnv({ NODE_ENV: 'production', MONGODB_URI: MONGO }).MONGODB_URI).toBe(MONGO);
    expect(validateEnv({ NODE_ENV: 'development' }).MONGODB_URI).toBeUndefined();
  });

  it('sends HSTS only when asked: HTTP_HSTS_MAX_AGE defaults to 0 and takes up to two years', () => {
    expect(validateEnv({}).HTTP_HSTS_MAX_AGE).toBe(0);
    expect(validateEnv({ HTTP_HSTS_MAX_AGE: '31536000' }).HTTP_HSTS_MAX_AGE).toBe(31536000);
    expect(() => validateEnv({ HTTP_HSTS_MAX_AGE: '-1' })).toThrow(/^Invalid configuration: HTTP_HSTS_MAX_AGE=/);
    expect(() => validateEnv({ HTTP_HSTS_MAX_AGE: 'forever' })).toThrow(/^Invalid configuration: HTTP_HSTS_MAX_AGE=/);
  });

  it('treats an empty optional value as unset', () => {
    expect(validateEnv({ MONGODB_URI: '' }).MONGODB_URI).toBeUndefined();
  });
});

/**
 * Every variable of the schema is documented in both places a user reads: `.env.example` (a `NAME=default` line,
 * commented out as `# NAME=example` when it has no default) and docs/configuration.md (a `| \`NAME\` | default |
 * meaning |` row, `unset` when it has none). A missing, unknown or drifted variable fails, named.
 */
describe('the documented configuration', () => {
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
  const variables = Object.keys(defaults);
  const text = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
  /** What the schema gives `name` when it is not set: its default as text, or `unset`. */
  const schemaDefault = (name: string) => (defaults[name] === undefined ? 'unset' : String(defaults[name]));

  it('has the variables exactly: every one named in .env.example and docs/configuration.md, and no other', () => {
    const names = (file: string, line: RegExp) => new Set([...text(file).matchAll(line)].map((m) => m[1]));
    for (const [file, listed] of [
      ['.env.example', names('.env.example', /^#?\s*([A-Z][A-Z0-9_]+)=/gm)],
      ['docs/configuration.md', names('docs/configuration.md', /^\| `([A-Z][A-Z0-9_]+)` \|/gm)],
    ] as const) {
      expect({
        file,
        missing: variables.filter((v) => !listed.has(v)),
        unknown: [...listed].filter((n) => !variables.includes(n)),
      }).toEqual({
        file,
        missing: [],
        unknown: [],
      });
    }
  });

  it("gives the schema's defaults: .env.example sets exactly the variables that have one, to it; docs/configuration.md says it", () => {
    const example = [...text('.env.example').matchAll(/^(#?)\s*([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, comment, name, value]) =>
      comment ? `${name}: unset` : `${name}: ${value}`,
    );
    const documented = [...text('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|/gm)].map(
      ([, name, value]) => `${name}: ${value.trim().replace(/^`(.*)`$/, '$1')}`,
    );
    const expected = variables.map((v) => `${v}: ${schemaDefault(v)}`).sort();
    expect(example.sort()).toEqual(expected);
    expect(documented.sort()).toEqual(expected);
  });
});
