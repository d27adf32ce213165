import { MongoClient } from 'mongodb';
import { InsertCoalescer } from '../../src/platform/database/insert-coalescer';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';

/** Group commit against the real store: per-document outcomes of an unordered insertMany. */
describe('InsertCoalescer on the store', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = await MongoClient.connect(testStoreUri(freshDatabaseName('coalesce')));
  });
  afterAll(async () => {
    await client?.close();
  });

  it('stores every acknowledged document and rejects only the duplicate', async () => {
    const coll = client.db().collection<{ _id: string; n: number }>('docs');
    await coll.insertOne({ _id: 'taken', n: -1 });
    const coalescer = new InsertCoalescer<{ _id: string; n: number }>(async (docs) => {
      await coll.insertMany(docs, { ordered: false });
    });
    const ids = Array.from({ length: 200 }, (_, n) => (n === 57 ? 'taken' : `doc-${n}`));
    const results = await Promise.allSettled(ids.map((_id, n) => coalescer.insert({ _id, n })));
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(rejected).toEqual([57]);
    expect((results[57] as PromiseRejectedResult).reason).toMatchObject({ code: 11000 });
    const stored = await coll.countDocuments({ _id: { $in: ids.filter((id) => id !== 'taken') } });
    expect(stored).toBe(199);
  });
});
