import mongoose, { Connection, Model } from 'mongoose';
import { AppConfig } from '../../src/platform/config/app-config.service';
import { validateEnv } from '../../src/platform/config/env.schema';
import { IntakeReceiptRepository } from '../../src/features/intake/data/intake-receipt.repository';
import { INTAKE_RECEIPT_MODEL, IntakeReceiptModelDefinition } from '../../src/features/intake/data/intake-receipt.schema';
import { IntakeReceiptSweeper } from '../../src/features/intake/intake-receipt.sweeper';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';

const DAY_MS = 86_400_000;

/** The retention sweep of intake receipts (docs/intake.md) on the real store. */
describe('intake receipts past INTAKE_RECEIPT_RETENTION_DAYS', () => {
  let connection: Connection;
  let receipts: IntakeReceiptRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testStoreUri(freshDatabaseName('receipts')), { autoIndex: false }).asPromise();
    receipts = new IntakeReceiptRepository(connection.model(INTAKE_RECEIPT_MODEL, IntakeReceiptModelDefinition.schema) as Model<any>);
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('are deleted by one sweep; receipts inside the window stay; a swept delivery can be taken in again', async () => {
    const now = new Date('2026-03-31T12:00:00Z');
    const cutoff = new Date(now.getTime() - 30 * DAY_MS);
    const ages: [string, Date][] = [
      ['old-done', new Date(cutoff.getTime() - DAY_MS)],
      ['old-applying', new Date(cutoff.getTime() - 1)],
      ['at-cutoff', cutoff],
      ['recent', new Date(now.getTime() - DAY_MS)],
    ];
    for (const [key, at] of ages) expect(await receipts.claim(key, at)).toBe(true);
    await receipts.complete('old-done', ages[0][1], { result: 'created', eventId: 'a'.repeat(24) }, ages[0][1]);

    const sweeper = new IntakeReceiptSweeper(new AppConfig(validateEnv({})), receipts);
    expect(await sweeper.sweepOnce(now)).toBe(2);
    for (const [key, expected] of [
      ['old-done', false],
      ['old-applying', false],
      ['at-cutoff', true],
      ['recent', true],
    ] as const)
      expect(!!(await receipts.find(key))).toBe(expected);
    expect(await sweeper.sweepOnce(now)).toBe(0);
    // A redelivery after its receipt went is taken in (and applied) again.
    expect(await receipts.claim('old-done', now)).toBe(true);
  });
});
