import { plainToInstance, Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

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

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  TTL_SWEEP_MS = 30000;

  /** How often the tracker_dora_* gauges are recomputed in the background (docs/insights.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DORA_METRICS_REFRESH_MS = 300000;

  /** on: a Start of a deployment or operation tracker event takes its service's lock (docs/locks.md). */
  @IsIn(['off', 'on'])
  AUTO_LOCK: 'off' | 'on' = 'off';

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  AUTO_LOCK_TTL_SECONDS = 3600;

  /** NATS server that fans live changes out across instances (docs/live.md); unset = one instance, in-process. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(nats|tls):\/\/[^\s/]+(\/)?$/, { message: 'must be nats://host:port (or tls://host:port)' })
  EVENT_BUS_URL?: string;

  /** How long a stream cursor can be resumed from, in hours (the change log keeps this much). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(720)
  STREAM_RETENTION_HOURS = 24;

  /** true: the web console (built from web/ into web/dist) is served at `/`. */
  @IsIn(['true', 'false'])
  UI_ENABLED: 'true' | 'false' = 'true';
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
  return env;
}
