import { DomainError, InvalidItem } from './domain-errors';
import { ASTRA_PROBLEM_BASE, ASTRA_PROBLEM_BY_KIND, ASTRA_PROBLEMS, KIND_STATUS, TRACKER_PROBLEM_BASE } from './problem-catalog';

/** RFC 7807 body in the shape Astra publishes (status as a string). */
export interface ProblemDetails {
  type: string;
  title: string;
  detail: string;
  status: string;
  correlationID?: string;
  invalidParams?: InvalidItem[];
  invalidFields?: InvalidItem[];
  [member: string]: unknown;
}

export function isAstraPath(url: string): boolean {
  return url.startsWith('/accounts/') || url === '/accounts';
}

/** Builds the problem body for a domain error; on Astra routes with the published type, title and detail. */
export function toProblem(err: DomainError, astra: boolean, correlationID?: string): { status: number; body: ProblemDetails } {
  const kind = KIND_STATUS[err.kind];
  const astraNumber = astra ? ASTRA_PROBLEM_BY_KIND[err.kind] : undefined;
  const published = astraNumber !== undefined ? ASTRA_PROBLEMS[astraNumber] : undefined;
  const body: ProblemDetails = published
    ? { type: `${ASTRA_PROBLEM_BASE}${astraNumber}`, title: published.title, detail: published.detail, status: String(kind.http) }
    : { type: `${TRACKER_PROBLEM_BASE}${kind.slug}`, title: kind.title, detail: err.message, status: String(kind.http) };
  if (correlationID) body.correlationID = correlationID;
  if (err.extra.invalidParams?.length) body.invalidParams = err.extra.invalidParams;
  if (err.extra.invalidFields?.length) body.invalidFields = err.extra.invalidFields;
  // Astra's detail is fixed text; when the error names something more specific, say it in invalidFields.
  if (published && !body.invalidParams && !body.invalidFields && err.kind === 'invalid-input') {
    body.invalidFields = [{ name: 'body', reason: err.message }];
  }
  // Extension members never replace the standard ones.
  for (const [name, value] of Object.entries(err.extra.members ?? {})) if (!(name in body)) body[name] = value;
  return { status: kind.http, body };
}
