import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreProfileModule } from '../../platform/database/store-profile';
import { CodeChangesGrpcController } from './code-changes.grpc.controller';
import { CodeChangesHttpController } from './code-changes.http.controller';
import { CodeChangesService } from './code-changes.service';
import { CodeChangeRepository } from './data/code-change.repository';
import { CodeChangeModelDefinition } from './data/code-change.schema';

/**
 * Changes that reached a service's main line: REST /api/v1alpha1/changes, gRPC tracker.change.v1alpha1.ChangeService.
 * Exports CodeChangesService: the CI/CD intake records changes through `create`, insights reads them through
 * `listChangedBetween`.
 */
@Module({
  imports: [MongooseModule.forFeature([CodeChangeModelDefinition]), StoreProfileModule],
  controllers: [CodeChangesHttpController, CodeChangesGrpcController],
  providers: [CodeChangeRepository, CodeChangesService],
  exports: [CodeChangesService],
})
export class CodeChangesModule {}
