import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Draining } from './draining';
import { ReadinessService } from './readiness.service';
import { StoreEnvelope } from './store-envelope';

/**
 * Liveness has no dependencies; readiness pings the store, and on the embedded store adds the last background
 * count against its read envelope (`store.readEnvelope`; a warning, not a failure). Once the service drains
 * (src/system/http-drain.ts), readiness is down at once, whatever the store says.
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
    private readonly draining: Draining,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.draining.active) return this.health.check([() => this.indicator.check('shutdown').down({ message: 'draining' })]);
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
