import { Injectable, Module } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { StoreLocatorModule } from './database.module';
import { StoreLocator } from './store-locator.service';

/**
 * How the store answers queries, so a repository can pick the cheapest correct shape for each. MongoDB walks
 * the declared indexes: a page is a bounded index scan and a count is another. FerretDB v1 (the embedded
 * store, or one behind MONGODB_URI) turns only `_id` equality into SQL and reads and decodes every document of
 * the collection for any other query, so each query costs one full scan whatever it asks for.
 *
 * Learned once from the server itself (FerretDB's buildInfo names its version), on first use rather than at
 * boot, so a store that is briefly away at boot cannot pin the wrong answer.
 */
@Injectable()
export class StoreProfile {
  private scans?: boolean;
  private asking?: Promise<boolean>;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly locator: StoreLocator,
  ) {}

  /** The embedded store: FerretDB on SQLite, whose page statistics count a collection's documents exactly. */
  get isEmbedded(): boolean {
    return this.locator.isEmbedded;
  }

  /** True when every query but an `_id` lookup reads the whole collection (FerretDB). */
  scansEveryQuery(): Promise<boolean> {
    if (this.scans !== undefined) return Promise.resolve(this.scans);
    this.asking ??= this.ask().finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(): Promise<boolean> {
    const db = this.connection.db;
    if (!db) throw new Error('store connection not open');
    const info = await db.admin().command({ buildInfo: 1 });
    this.scans = typeof info.ferretdbVersion === 'string';
    return this.scans;
  }
}

/** StoreProfile for the features that shape queries by it (the connection itself is global). */
@Module({ imports: [StoreLocatorModule], providers: [StoreProfile], exports: [StoreProfile] })
export class StoreProfileModule {}
