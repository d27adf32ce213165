import { plainToInstance, Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { refusedCharacterProblem } from '../validation/identifier';
import { EVENT_ENVIRONMENTS, EventEnvironment } from '../../contract/enums';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** The documented default environment mapping of the CI/CD intake (docs/configuration.md). */
export const DEFAULT_INGEST_ENVIRONMENTS = (
  [
    ['development', EventEnvironment.Development],
    ['dev', EventEnvironment.Development],
    ['integration', EventEnvironment.Integration],
    ['tnr', EventEnvironment.TNR],
    ['uat', EventEnvironment.UAT],
    ['qa', EventEnvironment.UAT],
    ['recette', EventEnvironment.Recette],
    ['preprod', EventEnvironment.PreProduction],
    ['pre-production', EventEnvironment.PreProduction],
    ['staging', EventEnvironment.PreProduction],
    ['production', EventEnvironment.Production],
    ['prod', EventEnvironment.Production],
    ['mco', EventEnvironment.MCO],
  ] as const
)
  .map(([name, environment]) => `${name}=${environment}`)
  .join(',');
const ENVIRONMENT_NUMBER = `(?:${EVENT_ENVIRONMENTS.join('|')})`;
const INGEST_ENVIRONMENTS_PAIR = `\\s*[^=,\\s][^=,]{0,99}=\\s*${ENVIRONMENT_NUMBER}\\s*`;
const INGEST_ENVIRONMENTS_PATTERN = new RegExp(`^${INGEST_ENVIRONMENTS_PAIR}(,${INGEST_ENVIRONMENTS_PAIR})*$`);
const INCIDENT_SERVICES_PAIR = '\\s*[^=,\\s][^=,]{0,299}=\\s*[^=,\\s][^=,]{0,299}';
const INCIDENT_SERVICES_PATTERN = new RegExp(`^${INCIDENT_SERVICES_PAIR}(,${INCIDENT_SERVICES_PAIR})*$`);
/** Names an upstream system could not tell apart on screen (docs/security.md, identifiers) are no mapping. */
const namesProblem = (v: unknown) => (typeof v === 'string' ? refusedCharacterProblem(v.replace(/[ \t\r\n,=]/g, '')) : undefined);
const EnvironmentNamesVisible = () =>
  ValidateBy({
    name: 'environmentNamesVisible',
    validator: { validate: (v: unknown) => namesProblem(v) === undefined, defaultMessage: (args) => `names ${namesProblem(args?.value)}` },
  });
/** A claim name, or a dotted path of them: 1 to 8 segments of 1 to 128 characters, no spaces. */
const CLAIM_PATH = /^(?=.{1,256}$)[^.\s]{1,128}(\.[^.\s]{1,128}){0,7}$/;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable Tracker reads, with its default. `.env.example` lists the same names;
 * a spec keeps the two in step.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 8080;

  @IsString()
  @MinLength(1)
  HTTP_HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  GRPC_PORT = 8765;

  @IsString()
  @MinLength(1)
  GRPC_HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/.+/, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** Where the embedded FerretDB binary is kept (built from tools/ferretdb when missing). */
  @IsString()
  @MinLength(1)
  FERRETDB_BIN = './.bin/ferretdb';

  /**
   * Documents per collection up to which the embedded store answers a list, search or stats in under 1 s
   * (docs/benchmarks.md); past it the service warns and readiness details say so.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EMBEDDED_STORE_ENVELOPE = 5000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  AUTH_JWT_SECRET?: string;

  @IsIn(['off', 'required'])
  TRACKER_AUTH: 'off' | 'required' = 'off';

  /** The claim (or dotted path) naming a token's tracker role: reader, writer or admin (docs/security.md, "Tracker roles"). */
  @Matches(CLAIM_PATH, { message: 'must be a claim name or a dotted path of at most 8 claim names' })
  TRACKER_ROLE_CLAIM = 'tracker_role';

  /** The tracker role of a valid token that names none; `writer` keeps earlier behaviour, production should use `reader`. */
  @IsIn(['reader', 'writer', 'admin'])
  TRACKER_DEFAULT_ROLE: 'reader' | 'writer' | 'admin' = 'writer';

  /**
   * OIDC issuer whose tokens are accepted beside HS256 ones (docs/security.md, "Signing in with OIDC"). Its JWKS
   * is discovered from `<issuer>/.well-known/openid-configuration` unless AUTH_JWKS_URL names it. https, or
   * http to a loopback host outside production (see checkAuthUrls).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }, { message: 'must be an http(s) URL' })
  AUTH_ISSUER?: string;

  /** The issuer's JWKS, when it is not (or should not be) discovered. Needs AUTH_ISSUER (the `iss` to check). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }, { message: 'must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  /** The `aud` an OIDC token must carry (one of, comma separated). Required with AUTH_ISSUER. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[^,\s]+(,[^,\s]+)*$/, { message: 'must be one audience or a comma-separated list of them' })
  AUTH_AUDIENCE?: string;

  /** Leeway for `exp` and `nbf` of OIDC tokens, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CLOCK_SKEW_SECONDS = 30;

  /** Where an OIDC token keeps the `{ accountId: role }` object: a claim name or a dotted path (`tracker.accounts`). */
  @Matches(CLAIM_PATH, { message: 'must be a claim name or a dotted path of at most 8 claim names' })
  AUTH_ACCOUNTS_CLAIM = 'accounts';

  /** Where an OIDC token keeps its groups (an array of strings): a claim name or a dotted path. */
  @Matches(CLAIM_PATH, { message: 'must be a claim name or a dotted path of at most 8 claim names' })
  AUTH_GROUPS_CLAIM = 'groups';

  /** Groups named `<prefix><accountId>:<role>` grant that role in that account. */
  @Matches(/^[^\s]{1,64}$/, { message: 'must be 1 to 64 characters without spaces' })
  AUTH_GROUPS_PREFIX = 'tracker:';

  /** At most one JWKS fetch per this many seconds for unknown key ids and stale key sets (0: no limit; not in production). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  AUTH_JWKS_COOLDOWN_SECONDS = 30;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  SLACK_WEBHOOK_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsEmail({ require_tld: false })
  EMAIL_FROM = 'tracker@localhost';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  EMAIL_TO?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Seconds between notification retries, comma separated; the last entry is the final attempt. */
  @Matches(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, { message: 'must be a comma-separated list of seconds' })
  NOTIFY_RETRY_SCHEDULE = '5,30,120,600,1800,7200';

  @Transform(toInt)
  @IsInt()
  @Min(10)
  NOTIFY_POLL_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  NOTIFY_LEASE_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 6000;

  /**
   * Scan queries (insights, overlaps, search, today, stats: docs/store.md) running at once per instance; past
   * it 503 with Retry-After. 4 keeps two cores busy with whole-collection reads and leaves room for the rest.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SCAN_MAX_IN_FLIGHT = 4;

  /** Scan queries one caller may have running at once; past it 429 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SCAN_MAX_IN_FLIGHT_PER_CALLER = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  TTL_SWEEP_MS = 30000;

  /** How often the tracker_dora_* gauges are recomputed in the background (docs/insights.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DORA_METRICS_REFRESH_MS = 300000;

  /**
   * How far before an incident's start a deployment of its service and environment may have finished to be
   * its suspected cause, in minutes (docs/incidents.md).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10080)
  INCIDENT_CAUSE_WINDOW_MINUTES = 240;

  /** Whether DORA's change failure rate counts suspected causes (on) or only linked ones (off; docs/insights.md). */
  @IsIn(['off', 'on'])
  DORA_SUSPECTED_CAUSES: 'off' | 'on' = 'off';

  /**
   * A static bearer token Prometheus may scrape /metrics with (compared in constant time). With
   * TRACKER_AUTH=required, or when set, /metrics needs this token or a verified one (docs/security.md).
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,512}$/, { message: 'must be 16 to 512 visible ASCII characters' })
  METRICS_TOKEN?: string;

  /** Distinct `service` label values per metric family; the other services are aggregated as service="_other". */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  METRICS_MAX_SERVICES = 100;

  /** on: a Start of a deployment or operation tracker event takes its service's lock (docs/locks.md). */
  @IsIn(['off', 'on'])
  AUTO_LOCK: 'off' | 'on' = 'off';

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  AUTO_LOCK_TTL_SECONDS = 3600;

  /** on: a freeze refuses creating or starting a deployment (409 frozen); off: it only warns (docs/freezes.md). */
  @IsIn(['off', 'on'])
  FREEZE_ENFORCE: 'off' | 'on' = 'on';

  /** on: an open incident of a service and environment makes it not deployable (docs/freezes.md). */
  @IsIn(['off', 'on'])
  DEPLOY_BLOCK_ON_OPEN_INCIDENT: 'off' | 'on' = 'off';

  /** on: the MCP server (POST /mcp) also offers create_event, acquire_lock and release_lock (docs/mcp.md). */
  @IsIn(['off', 'on'])
  MCP_WRITE_TOOLS: 'off' | 'on' = 'off';

  /** Active locks one caller (verified user, else address) may hold at once; the next acquisition is a 429 (docs/locks.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOCKS_MAX_ACTIVE_PER_CALLER = 100;

  /** The secret of the GitHub webhook (X-Hub-Signature-256); unset: the GitHub intake answers 403. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  GITHUB_WEBHOOK_SECRET?: string;

  /** The secret token of the GitLab webhook (X-Gitlab-Token); unset: the GitLab intake answers 403. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  GITLAB_WEBHOOK_TOKEN?: string;

  /** The secret of the Flux generic-hmac Provider (X-Signature); unset: the Flux intake answers 403 unless unsigned is allowed. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  FLUX_WEBHOOK_SECRET?: string;

  /** true: the Flux intake also takes unsigned deliveries (a Provider of type generic); for a trusted network only. */
  @IsIn(['true', 'false'])
  FLUX_ALLOW_UNSIGNED: 'true' | 'false' = 'false';

  /** The tracker environment of Flux events whose Alert names no environment (1 Development .. 8 MCO). */
  @Transform(toInt)
  @IsInt()
  @Min(EVENT_ENVIRONMENTS[0])
  @Max(EVENT_ENVIRONMENTS[EVENT_ENVIRONMENTS.length - 1])
  FLUX_ENVIRONMENT = 7;

  /** The bearer token Argo CD Notifications' webhook service sends (Authorization: Bearer); unset: the Argo CD intake answers 403. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  ARGOCD_WEBHOOK_TOKEN?: string;

  /**
   * How the intake maps an upstream environment name (GitHub environment, CDEvents environment id) to a tracker
   * environment: `name=number` pairs, comma separated, names case-insensitive; replaces the default list.
   */
  @Matches(INGEST_ENVIRONMENTS_PATTERN, {
    message: `must be comma-separated name=number pairs, numbers ${EVENT_ENVIRONMENTS[0]}-${EVENT_ENVIRONMENTS[EVENT_ENVIRONMENTS.length - 1]} (e.g. prod=7,staging=6)`,
  })
  @EnvironmentNamesVisible()
  INGEST_ENVIRONMENTS = DEFAULT_INGEST_ENVIRONMENTS;
  /**
   * How long the intake keeps a delivery's receipt, in days: a redelivery within it answers as a duplicate; an
   * older receipt is deleted by a background sweep (a later redelivery applies again, correlated by id).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  INTAKE_RECEIPT_RETENTION_DAYS = 30;

  /** The PagerDuty V3 webhook subscription's secret (X-PagerDuty-Signature); unset: the PagerDuty intake answers 403. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  PAGERDUTY_WEBHOOK_SECRET?: string;

  /** The bearer token Alertmanager (http_config.authorization) or Grafana sends; unset: the Alertmanager intake answers 403. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces (an HTTP Authorization token)' })
  ALERTMANAGER_WEBHOOK_TOKEN?: string;

  /** The alert label naming the tracker service of an Alertmanager or Grafana alert. */
  @Matches(/^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/, { message: 'must be a Prometheus label name' })
  ALERTMANAGER_SERVICE_LABEL = 'service';

  /** The least `severity` label an alert needs to become an incident (critical > error > warning > info); unset: every alert. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['critical', 'error', 'warning', 'info'])
  ALERTMANAGER_MIN_SEVERITY?: 'critical' | 'error' | 'warning' | 'info';

  /** PagerDuty service name -> tracker service, `name=service` pairs, comma separated; unmapped names are kept as they are. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(INCIDENT_SERVICES_PATTERN, { message: 'must be comma-separated "PagerDuty service name=tracker service" pairs' })
  @EnvironmentNamesVisible()
  INCIDENT_SERVICES?: string;

  /** The tracker environment of PagerDuty incidents (PagerDuty has no environments). */
  @Transform(toInt)
  @IsInt()
  @IsIn([...EVENT_ENVIRONMENTS])
  INCIDENT_ENVIRONMENT: number = EventEnvironment.Production;
  /** NATS server that fans live changes out across instances (docs/live.md); unset = one instance, in-process. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(nats|tls):\/\/[^\s/]+(\/)?$/, { message: 'must be nats://host:port (or tls://host:port)' })
  EVENT_BUS_URL?: string;

  /** How long a stream cursor can be resumed from, in hours (the live log keeps this much). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  STREAM_RETENTION_HOURS = 24;

  /**
   * Live streams (SSE and gRPC, tracker and activity) one caller may hold open on one instance at a time; one
   * more is refused with 429 / RESOURCE_EXHAUSTED (docs/live.md).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  STREAMS_MAX_PER_CALLER = 50;

  /** true: the web console (built from web/ into web/dist) is served at `/`. */
  @IsIn(['true', 'false'])
  UI_ENABLED: 'true' | 'false' = 'true';

  /**
   * Seconds of Strict-Transport-Security sent on every response; 0 (the default) sends none. Set it only when
   * clients reach the service over https (a TLS-terminating proxy or ingress in front of it): the service itself
   * listens in plain http, and the header tells browsers never to use plain http for this host again.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(63072000)
  HTTP_HSTS_MAX_AGE = 0;

  /**
   * OpenTelemetry: the OTLP/HTTP collector traces are sent to (`<endpoint>/v1/traces`, JSON), the standard variable
   * of the OpenTelemetry SDKs. Unset (the default): no tracing at all.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The `service.name` of every span (the standard OpenTelemetry variable). */
  @Matches(/^[^\s]{1,128}$/, { message: 'must be 1 to 128 characters without spaces' })
  OTEL_SERVICE_NAME = 'tracker';
}

