import type { Model, mongo } from 'mongoose';

/**
 * The driver's collection behind a mongoose model, typed with the model's record: what the driver-level
 * repositories (plain objects in and out, no documents) read and write through, resolved once when they are
 * built. It is the collection mongoose's own wrapper delegates to (`connection.db.collection(name)`); the
 * connection runs with bufferCommands off (database.module.ts), so the wrapper would queue nothing anyway, and
 * a call while the store is unreachable fails the same way (store-errors.ts). The model's own `collection` is
 * typed for any document, which is why repositories do not use it.
 */
export function nativeCollection<T extends mongo.Document>(model: Model<T>): mongo.Collection<T> {
  const db = model.db.db;
  // Nest builds repositories after MongooseModule opened the connection; a test must open its own first.
  if (!db) throw new Error(`${model.modelName}: the store connection is not open (open it before building its repositories)`);
  return db.collection<T>(model.collection.collectionName);
}
