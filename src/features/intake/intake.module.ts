import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TrackerEventsModule } from '../tracker-events';
import { CodeChangesModule } from '../code-changes';
import { CloudEventsHttpController } from './cloudevents.http.controller';
import { IntakeReceiptRepository } from './data/intake-receipt.repository';
import { IntakeReceiptModelDefinition } from './data/intake-receipt.schema';
import { GithubWebhookHttpController } from './github-webhook.http.controller';
import { IntakeLedger } from './intake-ledger';
import { IntakeReceiptSweeper } from './intake-receipt.sweeper';
import { IntakeMetrics } from './intake.metrics';
import { IntakeService } from './intake.service';

/**
 * The CI/CD intake (issue 16): GitHub webhooks (POST /api/v1alpha1/webhooks/github) and CloudEvents carrying
 * CDEvents (POST /api/v1alpha1/cloudevents) become tracker events, verified and recorded exactly once
 * (docs/intake.md). REST only: both are push endpoints for tools that speak HTTP.
 */
@Module({
  imports: [TrackerEventsModule, CodeChangesModule, MongooseModule.forFeature([IntakeReceiptModelDefinition])],
  controllers: [GithubWebhookHttpController, CloudEventsHttpController],
  providers: [IntakeReceiptRepository, IntakeLedger, IntakeMetrics, IntakeService, IntakeReceiptSweeper],
  // The incidents feature's webhooks record their deliveries through the same ledger and metrics.
  exports: [IntakeLedger, IntakeMetrics],
})
export class IntakeModule {}
