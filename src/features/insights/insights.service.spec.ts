import { Types } from 'mongoose';
import { stubOf } from '../../../test/support/controller-app';
import { CodeChangesService, CodeChangeView } from '../code-changes/code-changes.service';
import type { AppConfig } from '../../platform/config/app-config.service';
import type { DeliveryEventRow } from '../tracker-events/data/tracker-event.repository';
import { TrackerEventsService } from '../tracker-events/tracker-events.service';
import { InsightsService } from './insights.service';

const DAY = 86_400_000;
const NOW = new Date('2024-04-01T00:00:00Z');

/** 60 deployments over 3 services in March, every third naming no change, with one incident per five naming one. */
function rows(): DeliveryEventRow[] {
  const out: DeliveryEventRow[] = [];
  for (let i = 0; i < 60; i++) {
    const at = new Date(Date.UTC(2024, 2, 1) + i * 12 * 3600_000);
    const id = new Types.ObjectId();
    out.push({
      _id: id,
      attributes: { type: 1, service: `svc-${i % 3}`, environment: 7, status: i % 7 === 0 ? 4 : 3, startDate: at },
      metadata: { createdAt: at },
      eventAt: at,
    } as unknown as DeliveryEventRow);
    if (i % 5 === 0)
      out.push({
        _id: new Types.ObjectId(),
        attributes: {
          type: 4,
          service: `svc-${i % 3}`,
          environment: 7,
          status: 8,
          relatedId: id.toHexString(),
          startDate: at,
          endDate: at,
        },
        metadata: { createdAt: at },
        eventAt: at,
      } as unknown as DeliveryEventRow);
  }
  return out;
}

const changes: CodeChangeView[] = Array.from({ length: 40 }, (_, i) => {
  const at = new Date(Date.UTC(2024, 1, 28) + i * 18 * 3600_000);
  return {
    id: `c${i}`,
    service: `svc-${i % 3}`,
    sha: i.toString(16).padStart(8, '0'),
    mergedAt: at,
    changedAt: at,
    source: 'rest',
    createdAt: at,
  };
});

/** The cost bound: one read of each collection per answer, however many deployments, and identical requests share one. */
describe('InsightsService: what an answer reads', () => {
  let events: jest.Mocked<Pick<TrackerEventsService, 'findDeliveryEvents'>>;
  let changeReads: jest.Mocked<Pick<CodeChangesService, 'listChangedBetween'>>;
  let service: InsightsService;

  beforeEach(() => {
    events = stubOf<TrackerEventsService, 'findDeliveryEvents'>('findDeliveryEvents');
    changeReads = stubOf<CodeChangesService, 'listChangedBetween'>('listChangedBetween');
    events.findDeliveryEvents.mockResolvedValue(rows());
    changeReads.listChangedBetween.mockResolvedValue(changes);
    service = new InsightsService(
      events as unknown as TrackerEventsService,
      changeReads as unknown as CodeChangesService,
      {
        incidents: { causeWindowMinutes: 240, doraSuspectedCauses: false },
      } as AppConfig,
    );
  });
  const reads = () => [events.findDeliveryEvents.mock.calls.length, changeReads.listChangedBetween.mock.calls.length];

  it('GET /dora: one query of each collection, for the window and the 90-day look-back', async () => {
    const answer = await service.getDora({ from: '2024-03-01', to: '2024-03-30', bucket: 'day' }, NOW);
    expect(answer.deploymentFrequency.count).toBe(60);
    expect(reads()).toEqual([1, 1]);
    const lookBack = new Date(Date.parse('2024-03-01T00:00:00Z') - 90 * DAY);
    const before = new Date('2024-03-31T00:00:00Z');
    expect(events.findDeliveryEvents).toHaveBeenCalledWith({
      environment: 7,
      service: undefined,
      deploymentsFrom: lookBack,
      before,
      incidentsFrom: lookBack,
    });
    expect(changeReads.listChangedBetween).toHaveBeenCalledWith({ service: undefined, from: lookBack, to: before });
  });

  it('an identical request within 30 s shares the computation; another one reads once more', async () => {
    const query = { from: '2024-03-01', to: '2024-03-30' };
    const [first, second] = await Promise.all([service.getDora(query, NOW), service.getDora(query, NOW)]);
    expect(second).toBe(first);
    expect(await service.getDora(query, NOW)).toBe(first);
    expect(reads()).toEqual([1, 1]);
    await service.getDora({ ...query, service: 'svc-1' }, NOW);
    expect(reads()).toEqual([2, 2]);
  });

  it('windows within the same minutes share the computation (the window is widened to whole minutes), spellings too', async () => {
    const first = await service.getDora({ from: '2024-03-01T10:00:01Z', to: '2024-03-20T10:00:01Z' });
    expect(first.window).toEqual({ from: new Date('2024-03-01T10:00:00Z'), to: new Date('2024-03-20T10:01:00Z') });
    expect(await service.getDora({ from: '2024-03-01T10:00:02Z', to: '2024-03-20T10:00:59Z' })).toBe(first);
    expect(await service.getDora({ from: '2024-03-01T11:00:00+01:00', to: '2024-03-20T10:01:00Z' })).toBe(first);
    expect(reads()).toEqual([1, 1]);
    await service.getDora({ from: '2024-03-01T10:00:01Z', to: '2024-03-20T10:01:01Z' });
    expect(reads()).toEqual([2, 2]);
  });

  it('per service and for the gauges: still one query of each collection for all of them', async () => {
    const byService = await service.listDoraByService({ from: '2024-03-01', to: '2024-03-30' }, NOW);
    expect(byService.services.map((s) => s.service)).toEqual(['svc-0', 'svc-1', 'svc-2']);
    expect(reads()).toEqual([1, 1]);
    expect(await service.gaugeRows(NOW, 30, 100)).toHaveLength(3);
    expect(reads()).toEqual([2, 2]);
  });

  it('gauges: past maxServices the other services are one _other row, their keys computed together', async () => {
    const all = await service.gaugeRows(NOW, 30, 100);
    const keysOf = (rows: typeof all, name: string) => rows.find((r) => r.service === name)?.keys;
    // In the 30 days before NOW svc-2 has 24 deployments and incidents, svc-1 23, svc-0 22: the busiest keep
    // their label, and _other is exactly svc-0's keys.
    const two = await service.gaugeRows(NOW, 30, 2);
    expect(two.map((r) => r.service)).toEqual(['svc-1', 'svc-2', '_other']);
    expect(keysOf(two, '_other')).toEqual(keysOf(all, 'svc-0'));
    expect(keysOf(two, 'svc-1')).toEqual(keysOf(all, 'svc-1'));
    // Two services together: counts add up, the failure rate is over both.
    const one = await service.gaugeRows(NOW, 30, 1);
    expect(one.map((r) => r.service)).toEqual(['svc-2', '_other']);
    const [a, b] = [keysOf(all, 'svc-0')!, keysOf(all, 'svc-1')!];
    const other = keysOf(one, '_other')!;
    expect(other.deploymentFrequency.count).toBe(a.deploymentFrequency.count + b.deploymentFrequency.count);
    expect(other.changeFailureRate.failed).toBe(a.changeFailureRate.failed + b.changeFailureRate.failed);
    expect(other.leadTimeForChanges.samples).toBe(a.leadTimeForChanges.samples + b.leadTimeForChanges.samples);
    expect(other.recoveryTime.samples).toBe(a.recoveryTime.samples + b.recoveryTime.samples);
  });
});
