import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config.service';
import { IntakeReceiptRepository } from './data/intake-receipt.repository';
import { RECEIPT_SWEEP_EVERY_MS, receiptRetentionCutoff } from './domain/receipt-retention';

/**
 * Every RECEIPT_SWEEP_EVERY_MS, deletes the intake receipts older than INTAKE_RECEIPT_RETENTION_DAYS with one
 * deleteMany; never on the request path. Safe with several instances: the delete is idempotent. A redelivery
 * of a delivery whose receipt is gone applies again, which is harmless (its writes are correlated by id).
 */
@Injectable()
export class IntakeReceiptSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IntakeReceiptSweeper.name);
  private readonly task = new PeriodicTask<number>(this.logger, 'intake receipt sweep failed; retrying next interval');

  constructor(
    private readonly config: AppConfig,
    private readonly receipts: IntakeReceiptRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(RECEIPT_SWEEP_EVERY_MS, () => this.sweepOnce());
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One sweep (overlapping calls share the run in progress); resolves to the number of receipts deleted. */
  sweepOnce(now = new Date()): Promise<number> {
    return this.task.once(async () => {
      const deleted = await this.receipts.deleteClaimedBefore(receiptRetentionCutoff(now, this.config.intake.receiptRetentionMs));
      if (deleted) this.logger.log({ deleted }, 'old intake receipts deleted');
      return deleted;
    });
  }
}
