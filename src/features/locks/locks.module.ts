import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TrackerEventsModule } from '../tracker-events';
import { LockCallerRepository } from './data/lock-caller.repository';
import { LockRepository } from './data/lock.repository';
import { LockModelDefinitions } from './data/lock.schema';
import { LockChangeListeners } from './lock-changes';
import { LockExpirySweeper } from './lock-expiry.sweeper';
import { LockHistorySweeper } from './lock-history.sweeper';
import { Clock, LOCK_CLOCK, LockLeases } from './lock-leases';
import { LocksGrpcController } from './locks.grpc.controller';
import { LocksHttpController } from './locks.http.controller';
import { LockQuota } from './lock-quota';
import { LocksService } from './locks.service';

/**
 * Deployment locks: REST under /api/v1alpha1/locks, gRPC tracker.lock.v1alpha1.LockService, and (AUTO_LOCK=on)
 * the locks tracker events take and release through EventWriteHooks. docs/locks.md has the algorithm.
 */
@Module({
  imports: [TrackerEventsModule, MongooseModule.forFeature(LockModelDefinitions)],
  controllers: [LocksHttpController, LocksGrpcController],
  providers: [
    LockRepository,
    LockCallerRepository,
    { provide: LOCK_CLOCK, useValue: (() => new Date()) satisfies Clock },
    LockLeases,
    LockQuota,
    LocksService,
    LockChangeListeners,
    LockExpirySweeper,
    LockHistorySweeper,
  ],
  exports: [LocksService, LockChangeListeners],
})
export class LocksModule {}
