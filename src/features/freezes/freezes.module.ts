import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { LocksModule } from '../locks';
import { TrackerEventsModule } from '../tracker-events';
import { FreezeRepository } from './data/freeze.repository';
import { FreezeModelDefinition } from './data/freeze.schema';
import { FreezesGrpcController } from './freezes.grpc.controller';
import { FreezesHttpController } from './freezes.http.controller';
import { FreezesService } from './freezes.service';
import { OpenIncidents, TrackerEventOpenIncidents } from './open-incidents';

/**
 * Change freezes: REST under /api/v1alpha1/freezes and /deployability, gRPC tracker.freeze.v1alpha1.FreezeService
 * and DeployabilityService, and the enforcement deployments meet through EventWriteHooks (docs/freezes.md).
 */
@Module({
  imports: [TrackerEventsModule, LocksModule, MongooseModule.forFeature([FreezeModelDefinition])],
  controllers: [FreezesHttpController, FreezesGrpcController],
  providers: [FreezeRepository, FreezesService, { provide: OpenIncidents, useClass: TrackerEventOpenIncidents }],
  exports: [FreezesService],
})
export class FreezesModule {}
