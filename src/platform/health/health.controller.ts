import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CallerParts, type CallParts } from '../http/call-parts';
import { OperationalDataAccess } from '../metrics/operational-access';
import { Draining } from './draining';
import { ReadinessService } from './readiness.service';
import { StoreEnvelope } from './store-envelope';

/**
 * Liveness has no dependencies; readiness pings the store, and on the embedded store adds the last background
 * count against its read envelope (`store.readEnvelope`; a warning, not a failure). The counts are shown only to
 * callers who may read /metrics (OperationalDataAccess); probes and everyone else get the status alone. Once the
 * service drains (src/platform/system/http-drain.ts), readiness is down at once, whatever the store says.
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
    private readonly access: OperationalDataAccess,
    private readonly draining: Draining,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(@CallerParts() caller: CallParts) {
    if (this.draining.active) return this.health.check([() => this.indicator.check('shutdown').down({ message: 'draining' })]);
    const readEnvelope = (await this.access.mayRead(caller)) ? this.envelope.details() : undefined;
    return this.health.check([
      async () => {
        const check = this.indicator.check('store');
        return (await this.readiness.probe())
          ? check.up(readEnvelope ? { readEnvelope } : undefined)
          : check.down({ message: 'store unreachable' });
      },
    ]);
  }
}
