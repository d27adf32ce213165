import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreProfileModule } from '../../platform/database/store-profile';
import { ChangesGrpcController } from './changes.grpc.controller';
import { ChangesHttpController } from './changes.http.controller';
import { ChangesService } from './changes.service';
import { ChangeRepository } from './data/change.repository';
import { ChangeModelDefinition } from './data/change.schema';

/**
 * Changes that reached a service's main line: REST /api/v1alpha1/changes, gRPC tracker.change.v1alpha1.ChangeService.
 * Exports ChangesService: the CI/CD intake records changes through `create`, insights reads them through
 * `listChangedBetween`.
 */
@Module({
  imports: [MongooseModule.forFeature([ChangeModelDefinition]), StoreProfileModule],
  controllers: [ChangesHttpController, ChangesGrpcController],
  providers: [ChangeRepository, ChangesService],
  exports: [ChangesService],
})
export class ChangesModule {}
