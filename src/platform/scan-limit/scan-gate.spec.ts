import { ScanGate, ScanSlot } from './scan-gate';

const isSlot = (entered: ReturnType<ScanGate['enter']>): entered is ScanSlot => !('reason' in entered);

describe('ScanGate', () => {
  it('refuses a caller past its share, then anyone once every slot is taken; a release frees one', () => {
    const gate = new ScanGate(3, 2);
    const [a1, a2] = [gate.enter('a'), gate.enter('a')];
    expect(isSlot(a1) && isSlot(a2)).toBe(true);
    expect(gate.enter('a')).toMatchObject({ reason: 'caller-full' });
    const b1 = gate.enter('b');
    expect(isSlot(b1)).toBe(true);
    expect(gate.enter('c')).toMatchObject({ reason: 'total-full' });
    (b1 as ScanSlot).release();
    expect(isSlot(gate.enter('c'))).toBe(true);
    (a1 as ScanSlot).release();
    expect(isSlot(gate.enter('a'))).toBe(true);
    expect(gate.enter('d')).toMatchObject({ reason: 'total-full' });
  });

  it('a slot released twice is given back once', () => {
    const gate = new ScanGate(1, 1);
    const slot = gate.enter('a') as ScanSlot;
    slot.release();
    slot.release();
    expect(isSlot(gate.enter('a'))).toBe(true);
    expect(gate.enter('b')).toMatchObject({ reason: 'total-full' });
  });

  it('Retry-After follows the average scan duration, between 1 and 30 s', () => {
    let now = 0;
    const gate = new ScanGate(1, 1, () => now);
    const retryAfter = () => {
      const held = gate.enter('a') as ScanSlot;
      const refused = gate.enter('b') as { retryAfterSeconds: number };
      held.release();
      return refused.retryAfterSeconds;
    };
    const scanTaking = (ms: number) => {
      const slot = gate.enter('a') as ScanSlot;
      now += ms;
      slot.release();
    };
    expect(retryAfter()).toBe(1);
    for (let i = 0; i < 20; i++) scanTaking(8_000);
    expect(retryAfter()).toBe(8);
    for (let i = 0; i < 40; i++) scanTaking(120_000);
    expect(retryAfter()).toBe(30);
  });
});
