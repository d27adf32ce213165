import { Injectable } from '@nestjs/common';
import { CodeChangesService } from '../code-changes';
import { TrackerEventsService } from '../tracker-events';
import { OTHER_SERVICES_LABEL, servicesWithOwnLabel } from '../../platform/metrics/service-labels';
import {
  Bucket,
  ChangeFact,
  computeDora,
  computeDoraByService,
  DAY_MS,
  DoraKeys,
  DoraReport,
  keysOf,
  servicesWithData,
} from './domain/dora';
import { toFacts } from '../incidents';
import { AppConfig } from '../../platform/config/app-config.service';
import type { DoraQueryDto, DoraServicesQueryDto } from './dto/dora-query.dto';
import { LOOKBACK_DAYS, resolveWindow } from './insights.window';
import { SharedResults } from './shared-results';
import { EventEnvironment } from '../../contract/enums';

export const DEFAULT_ENVIRONMENT = EventEnvironment.Production;
export const DEFAULT_BUCKET: Bucket = 'week';
/** Requests for the same window (in whole minutes, resolveWindow) within this time share one computation. */
const SHARE_MS = 30_000;

export interface DoraAnswer extends DoraReport {
  window: { from: Date; to: Date };
  environment: number;
  service: string | null;
}

export interface DoraByServiceAnswer {
  window: { from: Date; to: Date };
  environment: number;
  services: ({ service: string } & DoraKeys)[];
}

/** One (service, environment)'s keys over the last 30 days: what the Prometheus gauges show. */
export interface DoraGaugeRow {
  service: string;
  environment: number;
  keys: DoraKeys;
}

interface Facts {
  window: { from: Date; to: Date };
  changesFrom: Date;
  deployments: ReturnType<typeof toFacts>['deployments'];
  incidents: ReturnType<typeof toFacts>['incidents'];
  changes: ChangeFact[];
  causeWindowMs: number;
  countSuspected: boolean;
}

/**
 * DORA's four keys from tracker events and changes (docs/insights.md). Each answer reads each collection once
 * (TrackerEventsService.findDeliveryEvents, CodeChangesService.listChangedBetween) and computes in memory.
 */
@Injectable()
export class InsightsService {
  private readonly shared = new SharedResults<unknown>(SHARE_MS, 256);

  constructor(
    private readonly events: TrackerEventsService,
    private readonly changes: CodeChangesService,
    private readonly config: AppConfig,
  ) {}

  getDora(query: DoraQueryDto, now = new Date()): Promise<DoraAnswer> {
    const window = resolveWindow(query.from, query.to, now);
    const environment = query.environment ?? DEFAULT_ENVIRONMENT;
    const key = JSON.stringify(['dora', environment, query.service ?? null, window.from, window.to, query.bucket ?? null]);
    return this.shared.get(key, async () => {
      const facts = await this.read(window, environment, query.service);
      const report = computeDora({ ...facts, ...window, environment, service: query.service, bucket: query.bucket ?? DEFAULT_BUCKET });
      return { window, environment, service: query.service ?? null, ...report };
    }) as Promise<DoraAnswer>;
  }

  listDoraByService(query: DoraServicesQueryDto, now = new Date()): Promise<DoraByServiceAnswer> {
    const window = resolveWindow(query.from, query.to, now);
    const environment = query.environment ?? DEFAULT_ENVIRONMENT;
    const key = JSON.stringify(['services', environment, window.from, window.to]);
    return this.shared.get(key, async () => {
      const facts = await this.read(window, environment);
      const services = computeDoraByService({ ...facts, ...window, environment }).map(({ service, keys }) => ({ service, ...keys }));
      return { window, environment, services };
    }) as Promise<DoraByServiceAnswer>;
  }

  /**
   * Every (service, environment) with data over the last `days` days before `now`, from one read of each
   * collection, with at most `maxServices` distinct services: the busiest keep their own rows, the others are
   * one row per environment under service `_other`, their keys computed together (servicesWithOwnLabel).
   */
  async gaugeRows(now: Date, days: number, maxServices: number): Promise<DoraGaugeRow[]> {
    const window = { from: new Date(now.getTime() - days * DAY_MS), to: now };
    const facts = await this.read(window);
    const environments = new Set<number>();
    for (const f of [...facts.deployments, ...facts.incidents]) if (f.environment !== undefined) environments.add(f.environment);
    const own = servicesWithOwnLabel(activityByService(facts, window), maxServices);
    return [...environments]
      .sort((a, b) => a - b)
      .flatMap((environment) => {
        const input = { ...facts, ...window, environment };
        const rows: DoraGaugeRow[] = computeDoraByService({ ...input, services: own }).map(({ service, keys }) => ({
          service,
          environment,
          keys,
        }));
        const others = new Set([...servicesWithData(input)].filter((name) => !own.has(name)));
        if (others.size) {
          rows.push({ service: OTHER_SERVICES_LABEL, environment, keys: keysOf(computeDora({ ...input, services: others })) });
        }
        return rows;
      });
  }

  private async read(window: { from: Date; to: Date }, environment?: number, service?: string): Promise<Facts> {
    const changesFrom = new Date(window.from.getTime() - LOOKBACK_DAYS * DAY_MS);
    const [rows, changes] = await Promise.all([
      this.events.findDeliveryEvents({ environment, service, deploymentsFrom: changesFrom, before: window.to, incidentsFrom: changesFrom }),
      this.changes.listChangedBetween({ service, from: changesFrom, to: window.to }),
    ]);
    const { causeWindowMinutes, doraSuspectedCauses } = this.config.incidents;
    return {
      window,
      changesFrom,
      ...toFacts(rows),
      changes,
      causeWindowMs: causeWindowMinutes * 60_000,
      countSuspected: doraSuspectedCauses,
    };
  }
}

/** How busy each service was in the window (its deployments and incidents, every environment): who keeps a label. */
function activityByService(facts: Pick<Facts, 'deployments' | 'incidents'>, window: { from: Date; to: Date }): Map<string, number> {
  const weights = new Map<string, number>();
  const count = (service: string, at: Date) => {
    if (at >= window.from && at < window.to) weights.set(service, (weights.get(service) ?? 0) + 1);
  };
  for (const d of facts.deployments) count(d.service, d.at);
  for (const i of facts.incidents) count(i.service, i.startedAt);
  return weights;
}
