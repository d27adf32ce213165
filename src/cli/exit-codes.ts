/** The CLI's exit codes (docs/cli.md): a pipeline branches on them. */
export const ExitCode = {
  Ok: 0,
  /** Bad flags or arguments: nothing was sent. */
  Usage: 1,
  /** The API refused (4xx, or 5xx other than 503), its problem printed. */
  Refused: 2,
  /** A deployment is not allowed now (tracker check, deploy --check), or a held lock with no --wait. */
  Blocked: 3,
  /** No answer after the retries (network errors, 429, 503). */
  Unreachable: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of a command stopped by a signal while it waited (128 + the signal's number, as a shell does). */
export const interruptedBy = (signal: NodeJS.Signals): number => 128 + (signal === 'SIGINT' ? 2 : 15);

/** Ends a command with an exit code (one of ExitCode, or interruptedBy) and a message for stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly problem?: unknown,
  ) {
    super(message);
  }
}
