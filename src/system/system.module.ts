import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { SystemGrpcController } from './system.grpc.controller';

@Module({ imports: [HealthModule], controllers: [SystemGrpcController] })
export class SystemModule {}
