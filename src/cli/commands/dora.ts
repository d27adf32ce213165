import { Command } from 'commander';
import { answer } from '../api';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment } from '../enums';

const duration = (s: number | null) => (s === null ? '-' : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function doraCommand(context: () => CliContext): Command {
  return new Command('dora')
    .description("DORA's four keys over a window (default the last 30 days, Production)")
    .option('--environment <env>', 'environment (default Production)', parseEnvironment)
    .option('--service <name>', 'only this service')
    .option('--from <iso>', 'window start (inclusive)')
    .option('--to <iso>', 'window end (exclusive)')
    .action(async (o: { environment?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8; service?: string; from?: string; to?: string }) => {
      const ctx = context();
      const query = { environment: o.environment, service: o.service, from: o.from, to: o.to };
      const d = await answer(ctx.api.GET('/api/v1alpha1/insights/dora', { params: { query } }), 'dora');
      const tier = (t: string | null | undefined) => t ?? 'no data';
      print(ctx, d, () => [
        `${labels.environment(d.environment)}${d.service ? ` / ${d.service}` : ''}: ${d.window.from} .. ${d.window.to}`,
        `deployment frequency  ${d.deploymentFrequency.count} (${d.deploymentFrequency.perDay.toFixed(2)}/day)  ${tier(d.deploymentFrequency.tier)}`,
        `lead time for changes ${duration(d.leadTimeForChanges.medianSeconds)} median  ${tier(d.leadTimeForChanges.tier)}`,
        `change failure rate   ${d.changeFailureRate.failed}/${d.changeFailureRate.total}  ${tier(d.changeFailureRate.tier)}`,
        `recovery time         ${duration(d.recoveryTime.medianSeconds)} median  ${tier(d.recoveryTime.tier)}`,
      ]);
    });
}
