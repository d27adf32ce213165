import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { StoreLocatorModule } from '../database/database.module';
import { SystemGrpcController } from './system.grpc.controller';

@Module({ imports: [HealthModule, StoreLocatorModule], controllers: [SystemGrpcController] })
export class SystemModule {}
