import { Module } from '@nestjs/common';
import { IntakeModule } from '../../intake';
import { TrackerEventsModule } from '../../tracker-events';
import { IncidentIntakeService } from './incident-intake.service';
import { IncidentWebhooksHttpController } from './incident-webhooks.http.controller';

/**
 * The incident intake (issue 26): PagerDuty V3 webhooks (POST /api/v1alpha1/webhooks/pagerduty) and Alertmanager
 * or Grafana alerting webhooks (POST /api/v1alpha1/webhooks/alertmanager) become incidents, type-4 tracker
 * events, recorded exactly once through the CI/CD intake's ledger (docs/incidents-intake.md). REST only.
 */
@Module({
  imports: [TrackerEventsModule, IntakeModule],
  controllers: [IncidentWebhooksHttpController],
  providers: [IncidentIntakeService],
})
export class IncidentIntakeModule {}
