import { AppConfig } from '../../platform/config/app-config.service';
import { validateEnv } from '../../platform/config/env.schema';
import type { IntakeReceiptRepository } from './data/intake-receipt.repository';
import { receiptRetentionCutoff } from './domain/receipt-retention';
import { IntakeReceiptSweeper } from './intake-receipt.sweeper';

const DAY_MS = 86_400_000;
const now = new Date('2026-03-31T12:00:00Z');

function sweeperWith(env: Record<string, string>) {
  const cutoffs: Date[] = [];
  let finish: (n: number) => void = () => undefined;
  const receipts = {
    deleteClaimedBefore: (cutoff: Date) => {
      cutoffs.push(cutoff);
      return new Promise<number>((resolve) => (finish = resolve));
    },
  } as unknown as IntakeReceiptRepository;
  const sweeper = new IntakeReceiptSweeper(new AppConfig(validateEnv(env)), receipts);
  return { sweeper, cutoffs, finish: (n: number) => finish(n) };
}

describe('intake receipt retention', () => {
  it('keeps 30 days by default, INTAKE_RECEIPT_RETENTION_DAYS otherwise', () => {
    expect(new AppConfig(validateEnv({})).intake.receiptRetentionMs).toBe(30 * DAY_MS);
    expect(new AppConfig(validateEnv({ INTAKE_RECEIPT_RETENTION_DAYS: '7' })).intake.receiptRetentionMs).toBe(7 * DAY_MS);
  });

  it('starts the window exactly the retention before now', () => {
    expect(receiptRetentionCutoff(now, 30 * DAY_MS)).toEqual(new Date('2026-03-01T12:00:00Z'));
    expect(receiptRetentionCutoff(now, DAY_MS)).toEqual(new Date('2026-03-30T12:00:00Z'));
  });

  it('sweeps with one delete of everything claimed before the window; overlapping sweeps share it', async () => {
    const { sweeper, cutoffs, finish } = sweeperWith({ INTAKE_RECEIPT_RETENTION_DAYS: '2' });
    const first = sweeper.sweepOnce(now);
    const overlapping = sweeper.sweepOnce(new Date(now.getTime() + 1000));
    finish(3);
    await expect(Promise.all([first, overlapping])).resolves.toEqual([3, 3]);
    expect(cutoffs).toEqual([new Date('2026-03-29T12:00:00Z')]);
  });
});
