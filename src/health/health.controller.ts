import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service';
import { StoreEnvelope } from './store-envelope';

/**
 * Liveness has no dependencies; readiness pings the store, and on the embedded store adds the last background
 * count against its read envelope (`store.readEnvelope`; a warning, not a failure).
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly readiness: ReadinessService,
    private readonly envelope: StoreEnvelope,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicator.check('store');
        const readEnvelope = this.envelope.details();
        return (await this.readiness.probe())
          ? check.up(readEnvelope ? { readEnvelope } : undefined)
          : check.down({ message: 'store unreachable' });
      },
    ]);
  }
}
