import { Module } from '@nestjs/common';
import { CodeChangesModule } from '../code-changes';
import { TrackerEventsModule } from '../tracker-events';
import { DoraMetrics } from './dora-metrics';
import { InsightsGrpcController } from './insights.grpc.controller';
import { InsightsHttpController } from './insights.http.controller';
import { InsightsService } from './insights.service';

/**
 * Delivery insights: DORA's four keys over REST (/api/v1alpha1/insights), gRPC
 * (tracker.insights.v1alpha1.InsightsService) and Prometheus (tracker_dora_*). Reads tracker events and changes
 * only through what their modules export. docs/insights.md has the definitions.
 */
@Module({
  imports: [TrackerEventsModule, CodeChangesModule],
  controllers: [InsightsHttpController, InsightsGrpcController],
  providers: [InsightsService, DoraMetrics],
})
export class InsightsModule {}
