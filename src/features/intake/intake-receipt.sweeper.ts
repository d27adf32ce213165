import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../../platform/periodic-task';
import { AppConfig } from '../../platform/config/app-config.service';
import { IntakeReceiptRepository } from './data/intake-receipt.repository';
import { RECEIPT_SWEEP_EVERY_MS, receiptRetentionCutoff } from './domain/receipt-retention';

/**
 * Every RECEIPT_SWEEP_EVERY_MS, deletes the intake receipts older than INTAKE_RECEIPT_RETENTION_DAYS with one
 * deleteMany; never on the request path. Safe with several instances: the delete is idempotent. A redelivery
 * of a delivery whose receipt is gone applies again, which is harmless (its writes are correlated by id).
 */
@Injectable()
export class IntakeReceiptSweeper extends PeriodicSweeper {
  constructor(
    private readonly config: AppConfig,
    private readonly receipts: IntakeReceiptRepository,
  ) {
    super(IntakeReceiptSweeper.name, 'intake receipt sweep');
  }

  protected get everyMs(): number {
    return RECEIPT_SWEEP_EVERY_MS;
  }

  protected async sweep(now: Date): Promise<number> {
    const deleted = await this.receipts.deleteClaimedBefore(receiptRetentionCutoff(now, this.config.intake.receiptRetentionMs));
    if (deleted) this.logger.log({ deleted }, 'old intake receipts deleted');
    return deleted;
  }
}
