import { Command } from 'commander';
import { authHeaders, describeProblem } from '../api';
import { defaultOwner } from '../config';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment } from '../enums';
import { CliError, ExitCode } from '../exit-codes';

/**
 * The answer of GET /api/v1alpha1/deployability (operation checkDeployability of the freezes module). That
 * route is not in this branch's generated contract yet, so its documented shape is written here and the call
 * goes through the CLI's retrying fetch; once api-types.ts has it, this becomes an openapi-fetch call.
 */
export interface Deployability {
  allowed: boolean;
  reasons: { kind: 'lock' | 'freeze' | 'incident'; id: string; title: string; until?: string }[];
  nextAllowedAt: string | null;
}

export interface CheckQuery {
  service: string;
  environment: number;
  at?: string;
  owner?: string;
}

export async function checkDeployability(ctx: CliContext, q: CheckQuery): Promise<Deployability> {
  const url = new URL(`${ctx.config.url}/api/v1alpha1/deployability`);
  for (const [name, value] of Object.entries(q)) if (value !== undefined) url.searchParams.set(name, String(value));
  const res = await ctx.send(new Request(url, { headers: { accept: 'application/json', ...authHeaders(ctx.config) } }));
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new CliError(ExitCode.Refused, `check deployability: ${describeProblem(res.status, body)}`, body);
  return body as Deployability;
}

export function blockedLines(d: Deployability): string[] {
  return [
    'blocked:',
    ...d.reasons.map((r) => `  ${r.kind}  ${r.id}  ${r.title}${r.until ? `  until ${r.until}` : ''}`),
    `next allowed at ${d.nextAllowedAt ?? 'unknown'}`,
  ];
}

export function checkCommand(context: () => CliContext, exit: (code: number) => void): Command {
  return new Command('check')
    .description('May this service deploy to this environment now? exit 0 allowed, 3 blocked (the reasons printed)')
    .requiredOption('--service <name>', 'service')
    .requiredOption('--environment <env>', 'environment (name or 1-8)', parseEnvironment)
    .option('--at <iso>', 'the instant asked about (default now)')
    .option('--owner <name>', "the deployer: its own locks are no reason (default as lock's)")
    .action(async (o: CheckQuery) => {
      const ctx = context();
      const d = await checkDeployability(ctx, { ...o, owner: o.owner ?? defaultOwner() });
      print(ctx, d, () => (d.allowed ? [`allowed: ${o.service} in ${labels.environment(o.environment)}`] : blockedLines(d)));
      exit(d.allowed ? ExitCode.Ok : ExitCode.Blocked);
    });
}
