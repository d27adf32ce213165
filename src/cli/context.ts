import type { TrackerApi } from './api';
import type { CliConfig } from './config';

/** What every command gets: the typed client, the settings, where to write, and the output format. */
export interface CliContext {
  api: TrackerApi;
  config: CliConfig;
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** Prints a value as JSON (--output json) or as the given human lines. */
export function print(ctx: CliContext, value: unknown, human: () => string[]): void {
  if (ctx.json) ctx.out(`${JSON.stringify(value, null, 2)}\n`);
  else for (const line of human()) ctx.out(`${line}\n`);
}
