import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StoreLocatorModule } from '../database/database.module';
import { Draining } from './draining';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { StoreEnvelope } from './store-envelope';

@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), StoreLocatorModule],
  controllers: [HealthController],
  providers: [ReadinessService, StoreEnvelope, Draining],
  exports: [ReadinessService, Draining],
})
export class HealthModule {}
