import { insertEachUnlessExists, insertUnlessExists } from './unique-insert';

describe('insertUnlessExists', () => {
  it('is true when the insert created the document', async () => {
    await expect(insertUnlessExists({ insertOne: async () => ({}) }, { _id: 'a' })).resolves.toBe(true);
  });

  it('is false on a duplicate key', async () => {
    const dup = Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    await expect(insertUnlessExists({ insertOne: async () => Promise.reject(dup) }, { _id: 'a' })).resolves.toBe(false);
  });

  it('lets every other error through', async () => {
    const down = Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
    await expect(insertUnlessExists({ insertOne: async () => Promise.reject(down) }, { _id: 'a' })).rejects.toBe(down);
  });
});

describe('insertEachUnlessExists', () => {
  const bulkError = (writeErrors: object[]) => Object.assign(new Error('bulk write'), { name: 'MongoBulkWriteError', writeErrors });

  it('is true for every document when none existed', async () => {
    await expect(insertEachUnlessExists({ insertMany: async () => ({}) }, [{ _id: 'a' }, { _id: 'b' }])).resolves.toEqual([true, true]);
  });

  it('is false for exactly the documents whose key existed', async () => {
    const failed = bulkError([{ index: 1, code: 11000 }]);
    await expect(
      insertEachUnlessExists({ insertMany: async () => Promise.reject(failed) }, [{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }]),
    ).resolves.toEqual([true, false, true]);
  });

  it('lets any other failure through, and one that names no document', async () => {
    const mixed = bulkError([
      { index: 0, code: 11000 },
      { index: 1, code: 121 },
    ]);
    await expect(insertEachUnlessExists({ insertMany: async () => Promise.reject(mixed) }, [{ _id: 'a' }, { _id: 'b' }])).rejects.toBe(
      mixed,
    );
    const whole = bulkError([]);
    await expect(insertEachUnlessExists({ insertMany: async () => Promise.reject(whole) }, [{ _id: 'a' }])).rejects.toBe(whole);
  });
});
