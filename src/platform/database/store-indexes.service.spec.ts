import { TrackerEventSchema } from '../../features/tracker-events/data/tracker-event.schema';
import { DeclaredIndex, defaultIndexName, indexesForEmbeddedStore } from './store-indexes.service';

describe('indexesForEmbeddedStore', () => {
  it('keeps only the unique indexes', () => {
    const declared: DeclaredIndex[] = [
      [{ accountID: 1, eventTime: -1 }, {}],
      [{ accountID: 1, sequenceCount: 1 }, { unique: true }],
      [{ expiresAt: 1 }, { unique: false }],
    ];
    expect(indexesForEmbeddedStore(declared)).toEqual([[{ accountID: 1, sequenceCount: 1 }, { unique: true }]]);
  });

  it('leaves tracker events with no secondary index at all on the embedded store', () => {
    expect(TrackerEventSchema.indexes().length).toBeGreaterThan(0);
    expect(indexesForEmbeddedStore(TrackerEventSchema.indexes() as DeclaredIndex[])).toEqual([]);
  });
});

describe('defaultIndexName', () => {
  it('names an index as the store does', () => {
    expect(defaultIndexName({ accountID: 1, sequenceCount: 1 })).toBe('accountID_1_sequenceCount_1');
    expect(defaultIndexName({ 'attributes.service': 1, eventAt: -1 })).toBe('attributes.service_1_eventAt_-1');
  });
});
