import { Injectable } from '@nestjs/common';
import { verify } from '@octokit/webhooks-methods';
import type { CloudEvent } from 'cloudevents';
import { BearerVerifier } from '../../auth/bearer-verifier';
import { verifiedPrincipal } from '../../auth/caller';
import type { CallParts } from '../../platform/http/call-parts';
import { DomainError, ForbiddenError, InvalidInputError } from '../../platform/errors/domain-errors';
import type { SignedBody } from '../../platform/http/raw-body';
import { AppConfig } from '../../platform/config/app-config.service';
import { CdEventSchema, compileCdEventSchemas, MappedCdEvent, schemaFailure } from './cdevents/cdevent-schemas';
import { CloudEventMode, CloudEventsRequest, MAX_BATCH, modeOf, readCloudEvent } from './cdevents/cloudevent-message';
import { planCdEvent } from './domain/cdevents-mapping';
import { cloudEventDigest } from './domain/delivery-digest';
import { planGithubDelivery } from './domain/github-mapping';
import { IntakeAnswer, IntakeWriter } from './intake-writer';

/** The GitHub headers a delivery is read by. */
export interface GithubHeaders {
  event?: string;
  delivery?: string;
  signature?: string;
  enterpriseHost?: string;
}

export type { IntakeAnswer } from './intake-writer';

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
  private readonly schemas: Map<MappedCdEvent, CdEventSchema> = compileCdEventSchemas();

  constructor(
    private readonly config: AppConfig,
    private readonly writer: IntakeWriter,
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
    // No digest: a delivery signed with the shared secret comes from GitHub, the only one naming its deliveries.
    return this.writer.record('github', event, ['github', host, delivery], undefined, plan);
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
    const key = caller === undefined ? ['cloudevents', event.source, event.id] : ['cloudevents-of-caller', caller, event.source, event.id];
    return this.writer.record('cloudevents', event.type, key, cloudEventDigest(event.type, data), plan);
  }

  private ignoreCloudEvent(type: string, reason: string): IntakeAnswer {
    return this.writer.ignored('cloudevents', type, reason);
  }
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
