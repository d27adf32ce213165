import { Injectable } from '@nestjs/common';

/**
 * Whether the service has begun to shut down (SIGTERM or SIGINT, or the app closing). Readiness fails from that
 * moment, without asking the store, so a load balancer stops sending new work before anything closes.
 */
@Injectable()
export class Draining {
  private started = false;

  get active(): boolean {
    return this.started;
  }

  begin(): void {
    this.started = true;
  }
}
