import { Logger, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ActivityEventModelDefinition, ActivitySequenceFloorModelDefinition } from './data/activity-event.schema';
import { ActivityEventCreationIndex } from './data/activity-event-creation-index';
import { ActivityEventExpiryIndex } from './data/activity-event-expiry-index';
import { ActivityEventRepository } from './data/activity-event.repository';
import { AppConfig } from '../../platform/config/app-config.service';
import { AccountGuard } from '../../auth/account.guard';
import { ActivityEventCreations } from './activity-event.creations';
import { ActivityEventSweeper } from './activity-event.sweeper';
import { ActivityLogGrpcController } from './activity-log.grpc.controller';
import { ActivityLogHooks } from './activity-log.hooks';
import { ActivityLogHttpController } from './activity-log.http.controller';
import { ActivityLogService } from './activity-log.service';

/**
 * The Astra activity log (/accounts/{id}/core/v1/events, astra.core.v1.EventService). Exports the service
 * (reads, "is it cleared") and ActivityLogHooks (sweep hooks) for the notifications module, and
 * ActivityEventCreations (created-events reads) with the created-listeners of ActivityLogHooks for the live module.
 */
@Module({
  imports: [MongooseModule.forFeature([ActivityEventModelDefinition, ActivitySequenceFloorModelDefinition])],
  controllers: [ActivityLogHttpController, ActivityLogGrpcController],
  providers: [
    ActivityEventRepository,
    ActivityEventExpiryIndex,
    ActivityEventCreationIndex,
    ActivityEventCreations,
    ActivityLogService,
    ActivityLogHooks,
    ActivityEventSweeper,
    AccountGuard,
  ],
  exports: [ActivityLogService, ActivityLogHooks, ActivityEventCreations],
})
export class ActivityLogModule {
  constructor(config: AppConfig) {
    // The friendlier choice: the app (and the tracker API) still boots; Astra routes answer 401 problems/4.
    if (!config.auth.jwtSecret && !config.auth.oidc) {
      new Logger(ActivityLogModule.name).warn(
        'Neither AUTH_JWT_SECRET nor AUTH_ISSUER is set: every bearer token is refused (401 problems/4) on /accounts routes',
      );
    }
  }
}
