import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TrackerEventsModule } from '../tracker-events';
import { CodeChangesModule } from '../code-changes';
import { ArgocdIntakeService } from './argocd-intake.service';
import { CdWebhooksHttpController } from './cd-webhooks.http.controller';
import { CloudEventsHttpController } from './cloudevents.http.controller';
import { FluxIntakeService } from './flux-intake.service';
import { GitlabIntakeService } from './gitlab-intake.service';
import { IntakeReceiptRepository } from './data/intake-receipt.repository';
import { IntakeReceiptModelDefinition } from './data/intake-receipt.schema';
import { GithubWebhookHttpController } from './github-webhook.http.controller';
import { IntakeLedger } from './intake-ledger';
import { IntakeReceiptSweeper } from './intake-receipt.sweeper';
import { IntakeMetrics } from './intake.metrics';
import { IntakeService } from './intake.service';
import { IntakeWriter } from './intake-writer';

/**
 * The CI/CD intake (issues 16, 27): GitHub webhooks (POST /api/v1alpha1/webhooks/github), CloudEvents carrying
 * CDEvents (POST /api/v1alpha1/cloudevents) and the CD tools' webhooks (webhooks/gitlab, webhooks/flux,
 * webhooks/argocd) become tracker events, verified and recorded exactly once
 * (docs/intake.md). REST only: both are push endpoints for tools that speak HTTP.
 */
@Module({
  imports: [TrackerEventsModule, CodeChangesModule, MongooseModule.forFeature([IntakeReceiptModelDefinition])],
  controllers: [GithubWebhookHttpController, CloudEventsHttpController, CdWebhooksHttpController],
  providers: [
    IntakeReceiptRepository,
    IntakeLedger,
    IntakeMetrics,
    IntakeWriter,
    IntakeService,
    GitlabIntakeService,
    FluxIntakeService,
    ArgocdIntakeService,
    IntakeReceiptSweeper,
  ],
  // The incidents feature's webhooks record their deliveries through the same ledger and metrics.
  exports: [IntakeLedger, IntakeMetrics],
})
export class IntakeModule {}
