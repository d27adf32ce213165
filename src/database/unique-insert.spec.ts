import { insertUnlessExists } from './unique-insert';

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
