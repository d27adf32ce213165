import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig } from '../../../platform/config/app-config.service';
import { ConflictError, DomainError, ForbiddenError, UnauthenticatedError } from '../../../platform/errors/domain-errors';
import type { SignedBody } from '../../../platform/http/raw-body';
import { validationErrorToDomain } from '../../../platform/validation/validation';
import { IntakeLedger, IntakeMetrics, IntakeOutcomeRecord, LedgerResult } from '../../intake';
import { CreateEventDto, TrackerEventsService } from '../../tracker-events';
import { alertDeliveryKey, planAlertmanagerBody } from './domain/alertmanager-mapping';
import type { IncidentPlan } from './domain/incident-plan';
import { planPagerDutyEvent } from './domain/pagerduty-mapping';
import { bearerTokenMatches, hasV1Signature, pagerDutySignatureMatches } from './domain/webhook-auth';

/** How one PagerDuty event was taken (the status code and the REST answer). */
export type IncidentAnswer =
  { status: 202; ignored: true; reason: string } | { status: 200 | 201; duplicate: boolean; result: string; eventId: string };

/** How one alert of an Alertmanager or Grafana body was taken. */
export interface AlertAnswer {
  fingerprint: string;
  startsAt: string;
  status: 'firing' | 'resolved';
  outcome: 'recorded' | 'duplicate' | 'skipped';
  result?: string;
  eventId?: string;
  reason?: string;
}

export interface AlertmanagerAnswer {
  source: 'alertmanager' | 'grafana';
  results: AlertAnswer[];
}

/**
 * The incident intake (docs/incidents-intake.md): PagerDuty V3 webhooks and Alertmanager / Grafana alerting
 * webhooks become incidents (type-4 tracker events), verified before their bodies are read and recorded exactly
 * once through the CI/CD intake's ledger.
 */
@Injectable()
export class IncidentIntakeService {
  constructor(
    private readonly config: AppConfig,
    private readonly events: TrackerEventsService,
    private readonly ledger: IntakeLedger,
    private readonly metrics: IntakeMetrics,
  ) {}

  async pagerDuty(signature: string | undefined, body: SignedBody): Promise<IncidentAnswer> {
    const settings = this.config.incidentIntake;
    const secret = settings.pagerdutyWebhookSecret;
    if (!secret)
      throw new ForbiddenError('PAGERDUTY_WEBHOOK_SECRET is not configured: Tracker cannot verify PagerDuty webhooks, so it takes none.');
    verifyPagerDuty(secret, body.raw, signature);
    if (body.error) throw body.error;
    const event = planPagerDutyEvent(body.parsed, { services: settings.services, environment: settings.environment });
    if (event.plan.kind === 'skipped') {
      this.metrics.ignored('pagerduty', event.type);
      return { status: 202, ignored: true, reason: event.plan.reason };
    }
    const plan = event.plan;
    // No digest: a body signed with the shared secret comes from PagerDuty, which names each event once.
    const { duplicate, outcome } = recorded(
      await this.ledger.once(JSON.stringify(['pagerduty', event.id]), undefined, () => this.apply(plan)),
    );
    return {
      status: !duplicate && outcome.result === 'created' ? 201 : 200,
      duplicate,
      result: outcome.result,
      eventId: outcome.eventId!,
    };
  }

  async alertmanager(authorization: string | undefined, body: SignedBody): Promise<AlertmanagerAnswer> {
    const settings = this.config.incidentIntake;
    const token = settings.alertmanagerWebhookToken;
    if (!token)
      throw new ForbiddenError(
        'ALERTMANAGER_WEBHOOK_TOKEN is not configured: Tracker cannot authenticate Alertmanager, so it takes nothing.',
      );
    if (!bearerTokenMatches(token, authorization))
      throw new UnauthenticatedError(
        authorization === undefined,
        authorization === undefined
          ? 'Missing bearer token: configure http_config.authorization with ALERTMANAGER_WEBHOOK_TOKEN.'
          : 'The bearer token is not ALERTMANAGER_WEBHOOK_TOKEN.',
      );
    if (body.error) throw body.error;
    const read = planAlertmanagerBody(body.parsed, {
      serviceLabel: settings.alertmanagerServiceLabel,
      minSeverity: settings.alertmanagerMinSeverity,
      environments: this.config.intake.environments,
      defaultEnvironment: settings.environment,
    });
    const results: AlertAnswer[] = [];
    // One after another: a group is a handful of alerts, and a resolution after its firing in one body keeps its order.
    for (const alert of read.alerts) {
      const base = { fingerprint: alert.fingerprint, startsAt: alert.startsAt, status: alert.status };
      const plan = alert.plan;
      if (plan.kind === 'skipped') {
        this.metrics.ignored('alertmanager', `${read.source}:${alert.status}`);
        results.push({ ...base, outcome: 'skipped', reason: plan.reason });
        continue;
      }
      const { duplicate, outcome } = recorded(
        await this.ledger.once(alertDeliveryKey(read.source, alert), undefined, () => this.apply(plan)),
      );
      results.push({ ...base, outcome: duplicate ? 'duplicate' : 'recorded', result: outcome.result, eventId: outcome.eventId });
    }
    return { source: read.source, results };
  }

  private async apply(plan: Extract<IncidentPlan, { kind: 'record' }>): Promise<IntakeOutcomeRecord> {
    const create = checked(CreateEventDto, plan.create);
    const { event, outcome } = await this.events.recordCorrelated(plan.eventId, create, plan.update, plan.intake);
    return { result: outcome, eventId: event._id.toHexString() };
  }
}

/** Receipts are kept without a digest here (the sender is authenticated), so the ledger never answers a conflict. */
function recorded(result: LedgerResult): { duplicate: boolean; outcome: IntakeOutcomeRecord } {
  if ('conflict' in result) throw new ConflictError('Another delivery was recorded under this identity; nothing was stored.');
  return result;
}

/** The mapped event checked exactly like an API create, so a mapping bug is a 400 naming the field, never a bad write. */
function checked<T extends object>(type: new () => T, plain: T): T {
  const dto = plainToInstance(type, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationErrorToDomain(errors);
  return dto;
}

/** X-PagerDuty-Signature over the exact bytes received, before anything of the body is read. */
function verifyPagerDuty(secret: string, raw: Buffer | undefined, signature: string | undefined): void {
  if (!signature)
    throw new DomainError('invalid-signature', 'X-PagerDuty-Signature is missing: every PagerDuty V3 webhook must be signed.');
  if (signature.length > 2000 || !hasV1Signature(signature))
    throw new DomainError('invalid-signature', 'X-PagerDuty-Signature must list v1=<64 hex digits> signatures, comma separated.');
  if (!raw || raw.length === 0)
    throw new DomainError(
      'invalid-signature',
      'X-PagerDuty-Signature cannot be checked: send the webhook with content type application/json.',
    );
  if (!pagerDutySignatureMatches(secret, raw, signature))
    throw new DomainError('invalid-signature', 'X-PagerDuty-Signature does not match the body.');
}