/**
 * Validates raw variables and returns the typed, defaulted config. Throws one line naming the first bad
 * variable, so a misconfigured service stops at boot with a readable reason.
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const known = new EnvironmentVariables();
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(known)) {
    if (raw[key] !== undefined) picked[key] = raw[key];
  }
  const env = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const first = errors[0];
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new Error(
      `Invalid configuration: ${first.property}=${JSON.stringify(raw[first.property])} ${why.replace(`${first.property} `, '')}`,
    );
  }
  checkProductionStore(env);
  checkAuthUrls(env);
  return env;
}

/**
 * Production (`npm run start:prod`, the container image) runs on MongoDB: the embedded store needs Go to build
 * and keeps its data on the local disk, which is the development setup. Stops with how to get either.
 */
function checkProductionStore(env: EnvironmentVariables): void {
  if (env.NODE_ENV !== 'production' || env.MONGODB_URI !== undefined) return;
  throw new Error(
    'Invalid configuration: MONGODB_URI is required in production (npm run start:prod, the container image): set it to ' +
      'your MongoDB, e.g. mongodb://mongo:27017/tracker. The embedded store (FerretDB, built with Go >= 1.24) is the ' +
      'development setup: `npm ci && npm start` without MONGODB_URI (docs/store.md).',
  );
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The rules that span variables. OIDC URLs must be https; plain http is allowed only to a loopback host
 * (127.0.0.1, ::1, localhost) and only outside production, so the tests' local issuer and a developer's local
 * Keycloak work while a production deployment can never fetch its keys in the clear; nor can it switch off the
 * key-fetch cooldown (AUTH_JWKS_COOLDOWN_SECONDS=0, which the tests use). AUTH_JWKS_URL needs
 * AUTH_ISSUER (the `iss` every token is checked against) and AUTH_ISSUER needs AUTH_AUDIENCE (without an
 * audience, a token the issuer minted for any other application would be accepted).
 */
function checkAuthUrls(env: EnvironmentVariables): void {
  const fail = (name: string, why: string) => {
    throw new Error(`Invalid configuration: ${name}=${JSON.stringify((env as unknown as Record<string, unknown>)[name])} ${why}`);
  };
  for (const name of ['AUTH_ISSUER', 'AUTH_JWKS_URL'] as const) {
    const value = env[name];
    if (value === undefined) continue;
    const url = new URL(value);
    if (url.username || url.password || url.hash) fail(name, 'must not carry credentials or a fragment');
    if (url.protocol === 'https:') continue;
    if (env.NODE_ENV === 'production') fail(name, 'must be an https URL in production');
    if (!LOOPBACK_HOSTS.has(url.hostname)) fail(name, 'must be an https URL (http only to 127.0.0.1, ::1 or localhost outside production)');
  }
  // Without a cooldown every made-up key id is a request to the issuer: tests only.
  if (env.NODE_ENV === 'production' && env.AUTH_JWKS_COOLDOWN_SECONDS === 0)
    fail('AUTH_JWKS_COOLDOWN_SECONDS', 'must be at least 1 in production');
  if (env.AUTH_JWKS_URL !== undefined && env.AUTH_ISSUER === undefined)
    fail('AUTH_JWKS_URL', 'needs AUTH_ISSUER (the iss tokens are checked against)');
  if (env.AUTH_ISSUER !== undefined && env.AUTH_AUDIENCE === undefined) fail('AUTH_AUDIENCE', 'is required with AUTH_ISSUER');
}
