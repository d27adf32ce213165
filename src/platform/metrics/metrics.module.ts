import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperationalReaderGuard } from './operational-access';

/** The metrics registry and /metrics; who may read it is asked of OperationalDataAccess, which AuthModule provides. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, OperationalReaderGuard],
  exports: [MetricsService],
})
export class MetricsModule {}
