import { AppConfig } from '../../platform/config/app-config.service';
import { validateEnv } from '../../platform/config/env.schema';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { StreamSlots } from './stream-slots';

describe('StreamSlots', () => {
  it('defaults to 50 per caller', () => {
    expect(new StreamSlots(new AppConfig(validateEnv({}))).max).toBe(50);
  });

  it('holds at most STREAMS_MAX_PER_CALLER per caller; a release frees one slot however often it is called', () => {
    const slots = new StreamSlots(new AppConfig(validateEnv({ STREAMS_MAX_PER_CALLER: '2' })));
    const first = slots.take('a');
    slots.take('a');
    expect(() => slots.take('a')).toThrow(/STREAMS_MAX_PER_CALLER/);
    expect(slots.heldBy('b')).toBe(0);
    slots.take('b');
    first();
    first();
    expect(slots.heldBy('a')).toBe(1);
    slots.take('a');
    expect(() => slots.take('a')).toThrow(/At most 2 live streams/);
  });

  it('exposes the streams open on the instance as tracker_live_streams_open, read at scrape time', async () => {
    const metrics = new MetricsService();
    const slots = new StreamSlots(new AppConfig(validateEnv({})), metrics);
    const open = async () => (await metrics.registry.getSingleMetric('tracker_live_streams_open')!.get()).values[0]?.value;
    expect(await open()).toBe(0);
    const release = slots.take('a');
    slots.take('a');
    slots.take('b');
    expect(await open()).toBe(3);
    release();
    expect(await open()).toBe(2);
  });
});
