import { EnvelopeWatch } from './store-envelope';

describe('EnvelopeWatch', () => {
  it('reports a collection found past the envelope at the first count, once', () => {
    const watch = new EnvelopeWatch(100);
    expect(watch.observe({ tracker_events: 101, activity_events: 100 })).toEqual([
      { collection: 'tracker_events', documents: 101, over: true },
    ]);
    expect(watch.observe({ tracker_events: 150, activity_events: 100 })).toEqual([]);
    expect(watch.observe({ tracker_events: 5000, activity_events: 99 })).toEqual([]);
    expect(watch.exceeded()).toEqual(['tracker_events']);
  });

  it('stays quiet while within, then reports each crossing in either direction once', () => {
    const watch = new EnvelopeWatch(100);
    expect(watch.observe({ tracker_events: 0 })).toEqual([]);
    expect(watch.observe({ tracker_events: 100 })).toEqual([]);
    expect(watch.exceeded()).toEqual([]);
    expect(watch.observe({ tracker_events: 101 })).toEqual([{ collection: 'tracker_events', documents: 101, over: true }]);
    expect(watch.observe({ tracker_events: 102 })).toEqual([]);
    expect(watch.observe({ tracker_events: 80 })).toEqual([{ collection: 'tracker_events', documents: 80, over: false }]);
    expect(watch.observe({ tracker_events: 90 })).toEqual([]);
    expect(watch.observe({ tracker_events: 200 })).toEqual([{ collection: 'tracker_events', documents: 200, over: true }]);
    expect(watch.exceeded()).toEqual(['tracker_events']);
  });

  it('watches each collection on its own', () => {
    const watch = new EnvelopeWatch(10);
    expect(watch.observe({ tracker_events: 5, activity_events: 5 })).toEqual([]);
    expect(watch.observe({ tracker_events: 5, activity_events: 11 })).toEqual([
      { collection: 'activity_events', documents: 11, over: true },
    ]);
    expect(watch.observe({ tracker_events: 11, activity_events: 11 })).toEqual([
      { collection: 'tracker_events', documents: 11, over: true },
    ]);
    expect(watch.exceeded().sort()).toEqual(['activity_events', 'tracker_events']);
  });
});
