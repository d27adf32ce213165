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

/** Ends a command with an exit code and a message for stderr. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly problem?: unknown,
  ) {
    super(message);
  }
}
