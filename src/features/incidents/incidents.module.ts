import { Module } from '@nestjs/common';
import { TrackerEventsModule } from '../tracker-events';
import { IncidentsGrpcController } from './incidents.grpc.controller';
import { IncidentsHttpController } from './incidents.http.controller';
import { IncidentsService } from './incidents.service';

/**
 * Incidents: tracker events of type 4 with their causes (linked or suspected deployments) and fixes, over REST
 * (/api/v1alpha1/incidents) and gRPC (tracker.incident.v1alpha1.IncidentService). Reads tracker events only
 * through what their module exports; stores nothing of its own. docs/incidents.md has the definitions.
 */
@Module({
  imports: [TrackerEventsModule],
  controllers: [IncidentsHttpController, IncidentsGrpcController],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
