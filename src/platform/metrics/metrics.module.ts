import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OperationalDataAccess, OperationalReaderGuard } from './operational-access';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, OperationalDataAccess, OperationalReaderGuard],
  exports: [MetricsService, OperationalDataAccess],
})
export class MetricsModule {}
