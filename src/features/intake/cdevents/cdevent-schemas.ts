import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InvalidInputError, InvalidItem } from '../../../platform/errors/domain-errors';
import { MAX_PROBLEM_ITEMS } from '../../../platform/errors/problem';
import changeMerged from './schemas/changemerged.json';
import incidentDetected from './schemas/incidentdetected.json';
import incidentReported from './schemas/incidentreported.json';
import incidentResolved from './schemas/incidentresolved.json';
import pipelineRunFinished from './schemas/pipelinerunfinished.json';
import pipelineRunStarted from './schemas/pipelinerunstarted.json';
import serviceDeployed from './schemas/servicedeployed.json';
import serviceRemoved from './schemas/serviceremoved.json';
import serviceRolledBack from './schemas/servicerolledback.json';
import serviceUpgraded from './schemas/serviceupgraded.json';
import embeddedLinkEnd from './schemas/links/embeddedlinkend.json';
import embeddedLinkPath from './schemas/links/embeddedlinkpath.json';
import embeddedLinkRelation from './schemas/links/embeddedlinkrelation.json';
import embeddedLinksArray from './schemas/links/embeddedlinksarray.json';

/** The CDEvents spec release whose schemas these are (src/features/intake/cdevents/schemas, Apache-2.0, byte for byte). */
export const CDEVENTS_SPEC_VERSION = '0.4.1';

/** The CDEvents Tracker maps (`<subject>.<predicate>`), each with its v0.4.1 schema. */
const SCHEMAS = {
  'service.deployed': serviceDeployed,
  'service.upgraded': serviceUpgraded,
  'service.rolledback': serviceRolledBack,
  'service.removed': serviceRemoved,
  'pipelinerun.started': pipelineRunStarted,
  'pipelinerun.finished': pipelineRunFinished,
  'incident.detected': incidentDetected,
  'incident.reported': incidentReported,
  'incident.resolved': incidentResolved,
  'change.merged': changeMerged,
} as const;

export type MappedCdEvent = keyof typeof SCHEMAS;

export interface CdEventSchema {
  /** The one CloudEvents/CDEvents `type` the schema accepts, e.g. dev.cdevents.service.deployed.0.2.0. */
  type: string;
  validate: ValidateFunction;
}

/** Compiled once per process: the mapped CDEvent schemas by `<subject>.<predicate>`. */
export function compileCdEventSchemas(): Map<MappedCdEvent, CdEventSchema> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const link of [embeddedLinkEnd, embeddedLinkPath, embeddedLinkRelation, embeddedLinksArray]) ajv.addSchema(link);
  const out = new Map<MappedCdEvent, CdEventSchema>();
  for (const [name, schema] of Object.entries(SCHEMAS) as [MappedCdEvent, (typeof SCHEMAS)[MappedCdEvent]][]) {
    out.set(name, { type: schema.properties.context.properties.type.enum[0], validate: ajv.compile(schema) });
  }
  return out;
}

/** A CDEvent failing its schema: 400 listing the failing paths under `data` (at most MAX_PROBLEM_ITEMS). */
export function schemaFailure(type: string, errors: readonly ErrorObject[]): InvalidInputError {
  const fields: InvalidItem[] = errors.map((e) => {
    const base = e.instancePath ? `data${e.instancePath.replaceAll('/', '.')}` : 'data';
    const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty?: string }).additionalProperty : undefined;
    if (missing) return { name: `${base}.${missing}`, reason: 'is required' };
    if (extra) return { name: `${base}.${extra}`, reason: 'is not a field of this CDEvent' };
    return { name: base, reason: e.message ?? 'is invalid' };
  });
  const named = fields.slice(0, MAX_PROBLEM_ITEMS).map((f) => `${f.name} ${f.reason}`);
  if (fields.length > MAX_PROBLEM_ITEMS) named.push(`and ${fields.length - MAX_PROBLEM_ITEMS} more`);
  return new InvalidInputError(
    `The CDEvent does not match the ${type} schema (v${CDEVENTS_SPEC_VERSION}): ${named.join('; ')}`,
    fields.slice(0, MAX_PROBLEM_ITEMS),
  );
}
