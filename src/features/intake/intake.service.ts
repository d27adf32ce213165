import { Injectable, Logger } from '@nestjs/common';
import { verify } from '@octokit/webhooks-methods';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { CloudEvent } from 'cloudevents';
import { BearerVerifier } from '../../auth/bearer-verifier';
import { verifiedPrincipal } from '../../auth/caller';
import type { CallParts } from '../../platform/http/call-parts';
import { ConflictError, DomainError, ForbiddenError, InvalidInputError } from '../../platform/errors/domain-errors';
import type { SignedBody } from '../../platform/http/raw-body';
import { validationErrorToDomain } from '../../platform/validation/validation';
import { AppConfig } from '../../platform/config/app-config.service';
import { CreateEventDto, TrackerEventsService } from '../tracker-events';
import { CodeChangesService, CreateCodeChangeDto } from '../code-changes';
import { CdEventSchema, compileCdEventSchemas, MappedCdEvent, schemaFailure } from './cdevents/cdevent-schemas';
import { CloudEventMode, CloudEventsRequest, MAX_BATCH, modeOf, readCloudEvent } from './cdevents/cloudevent-message';
import type { IntakeOutcomeRecord } from './data/intake-receipt.schema';
import { planCdEvent } from './domain/cdevents-mapping';
import { cloudEventDigest } from './domain/delivery-digest';
import { planGithubDelivery } from './domain/github-mapping';
import type { IntakePlan } from './domain/intake-plan';
import { IntakeLedger, LedgerResult } from './intake-ledger';
import { IntakeMetrics } from './intake.metrics';

/** The GitHub headers a delivery is read by. */
export interface GithubHeaders {
  event?: string;
  delivery?: string;
  signature?: string;
  enterpriseHost?: string;
}

/** How one delivery (or one CloudEvent of a batch) was taken: what the REST answer says, and its status code. */
export type IntakeAnswer =
  | { status: 204 }
  | { status: 202; ignored: true; reason: string }
  | { status: 200 | 201; duplicate: boolean; result: string; eventId?: string; changeId?: string };

export interface BatchEntryAnswer {
  /** the CloudEvent `id`, when the entry had a readable one */
  id?: string;
  /** HTTP status this entry would have had on its own */
  status: number;
  outcome: 'recorded' | 'duplicate' | 'ignored' | 'refused';
  result?: string;
  eventId?: string;
  changeId?: string;
  reason?: string;
  invalidFields?: { name: string; reason: string }[];
}

