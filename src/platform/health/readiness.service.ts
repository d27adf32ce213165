import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, ConnectionStates } from 'mongoose';
import { GRPC_RUNTIME } from '../grpc/grpc.tokens';
import { GrpcRuntime } from '../grpc/grpc.options';
import { setGrpcServing } from '../grpc/grpc-runtime';

const PROBE_INTERVAL_MS = 1000;
const PING_TIMEOUT_MS = 1500;

/**
 * Knows whether the store answers: pings it on demand (HTTP readiness) and once a second in the background
 * to keep grpc.health.v1 current.
 */
@Injectable()
export class ReadinessService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReadinessService.name);
  private timer?: NodeJS.Timeout;
  private lastReady?: boolean;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(GRPC_RUNTIME) private readonly grpc: GrpcRuntime,
  ) {}

  async ping(): Promise<boolean> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== ConnectionStates.connected) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), PING_TIMEOUT_MS)));
    try {
      return await Promise.race([
        db
          .admin()
          .ping()
          .then(() => true as const),
        timeout,
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async probe(): Promise<boolean> {
    const ready = await this.ping();
    if (ready !== this.lastReady) {
      if (this.lastReady !== undefined) this.logger[ready ? 'log' : 'warn'](ready ? 'store reachable' : 'store unreachable');
      this.lastReady = ready;
      setGrpcServing(this.grpc, ready);
    }
    return ready;
  }

  onApplicationBootstrap(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    setGrpcServing(this.grpc, false);
  }
}
