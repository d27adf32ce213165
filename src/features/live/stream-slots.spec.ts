import { AppConfig } from '../../platform/config/app-config.service';
import { validateEnv } from '../../platform/config/env.schema';
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
});
