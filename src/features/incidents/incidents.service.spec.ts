import { Types } from 'mongoose';
import { stubOf } from '../../../test/support/controller-app';
import type { AppConfig } from '../../platform/config/app-config.service';
import type { IncidentEventRow, TrackerEventRecordView } from '../tracker-events';
import { TrackerEventsService } from '../tracker-events/tracker-events.service';
import { IncidentsService } from './incidents.service';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

/** 300 deployments and 100 incidents over 5 services; every fourth incident links a deployment, every tenth deployment is a hotfix. */
function rows(): IncidentEventRow[] {
  const out: IncidentEventRow[] = [];
  const ids = Array.from({ length: 400 }, () => new Types.ObjectId());
  for (let i = 0; i < 400; i++) {
    const incident = i % 4 === 3;
    const at = new Date(START + i * 1_800_000);
    out.push({
      _id: ids[i],
      title: `e${i}`,
      attributes: {
        type: incident ? 4 : 1,
        service: `s${i % 5}`,
        environment: 7,
        status: incident ? (i % 8 === 3 ? 7 : 8) : 3,
        startDate: at,
        ...(incident && i % 8 !== 3 ? { endDate: new Date(at.getTime() + 600_000) } : {}),
        ...(incident && i % 16 === 7 ? { relatedId: ids[i - 1].toHexString() } : {}),
        ...(!incident && i % 40 === 0 && i > 3 ? { relatedId: ids[i - 1].toHexString() } : {}),
      },
      metadata: { createdAt: at, updatedAt: at },
      eventAt: at,
    } as unknown as IncidentEventRow);
  }
  return out;
}

describe('IncidentsService: what an answer reads', () => {
  let events: jest.Mocked<Pick<TrackerEventsService, 'findIncidentEvents' | 'findRecord'>>;
  let service: IncidentsService;
  const data = rows();

  beforeEach(() => {
    events = stubOf<TrackerEventsService, 'findIncidentEvents' | 'findRecord'>('findIncidentEvents', 'findRecord');
    events.findIncidentEvents.mockResolvedValue(data);
    service = new IncidentsService(
      events as unknown as TrackerEventsService,
      {
        incidents: { causeWindowMinutes: 240, doraSuspectedCauses: false },
      } as AppConfig,
    );
  });

  it('a list with causes and fixes for 100 incidents is one query, bounded by the filters', async () => {
    const page = await service.list({ environment: 7, service: 's3', from: '2025-01-02', to: '2025-01-10', page: 1, perPage: 100 });
    expect(events.findIncidentEvents).toHaveBeenCalledTimes(1);
    expect(events.findIncidentEvents).toHaveBeenCalledWith({
      environment: 7,
      service: 's3',
      before: new Date(START + 10 * DAY),
      deploymentsFrom: new Date(START + DAY - 30 * DAY),
    });
    expect(events.findRecord).not.toHaveBeenCalled();
    expect(page.total).toBeGreaterThan(0);
  });

  it('the whole list: every incident, open first, causes linked or suspected, fixes from hotfixes', async () => {
    const page = await service.list({ perPage: 100 });
    expect(events.findIncidentEvents).toHaveBeenCalledWith({
      environment: undefined,
      service: undefined,
      before: undefined,
      deploymentsFrom: undefined,
    });
    expect(page.total).toBe(100);
    const firstResolved = page.items.findIndex((i) => i.status === 'resolved');
    expect(page.items.slice(firstResolved).every((i) => i.status === 'resolved')).toBe(true);
    expect(page.items.filter((i) => i.causes.some((c) => c.how === 'linked')).length).toBe(25);
    expect(page.items.some((i) => i.causes.some((c) => c.how === 'suspected'))).toBe(true);
    expect(page.items.some((i) => i.fixes.length > 0)).toBe(true);
  });

  it('one incident: its _id read, then one query for it and its deployments', async () => {
    const incident = data[7];
    events.findRecord.mockResolvedValue(incident as unknown as TrackerEventRecordView);
    const view = await service.get(incident._id.toHexString());
    expect(view.id).toBe(incident._id.toHexString());
    expect(events.findRecord).toHaveBeenCalledTimes(1);
    expect(events.findIncidentEvents).toHaveBeenCalledTimes(1);
    expect(events.findIncidentEvents).toHaveBeenCalledWith({
      incidentId: incident._id.toHexString(),
      deploymentsFrom: new Date(incident.eventAt.getTime() - 30 * DAY),
    });
  });

  it('a deployment or no event: 404, without reading deployments', async () => {
    events.findRecord.mockResolvedValue(data[0] as unknown as TrackerEventRecordView);
    await expect(service.get(data[0]._id.toHexString())).rejects.toMatchObject({ kind: 'not-found' });
    events.findRecord.mockResolvedValue(null);
    await expect(service.get(new Types.ObjectId().toHexString())).rejects.toMatchObject({ kind: 'not-found' });
    expect(events.findIncidentEvents).not.toHaveBeenCalled();
  });
});