/** Refusals a batch answers in the event's place (a 400, or a 409 from a conflict or a held deployment lock). */
const PER_ENTRY_REFUSALS = new Set(['invalid-input', 'conflict', 'locked']);
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;
const EVENT_NAME_PATTERN = /^[a-z_]{1,64}$/;
const DELIVERY_PATTERN = /^[\w-]{1,100}$/;
const HOST_PATTERN = /^[A-Za-z0-9.-]{1,253}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The CI/CD intake: GitHub webhooks and CloudEvents/CDEvents in, tracker events out (docs/intake.md). */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);
  private readonly schemas: Map<MappedCdEvent, CdEventSchema> = compileCdEventSchemas();

  constructor(
    private readonly config: AppConfig,
    private readonly events: TrackerEventsService,
    private readonly changes: CodeChangesService,
    private readonly ledger: IntakeLedger,
    private readonly metrics: IntakeMetrics,
    private readonly verifier: BearerVerifier,
  ) {}

  // ---- GitHub ---------------------------------------------------------------------------------------------

  async github(headers: GithubHeaders, body: SignedBody): Promise<IntakeAnswer> {
    const secret = this.config.intake.githubWebhookSecret;
    if (!secret)
      throw new ForbiddenError('GITHUB_WEBHOOK_SECRET is not configured: Tracker cannot verify GitHub deliveries, so it takes none.');
    await verifySignature(secret, body.raw, headers.signature);
    if (body.error) throw body.error;
    const event = headers.event ?? '';
    if (!EVENT_NAME_PATTERN.test(event)) throw InvalidInputError.field('X-GitHub-Event', 'must name a GitHub event');
    const delivery = headers.delivery ?? '';
    if (!DELIVERY_PATTERN.test(delivery)) throw InvalidInputError.field('X-GitHub-Delivery', 'must be the delivery GUID');
    const host = headers.enterpriseHost && HOST_PATTERN.test(headers.enterpriseHost) ? headers.enterpriseHost.toLowerCase() : 'github.com';
    if (event === 'ping') return { status: 204 };
    if (body.parsed === null || typeof body.parsed !== 'object' || Array.isArray(body.parsed))
      throw InvalidInputError.field('body', 'must be a JSON object');

    const plan = planGithubDelivery({ event, payload: body.parsed, host }, this.config.intake.environments);
    if (plan.kind === 'ignored') {
      this.metrics.ignored('github', event);
      return { status: 202, ignored: true, reason: plan.reason };
    }
    // No digest: a delivery signed with the shared secret comes from GitHub, the only one naming its deliveries.
    const recorded = await this.ledger.once(JSON.stringify(['github', host, delivery]), undefined, () => this.apply(plan));
    return recordedAnswer(this.unlessConflict(recorded, 'github', [host, delivery]));
  }

  // ---- CloudEvents / CDEvents -----------------------------------------------------------------------------

  /** One request in any of the three modes; a batch answers each event on its own. */
  async cloudEvents(
    req: CloudEventsRequest,
    callParts: CallParts,
  ): Promise<{ mode: CloudEventMode; answer?: IntakeAnswer; batch?: BatchEntryAnswer[] }> {
    const mode = modeOf(req);
    const caller = await this.receiptCaller(callParts);
    if (mode !== 'batch') return { mode, answer: await this.cloudEvent(readCloudEvent(req, mode), caller) };
    if (!Array.isArray(req.body)) throw InvalidInputError.field('body', 'must be a JSON array of CloudEvents (batch mode)');
    if (req.body.length > MAX_BATCH) throw InvalidInputError.field('body', `holds more than ${MAX_BATCH} CloudEvents`);
    const batch: BatchEntryAnswer[] = [];
    // One after another: a batch is usually a few events of one pipeline, and their order matters (started, finished).
    for (const entry of req.body as unknown[]) batch.push(await this.batchEntry(entry, caller));
    return { mode, batch };
  }

  /**
   * Whose CloudEvents these are: with TRACKER_AUTH=required the verified `sub` (the guard has already
   * refused a call without one), whose receipts and correlated events are kept apart from every other caller's;
   * otherwise nobody's (one anonymous space, as before).
   */
  private async receiptCaller(callParts: CallParts): Promise<string | undefined> {
    if (!this.config.auth.trackerAuthRequired) return undefined;
    return (await verifiedPrincipal(callParts, this.verifier))?.userId;
  }

  private async batchEntry(entry: unknown, caller: string | undefined): Promise<BatchEntryAnswer> {
    const rawId = entry && typeof entry === 'object' ? (entry as Record<string, unknown>).id : undefined;
    const id = typeof rawId === 'string' ? rawId : undefined;
    try {
      const answer = await this.cloudEvent(
        readCloudEvent({ headers: { 'content-type': 'application/cloudevents+json' }, body: entry }, 'structured'),
        caller,
      );
      if (answer.status === 202) return { id, status: 202, outcome: 'ignored', reason: answer.reason };
      if (answer.status === 204) return { id, status: 204, outcome: 'ignored' };
      return {
        id,
        status: answer.status,
        outcome: answer.duplicate ? 'duplicate' : 'recorded',
        result: answer.result,
        eventId: answer.eventId,
        changeId: answer.changeId,
      };
    } catch (err) {
      // A refused event is answered in its place; anything else (the store is down) fails the whole batch, which
      // the sender retries: the events already recorded are then duplicates.
      if (!(err instanceof DomainError) || !PER_ENTRY_REFUSALS.has(err.kind)) throw err;
      return {
        id,
        status: err.kind === 'invalid-input' ? 400 : 409,
        outcome: 'refused',
        reason: err.message,
        invalidFields: err.extra.invalidFields,
      };
    }
  }

  private async cloudEvent(event: CloudEvent<unknown>, caller: string | undefined): Promise<IntakeAnswer> {
    const match = /^dev\.cdevents\.([a-z]+\.[a-z]+)\.(\d+\.\d+\.\d+\S*)$/.exec(event.type);
    const name = match?.[1] as MappedCdEvent | undefined;
    const schema = name ? this.schemas.get(name) : undefined;
    if (!schema) return this.ignoreCloudEvent(event.type, `CloudEvent type "${event.type.slice(0, 200)}" is not one Tracker records`);
    if (schema.type !== event.type)
      return this.ignoreCloudEvent(
        event.type,
        `${event.type.slice(0, 200)}: Tracker reads CDEvents v0.4.1, whose ${name} is ${schema.type}`,
      );

    const data = event.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data) || ArrayBuffer.isView(data))
      throw InvalidInputError.field('data', 'must be the CDEvent as a JSON object');
    if (!schema.validate(data)) throw schemaFailure(schema.type, schema.validate.errors ?? []);
    const cdevent = data as { context: { id: string; source: string; type: string } };
    // The CloudEvents binding of CDEvents: the CloudEvent's id, source and type are the CDEvent context's.
    for (const attribute of ['id', 'source', 'type'] as const) {
      if (cdevent.context[attribute] !== event[attribute])
        throw InvalidInputError.field(`data.context.${attribute}`, `must equal the CloudEvent ${attribute} (CDEvents CloudEvents binding)`);
    }
    const plan = planCdEvent(
      { name: name!, source: event.source, id: event.id, data: data as Record<string, unknown>, caller },
      this.config.intake.environments,
    );
    if (plan.kind === 'ignored') return this.ignoreCloudEvent(event.type, plan.reason);
    const key = caller === undefined ? ['cloudevents', event.source, event.id] : ['cloudevents-of-caller', caller, event.source, event.id];
    const recorded = await this.ledger.once(JSON.stringify(key), cloudEventDigest(event.type, data), () => this.apply(plan));
    return recordedAnswer(this.unlessConflict(recorded, 'cloudevents', [event.source, event.id]));
  }

  private ignoreCloudEvent(type: string, reason: string): IntakeAnswer {
    this.metrics.ignored('cloudevents', type);
    return { status: 202, ignored: true, reason };
  }

  // ---- both -----------------------------------------------------------------------------------------------

  /**
   * A delivery whose key was taken by other content is refused, never answered as the other's duplicate: it
   * may be a squatter's decoy holding a real emitter's (source, id). Logged and counted, since either the
   * emitter reuses ids or someone got there first.
   */
  private unlessConflict(recorded: LedgerResult, provider: 'github' | 'cloudevents', identity: string[]) {
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

/** X-Hub-Signature-256 over the exact bytes received, checked by @octokit/webhooks-methods in constant time. */
async function verifySignature(secret: string, raw: Buffer | undefined, signature: string | undefined): Promise<void> {
  if (!signature) throw new DomainError('invalid-signature', 'X-Hub-Signature-256 is missing: every GitHub delivery must be signed.');
  if (!SIGNATURE_PATTERN.test(signature))
    throw new DomainError('invalid-signature', 'X-Hub-Signature-256 must be sha256= and 64 hex digits.');
  if (!raw)
    throw new DomainError(
      'invalid-signature',
      'X-Hub-Signature-256 cannot be checked: send the webhook with content type application/json.',
    );
  let text: string;
  try {
    if (raw.length === 0) throw new Error('empty');
    // GitHub signs UTF-8 JSON; bytes that are not UTF-8 cannot be what it signed.
    text = utf8.decode(raw);
  } catch {
    throw new DomainError('invalid-signature', 'X-Hub-Signature-256 does not match the body.');
  }
  if (!(await verify(secret, text, signature))) throw new DomainError('invalid-signature', 'X-Hub-Signature-256 does not match the body.');
}
