import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection, IndexDefinition, IndexOptions } from 'mongoose';
import { StoreLocator } from './store-locator.service';

/** One declared index: its keys and options, as `Schema.indexes()` gives them. */
export type DeclaredIndex = [IndexDefinition, IndexOptions];

/**
 * The indexes the embedded store gets: only the unique ones. FerretDB v1 enforces a unique index but never
 * reads through a secondary index (every non-`_id` query is a scan), while it still maintains each one on every
 * write: on `tracker_events` its seven read indexes made an insert about 2.5 times dearer. A unique index is
 * kept because the "exactly one winner" inserts rest on it.
 */
export function indexesForEmbeddedStore(declared: readonly DeclaredIndex[]): DeclaredIndex[] {
  return declared.filter(([, options]) => options.unique === true);
}

/** The name MongoDB (and FerretDB) give an index by default: `field_dir` pairs joined by `_`. */
export function defaultIndexName(keys: IndexDefinition): string {
  return Object.entries(keys)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

/**
 * Builds every registered collection's indexes before the app serves a request, so a unique index that a claim
 * relies on exists before the first concurrent insert. On MongoDB these are all the declared indexes (Mongoose's
 * own build, awaited). On the embedded store, only the unique ones (`indexesForEmbeddedStore`), and read indexes
 * an earlier version built in the same DATA_DIR are dropped. The connection is opened with `autoIndex` off on the
 * embedded store, so Mongoose builds nothing there by itself.
 */
@Injectable()
export class StoreIndexes implements OnApplicationBootstrap {
  private readonly logger = new Logger('Store');

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly locator: StoreLocator,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const models = Object.values(this.connection.models);
    if (!this.locator.isEmbedded) {
      await Promise.all(models.map((model) => model.init()));
      return;
    }
    await Promise.all(
      models.map(async (model) => {
        await model.init();
        const wanted = indexesForEmbeddedStore(model.schema.indexes());
        const wantedNames = new Set(wanted.map(([keys, options]) => options.name ?? defaultIndexName(keys)));
        const existing = await model.collection.indexes();
        const stale = existing
          .map((index) => index.name)
          .filter((name): name is string => !!name && name !== '_id_' && !wantedNames.has(name));
        for (const name of stale) await model.collection.dropIndex(name);
        for (const [keys, options] of wanted) {
          await model.collection.createIndex(keys as Record<string, 1 | -1>, {
            unique: true,
            ...(options.name ? { name: options.name } : {}),
          });
        }
        if (stale.length > 0)
          this.logger.log({ collection: model.collection.collectionName, dropped: stale }, 'read indexes dropped on the embedded store');
      }),
    );
  }
}
