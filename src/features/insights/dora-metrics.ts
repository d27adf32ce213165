import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PeriodicTask } from '../../platform/periodic-task';
import { AppConfig } from '../../platform/config/app-config.service';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { DoraGaugeRow, InsightsService } from './insights.service';

/** The window the gauges cover. */
export const GAUGE_WINDOW_DAYS = 30;

const LABELS = ['service', 'environment'] as const;

/**
 * The tracker_dora_* gauges, per service and environment over the last 30 days. Recomputed in the background
 * every DORA_METRICS_REFRESH_MS (and once at boot): a scrape only reads the last values. A key without data has
 * no sample for that service and environment. At most METRICS_MAX_SERVICES service label values per gauge, the
 * rest together as service="_other" (any token may record a deployment of any service name).
 */
@Injectable()
export class DoraMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask<void>(new Logger(DoraMetrics.name), 'DORA gauges not refreshed; retrying next interval');
  private readonly gauges: Record<'perDay' | 'leadTime' | 'failureRate' | 'recovery' | 'reworkRate', Gauge<(typeof LABELS)[number]>>;

  constructor(
    private readonly config: AppConfig,
    private readonly insights: InsightsService,
    metrics: MetricsService,
  ) {
    const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: LABELS, registers: [metrics.registry] });
    this.gauges = {
      perDay: gauge('tracker_dora_deployments_per_day', 'Deployments per day over the last 30 days'),
      leadTime: gauge('tracker_dora_lead_time_seconds', 'Median lead time for changes over the last 30 days, in seconds'),
      failureRate: gauge('tracker_dora_change_failure_rate', 'Failed deployments / deployments over the last 30 days (0 to 1)'),
      recovery: gauge('tracker_dora_recovery_time_seconds', 'Median failed deployment recovery time over the last 30 days, in seconds'),
      reworkRate: gauge('tracker_dora_deployment_rework_rate', 'Rework deployments / deployments over the last 30 days (0 to 1)'),
    };
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.doraMetricsRefreshMs, () => this.refresh());
    this.refresh().catch(() => undefined);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One recomputation (overlapping calls share the one in progress). */
  refresh(now = new Date()): Promise<void> {
    return this.task.once(async () => this.publish(await this.insights.gaugeRows(now, GAUGE_WINDOW_DAYS, this.config.metrics.maxServices)));
  }

  /** Replaces every sample at once (synchronously, so a scrape never sees half of a refresh). */
  private publish(rows: DoraGaugeRow[]): void {
    for (const g of Object.values(this.gauges)) g.reset();
    for (const { service, environment, keys } of rows) {
      const labels = { service, environment: String(environment) };
      this.gauges.perDay.set(labels, keys.deploymentFrequency.perDay);
      if (keys.leadTimeForChanges.medianSeconds !== null) this.gauges.leadTime.set(labels, keys.leadTimeForChanges.medianSeconds);
      if (keys.changeFailureRate.rate !== null) this.gauges.failureRate.set(labels, keys.changeFailureRate.rate);
      if (keys.recoveryTime.medianSeconds !== null) this.gauges.recovery.set(labels, keys.recoveryTime.medianSeconds);
      if (keys.deploymentReworkRate.rate !== null) this.gauges.reworkRate.set(labels, keys.deploymentReworkRate.rate);
    }
  }
}
