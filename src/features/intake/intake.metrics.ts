import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../platform/metrics/metrics.service';

/** Distinct `type` label values kept before the rest are counted as `other` (senders choose the type text). */
const MAX_TYPE_LABELS = 100;

/** Who sent a delivery: the label the intake's series carry. */
export type IntakeProvider = 'github' | 'cloudevents' | 'gitlab' | 'flux' | 'argocd' | 'pagerduty' | 'alertmanager';

/** The intake's Prometheus series, on the app's registry. */
@Injectable()
export class IntakeMetrics {
  private readonly ignoredTotal: Counter<'provider' | 'type'>;
  private readonly conflictsTotal: Counter<'provider'>;
  private readonly types = new Set<string>();

  constructor(metrics: MetricsService) {
    this.ignoredTotal = new Counter({
      name: 'tracker_intake_ignored_total',
      help: 'Deliveries the CI/CD intake answered 202 ignored, by provider (github, cloudevents, gitlab, flux, argocd, pagerduty, alertmanager) and event type',
      labelNames: ['provider', 'type'] as const,
      registers: [metrics.registry],
    });
    this.conflictsTotal = new Counter({
      name: 'tracker_intake_conflicts_total',
      help: 'Deliveries the CI/CD intake refused 409 because other content was recorded under their identity (CloudEvents source + id)',
      labelNames: ['provider'] as const,
      registers: [metrics.registry],
    });
  }

  conflict(provider: IntakeProvider): void {
    this.conflictsTotal.inc({ provider });
  }

  ignored(provider: IntakeProvider, type: string): void {
    this.ignoredTotal.inc({ provider, type: this.label(type) });
  }

  /** The type as a label: printable, at most 100 characters, and no more than MAX_TYPE_LABELS distinct values. */
  private label(type: string): string {
    const clean = type.replace(/[^\w.\-:/]/g, '_').slice(0, 100) || 'none';
    if (this.types.has(clean)) return clean;
    if (this.types.size >= MAX_TYPE_LABELS) return 'other';
    this.types.add(clean);
    return clean;
  }
}
