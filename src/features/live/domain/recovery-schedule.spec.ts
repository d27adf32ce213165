import { RecoverySchedule } from './recovery-schedule';

const GRACE = 5_000;
const IDLE = 300_000;

describe('RecoverySchedule', () => {
  it('is not due while nothing is suspected, until the idle interval has passed', () => {
    const s = new RecoverySchedule(GRACE, IDLE, 0);
    expect(s.due(10_000)).toBe(false);
    expect(s.due(IDLE - 1)).toBe(false);
    expect(s.due(IDLE)).toBe(true);
    s.swept(IDLE);
    expect(s.due(IDLE + 10_000)).toBe(false);
    expect(s.due(2 * IDLE)).toBe(true);
  });

  it('is due once the grace has passed after a suspicion, and stays due until a sweep covers it', () => {
    const s = new RecoverySchedule(GRACE, IDLE, 0);
    s.suspect(1_000);
    expect(s.due(1_000 + GRACE - 1)).toBe(false);
    expect(s.due(1_000 + GRACE)).toBe(true);
    // A sweep that failed is not reported: still due on the next tick.
    expect(s.due(20_000)).toBe(true);
    s.swept(20_000);
    expect(s.due(30_000)).toBe(false);
  });

  it('does not let a stream of suspicions put off the first one', () => {
    const s = new RecoverySchedule(GRACE, IDLE, 0);
    for (let t = 0; t <= 9_000; t += 1_000) s.suspect(t);
    expect(s.due(GRACE)).toBe(true);
  });

  it('keeps a suspicion raised too late for a sweep, and waits for its grace', () => {
    const s = new RecoverySchedule(GRACE, IDLE, 0);
    s.suspect(1_000);
    s.suspect(8_000);
    s.swept(10_000); // covers 1,000 (grace passed at 6,000), not 8,000 (grace passes at 13,000)
    expect(s.due(12_999)).toBe(false);
    expect(s.due(13_000)).toBe(true);
    s.swept(13_000);
    expect(s.due(14_000)).toBe(false);
  });

  it('never moves the idle clock back for a sweep that started before the last one', () => {
    const s = new RecoverySchedule(GRACE, IDLE, 0);
    s.swept(100_000);
    s.swept(50_000);
    expect(s.due(100_000 + IDLE - 1)).toBe(false);
  });
});
