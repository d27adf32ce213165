import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig } from '../config/app-config.service';
import { StoreLocator } from '../database/store-locator.service';

/** The collections whose reads scan on the embedded store: tracker events, and the activity log (Astra). */
export const ENVELOPE_COLLECTIONS = ['tracker_events', 'activity_events'] as const;
const CHECK_INTERVAL_MS = 60_000;
const ADVICE = 'set MONGODB_URI to a MongoDB (the embedded store reads every document of a collection for each list, search and stats)';

export interface EnvelopeCrossing {
  collection: string;
  documents: number;
  /** True: now past the envelope; false: back within it. */
  over: boolean;
}

/**
 * Which collections are past the envelope, and what to report: a collection found past it at the first count
 * (once per boot), and each crossing after that, in either direction. Staying on one side reports nothing.
 */
export class EnvelopeWatch {
  private readonly over = new Map<string, boolean>();

  constructor(readonly limit: number) {}

  observe(counts: Readonly<Record<string, number>>): EnvelopeCrossing[] {
    const out: EnvelopeCrossing[] = [];
    for (const [collection, documents] of Object.entries(counts)) {
      const over = documents > this.limit;
      const before = this.over.get(collection);
      this.over.set(collection, over);
      if (before === undefined ? over : before !== over) out.push({ collection, documents, over });
    }
    return out;
  }

  exceeded(): string[] {
    return [...this.over].filter(([, over]) => over).map(([collection]) => collection);
  }
}

export interface EnvelopeDetails {
  /** The most documents a collection holds while its reads stay under about 1 s on the embedded store. */
  envelope: number;
  documents: Record<string, number>;
  countedAt: string;
  exceeded: string[];
  advice?: string;
}

/**
 * Watches the embedded store's collections against its read envelope (EMBEDDED_STORE_ENVELOPE, measured by
 * `npm run bench`): a background count once at boot and then every minute, never on a request. Past the
 * envelope it warns in the log and readiness details say so; readiness itself stays up (the store answers,
 * only slowly). Counting reads the store's page statistics ($collStats), not the documents, so it costs no
 * scan. Does nothing when MONGODB_URI names the store.
 */
@Injectable()
export class StoreEnvelope implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoreEnvelope.name);
  private readonly watch: EnvelopeWatch;
  private timer?: NodeJS.Timeout;
  private counting = false;
  private latest?: { documents: Record<string, number>; at: Date };

  constructor(
    private readonly locator: StoreLocator,
    @InjectConnection() private readonly connection: Connection,
    config: AppConfig,
  ) {
    this.watch = new EnvelopeWatch(config.store.envelope);
  }

  onApplicationBootstrap(): void {
    if (!this.locator.isEmbedded) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The last count, for readiness details; undefined when the store is not embedded or not counted yet. */
  details(): EnvelopeDetails | undefined {
    if (!this.latest) return undefined;
    const exceeded = this.watch.exceeded();
    return {
      envelope: this.watch.limit,
      documents: this.latest.documents,
      countedAt: this.latest.at.toISOString(),
      exceeded,
      ...(exceeded.length ? { advice: ADVICE } : {}),
    };
  }

  async check(): Promise<void> {
    if (!this.locator.isEmbedded || this.counting) return;
    this.counting = true;
    try {
      const documents: Record<string, number> = {};
      for (const name of ENVELOPE_COLLECTIONS) documents[name] = await this.count(name);
      this.latest = { documents, at: new Date() };
      for (const c of this.watch.observe(documents)) {
        const extra = { collection: c.collection, documents: c.documents, envelope: this.watch.limit };
        if (c.over) {
          this.logger.warn(
            extra,
            `${c.collection} holds ${c.documents} documents, past the embedded store's read envelope of ${this.watch.limit}: its lists, searches and stats take over a second each; ${ADVICE}`,
          );
        } else {
          this.logger.log(
            extra,
            `${c.collection} is back within the embedded store's read envelope (${c.documents} of ${this.watch.limit} documents)`,
          );
        }
      }
    } catch (err) {
      // The store is away (readiness reports that); the next round counts again.
      this.logger.debug({ err }, 'envelope count failed');
    } finally {
      this.counting = false;
    }
  }

  private async count(name: string): Promise<number> {
    const db = this.connection.db;
    if (!db) throw new Error('store connection not open');
    try {
      const [stats] = await db
        .collection(name)
        .aggregate<{ count?: number }>([{ $collStats: { count: {} } }])
        .toArray();
      return Number(stats?.count ?? 0);
    } catch (err) {
      if ((err as { code?: number }).code === NAMESPACE_NOT_FOUND) return 0;
      throw err;
    }
  }
}

/** A collection nobody has written to yet. */
const NAMESPACE_NOT_FOUND = 26;
