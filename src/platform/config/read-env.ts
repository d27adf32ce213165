import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { EnvironmentVariables, validateEnv } from './env.schema';

export interface ReadEnvOptions {
  /** Values that win over everything else (tests boot several apps in one process). */
  overrides?: Record<string, string | undefined>;
  /** Read neither `.env` nor the process environment: only the overrides and the defaults (tests). */
  isolated?: boolean;
  envFile?: string;
}

/**
 * The only place that reads `process.env`: `.env` (if present) under the real environment, under the
 * overrides; validated into the typed config.
 */
export function readEnv(options: ReadEnvOptions = {}): EnvironmentVariables {
  const file = options.envFile ?? '.env';
  const fromFile = !options.isolated && existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  const fromProcess = options.isolated ? {} : process.env;
  return validateEnv({ ...fromFile, ...fromProcess, ...(options.overrides ?? {}) });
}

/** The environment handed to child processes we start (the Go build, the embedded store). */
export function childProcessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
