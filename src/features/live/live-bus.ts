import { Injectable, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { connect, headers as natsHeaders, NatsConnection, Subscription as NatsSubscription } from 'nats';
import { consumeInSpan, inSpan, traceHeaders } from '../../platform/tracing/spans';
import { AppConfig } from '../../platform/config/app-config.service';
import type { LiveMessage } from './domain/live-message';

/** The NATS subject the instances of one store publish their logged mutations on and listen to. */
export function liveSubject(storeId: string): string {
  return `tracker.live.v1.${storeId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Where a message from the bus goes (the hub). */
export type BusHandler = (msg: LiveMessage) => void;

/**
 * Cross-instance fan-out. With EVENT_BUS_URL, every mutation an instance logs is published on NATS (core
 * publish/subscribe, on a subject named by the store's id: the durable copy, and the replay, is the live log
 * in the store) and every instance's hub
 * hears every other instance's mutations at once. Without it, `publish` does nothing: this instance's own
 * mutations reach its hub directly, and another instance's (if any share the store) arrive through the hub's
 * log reads, within its poll interval.
 *
 * The client reconnects forever; while NATS is away nothing is lost, only slower (the hub's gap fill and poll
 * read the log). The app boots even when NATS is not up yet (`waitOnFirstConnect`).
 */
@Injectable()
export class LiveBus {
  private readonly logger = new Logger(LiveBus.name);
  private connection?: Promise<NatsConnection | undefined>;
  private subscription?: NatsSubscription;
  private closed = false;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.live.busUrl !== undefined;
  }

  private subject = '';

  /** Connects (when configured) and hands every message of this store's instances to `handler`. */
  start(storeId: string, handler: BusHandler): Promise<void> {
    const url = this.config.live.busUrl;
    if (!url) return Promise.resolve();
    this.subject = liveSubject(storeId);
    this.connection ??= connect({
      servers: url,
      name: 'tracker',
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    }).then(
      (nc) => {
        if (this.closed) {
          void nc.close();
          return undefined;
        }
        this.subscription = nc.subscribe(this.subject, {
          callback: (err, m) => {
            if (err) return;
            const msg = decode(m.data);
            if (!msg) return;
            // Traced (when tracing is on) as a consumer of the publishing instance's span.
            const attributes = {
              'messaging.system': 'nats',
              'messaging.destination.name': m.subject,
              'messaging.operation.type': 'process',
            };
            consumeInSpan(
              `process ${m.subject}`,
              attributes,
              (key) => m.headers?.get(key) || undefined,
              () => handler(msg),
            );
          },
        });
        void (async () => {
          for await (const status of nc.status()) this.logger.log({ type: status.type }, 'event bus status');
        })().catch(() => undefined);
        return nc;
      },
      (err: unknown) => {
        this.logger.error({ err }, 'could not connect to the event bus; mutations reach other instances through the log only');
        return undefined;
      },
    );
    return this.connection.then(() => undefined);
  }

  publish(msg: LiveMessage): void {
    if (!this.connection) return;
    const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': this.subject, 'messaging.operation.type': 'send' };
    void inSpan(`send ${this.subject}`, SpanKind.PRODUCER, attributes, async () => {
      const nc = await this.connection;
      if (!nc || nc.isClosed()) return;
      // The trace context travels in the message's headers (none when tracing is off).
      const trace = Object.entries(traceHeaders());
      const h = trace.length > 0 ? natsHeaders() : undefined;
      for (const [key, value] of trace) h?.set(key, value);
      nc.publish(this.subject, Buffer.from(JSON.stringify(msg)), h ? { headers: h } : undefined);
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    const nc = await this.connection;
    this.subscription?.unsubscribe();
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }
}

/** A bus message, or undefined when it is not one of ours (checked field by field: the bus is not trusted more than needed). */
function decode(data: Uint8Array): LiveMessage | undefined {
  try {
    const msg = JSON.parse(Buffer.from(data).toString('utf8')) as LiveMessage;
    const ok =
      Number.isSafeInteger(msg.position) &&
      msg.position > 0 &&
      (msg.stream === 'tracker' || msg.stream === 'activity') &&
      ['created', 'updated', 'deleted'].includes(msg.kind) &&
      typeof msg.key === 'string' &&
      typeof msg.at === 'number' &&
      typeof msg.data === 'object' &&
      msg.data !== null;
    return ok ? msg : undefined;
  } catch {
    return undefined;
  }
}
