import { Command, CommanderError, Option } from 'commander';
import { retryingSend, trackerApi } from './api';
import { resolveConfig, type GlobalFlags } from './config';
import type { CliContext } from './context';
import { checkCommand } from './commands/check';
import { deployCommand } from './commands/deploy';
import { doraCommand } from './commands/dora';
import { eventCommand } from './commands/event';
import { lockCommand } from './commands/lock';
import { mcpCommand } from './commands/mcp';
import { CliError, ExitCode } from './exit-codes';

/** The `tracker` program (docs/cli.md). Resolves with the exit code; bin/tracker.js exits with it. */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command('tracker')
    .description('Tracker from a pipeline: events, locks, deployments, DORA (TRACKER_URL, TRACKER_TOKEN)')
    .option('--url <url>', 'the service (default TRACKER_URL, else http://localhost:8080)')
    .option('--token <token>', 'bearer token (default TRACKER_TOKEN)')
    .option('--retries <n>', 'retries on network errors, 429 and 503 (default 6, TRACKER_RETRIES)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['human', 'json']).default('human'))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  const context = (): CliContext => {
    const flags = program.opts<GlobalFlags & { output: string }>();
    const config = resolveConfig(flags);
    const err = (text: string) => void process.stderr.write(text);
    const send = retryingSend(config, (reason, delayMs, attempt) => err(`tracker: ${reason}; retry ${attempt} in ${delayMs} ms\n`));
    return {
      config,
      api: trackerApi(config, send),
      json: flags.output === 'json',
      out: (text) => void process.stdout.write(text),
      err,
    };
  };

  program.addCommand(eventCommand(context));
  program.addCommand(lockCommand(context));
  program.addCommand(deployCommand(context, (code) => (exitCode = code)));
  program.addCommand(checkCommand(context, (code) => (exitCode = code)));
  program.addCommand(doraCommand(context));
  program.addCommand(mcpCommand(context));
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  for (const command of program.commands.flatMap((c) => c.commands)) command.exitOverride().showHelpAfterError();

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    if (err instanceof CliError) {
      process.stderr.write(`tracker: ${err.message}\n`);
      if (err.problem && program.opts<{ output: string }>().output === 'json')
        process.stdout.write(`${JSON.stringify(err.problem, null, 2)}\n`);
      return err.exitCode;
    }
    process.stderr.write(`tracker: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.Refused;
  }
}
