import { IncidentsGrpcController } from '../../features/incidents/incidents.grpc.controller';
import { IncidentsHttpController } from '../../features/incidents/incidents.http.controller';
import { InsightsGrpcController } from '../../features/insights/insights.grpc.controller';
import { InsightsHttpController } from '../../features/insights/insights.http.controller';
import { EventOverlapsGrpcController } from '../../features/tracker-events/event-overlaps.grpc.controller';
import { EventOverlapsHttpController } from '../../features/tracker-events/event-overlaps.http.controller';
import { TrackerEventsGrpcController } from '../../features/tracker-events/tracker-events.grpc.controller';
import { TrackerEventsHttpController } from '../../features/tracker-events/tracker-events.http.controller';
import { SCAN_QUERY } from './scan-query.decorator';

type Handlers = { prototype: object };
const marked = (controller: Handlers, handler: string): boolean =>
  Reflect.getMetadata(SCAN_QUERY, (controller.prototype as Record<string, object>)[handler]) === true;

/** The scan queries of docs/store.md ("Scan queries"), on both transports; the plain page and `_id` reads are not. */
describe('@ScanQuery() marks exactly the whole-collection reads', () => {
  it.each([
    [InsightsHttpController, ['dora', 'services'], []],
    [InsightsGrpcController, ['getDora', 'listDoraByService'], []],
    [IncidentsHttpController, ['list', 'get'], []],
    [IncidentsGrpcController, ['listIncidents', 'getIncident'], []],
    [EventOverlapsHttpController, ['overlaps'], []],
    [EventOverlapsGrpcController, ['listOverlaps'], []],
    [TrackerEventsHttpController, ['search', 'today', 'stats', 'monthly'], ['create', 'update', 'get', 'delete', 'changelog', 'list']],
    [
      TrackerEventsGrpcController,
      ['searchEvents', 'todayEvents', 'getEventStats'],
      ['createEvent', 'updateEvent', 'getEvent', 'deleteEvent', 'listEvents', 'getEventChangelog'],
    ],
  ] as [Handlers, string[], string[]][])('%p', (controller, scans, others) => {
    expect(scans.filter((h) => !marked(controller, h))).toEqual([]);
    expect(others.filter((h) => marked(controller, h))).toEqual([]);
  });
});
