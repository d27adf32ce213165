import { Command } from 'commander';
import type { components } from '../../contract/api-types';
import { answer } from '../api';
import { defaultOwner } from '../config';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment } from '../enums';
import { ExitCode } from '../exit-codes';

/** The answer of GET /api/v1alpha1/deployability (the freezes module, docs/freezes.md). */
export type Deployability = components['schemas']['DeployabilityView'];

export interface CheckQuery {
  service: string;
  environment: components['schemas']['DeployabilityQueryDto']['environment'];
  at?: string;
  owner?: string;
}

export function checkDeployability(ctx: CliContext, query: CheckQuery): Promise<Deployability> {
  return answer(ctx.api.GET('/api/v1alpha1/deployability', { params: { query } }), 'check deployability');
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
