import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConflictError } from '../../platform/errors/domain-errors';
import { validationErrorToDomain } from '../../platform/validation/validation';
import { CreateEventDto, TrackerEventsService } from '../tracker-events';
import { CodeChangesService, CreateCodeChangeDto } from '../code-changes';
import type { IntakeOutcomeRecord } from './data/intake-receipt.schema';
import type { IntakePlan } from './domain/intake-plan';
import { IntakeLedger, LedgerResult } from './intake-ledger';
import { IntakeMetrics, IntakeProvider } from './intake.metrics';

/** How one delivery (or one CloudEvent of a batch) was taken: what the REST answer says, and its status code. */
export type IntakeAnswer =
  | { status: 204 }
  | { status: 202; ignored: true; reason: string }
  | { status: 200 | 201; duplicate: boolean; result: string; eventId?: string; changeId?: string };

/**
 * The steps every intake shares once a delivery is verified and mapped: an ignored plan is counted and answered
 * 202; a plan to record goes through the IntakeLedger under the delivery's key (exactly once across instances),
 * is checked like an API create, and is written through the tracker events or changes module.
 */
@Injectable()
export class IntakeWriter {
  private readonly logger = new Logger(IntakeWriter.name);

  constructor(
    private readonly events: TrackerEventsService,
    private readonly changes: CodeChangesService,
    private readonly ledger: IntakeLedger,
    private readonly metrics: IntakeMetrics,
  ) {}

  ignored(provider: IntakeProvider, type: string, reason: string): IntakeAnswer {
    this.metrics.ignored(provider, type);
    return { status: 202, ignored: true, reason };
  }

  /**
   * Records `plan` once under `key` (JSON of the delivery's identity parts), or answers the first copy's outcome
   * as a duplicate. `digest`: see IntakeLedger (a copy with other content under the key is refused 409).
   */
  async record(
    provider: IntakeProvider,
    type: string,
    key: readonly string[],
    digest: string | undefined,
    plan: IntakePlan,
  ): Promise<IntakeAnswer> {
    if (plan.kind === 'ignored') return this.ignored(provider, type, plan.reason);
    const recorded = await this.ledger.once(JSON.stringify(key), digest, () => this.apply(plan));
    return recordedAnswer(this.unlessConflict(recorded, provider, key.slice(1)));
  }

  /**
   * A delivery whose key was taken by other content is refused, never answered as the other's duplicate: it
   * may be a squatter's decoy holding a real emitter's (source, id). Logged and counted, since either the
   * emitter reuses ids or someone got there first.
   */
  private unlessConflict(recorded: LedgerResult, provider: IntakeProvider, identity: readonly string[]) {
    if (!('conflict' in recorded)) return recorded;
    this.metrics.conflict(provider);
    this.logger.warn(
      { provider, delivery: identity.map((part) => part.slice(0, 200)) },
      'intake delivery refused: another delivery with other content was recorded under its identity',
    );
    throw new ConflictError(
      'Another delivery with this identity (a CloudEvent: this source and id) but other content was already recorded; nothing was stored.',
    );
  }

  private async apply(plan: Exclude<IntakePlan, { kind: 'ignored' }>): Promise<IntakeOutcomeRecord> {
    if (plan.kind === 'change') {
      const { change, created } = await this.changes.create(checked(CreateCodeChangeDto, plan.change), plan.source);
      return { result: created ? 'created' : 'unchanged', changeId: change.id };
    }
    const create = checked(CreateEventDto, plan.create);
    const { event, outcome } = await this.events.recordCorrelated(plan.eventId, create, plan.update, plan.intake);
    return { result: outcome, eventId: event._id.toHexString() };
  }
}

function recordedAnswer({ duplicate, outcome }: { duplicate: boolean; outcome: IntakeOutcomeRecord }): IntakeAnswer {
  return {
    status: !duplicate && outcome.result === 'created' ? 201 : 200,
    duplicate,
    result: outcome.result,
    ...(outcome.eventId ? { eventId: outcome.eventId } : {}),
    ...(outcome.changeId ? { changeId: outcome.changeId } : {}),
  };
}

/**
 * The mapped event or change checked exactly like an API create (the DTO's rules): the mapping clips what it
 * takes from upstream, so this only fails on a mapping bug, and then as a 400 naming the field, never as a bad
 * write.
 */
function checked<T extends object>(type: new () => T, plain: T): T {
  const dto = plainToInstance(type, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationErrorToDomain(errors);
  return dto;
}
