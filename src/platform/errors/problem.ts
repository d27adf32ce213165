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
  /** How many more invalid parameters there were than the `invalidParams` listed (MAX_PROBLEM_ITEMS). */
  invalidParamsOmitted?: number;
  invalidFields?: InvalidItem[];
  /** How many more invalid fields there were than the `invalidFields` listed (MAX_PROBLEM_ITEMS). */
  invalidFieldsOmitted?: number;
  [member: string]: unknown;
}

/**
 * A problem body never grows with the input (security issue 10): at most this many invalidFields /
 * invalidParams entries (the first ones; the rest are counted in invalidFieldsOmitted / invalidParamsOmitted),
 * each name and reason cut to MAX_PROBLEM_ITEM_TEXT characters and the detail to MAX_PROBLEM_DETAIL.
 */
export const MAX_PROBLEM_ITEMS = 20;
export const MAX_PROBLEM_ITEM_TEXT = 512;
export const MAX_PROBLEM_DETAIL = 2048;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

/** The first MAX_PROBLEM_ITEMS items, their texts cut, and how many were left out. */
export function capItems(items: readonly InvalidItem[]): { items: InvalidItem[]; omitted: number } {
  return {
    items: items
      .slice(0, MAX_PROBLEM_ITEMS)
      .map((i) => ({ name: cut(String(i.name), MAX_PROBLEM_ITEM_TEXT), reason: cut(String(i.reason), MAX_PROBLEM_ITEM_TEXT) })),
    omitted: Math.max(0, items.length - MAX_PROBLEM_ITEMS),
  };
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
    : {
        type: `${TRACKER_PROBLEM_BASE}${kind.slug}`,
        title: kind.title,
        detail: cut(err.message, MAX_PROBLEM_DETAIL),
        status: String(kind.http),
      };
  if (correlationID) body.correlationID = correlationID;
  if (err.extra.invalidParams?.length) {
    const { items, omitted } = capItems(err.extra.invalidParams);
    body.invalidParams = items;
    if (omitted) body.invalidParamsOmitted = omitted;
  }
  if (err.extra.invalidFields?.length) {
    const { items, omitted } = capItems(err.extra.invalidFields);
    body.invalidFields = items;
    if (omitted) body.invalidFieldsOmitted = omitted;
  }
  // Astra's detail is fixed text; when the error names something more specific, say it in invalidFields.
  if (published && !body.invalidParams && !body.invalidFields && err.kind === 'invalid-input') {
    body.invalidFields = capItems([{ name: 'body', reason: err.message }]).items;
  }
  // Extension members never replace the standard ones.
  for (const [name, value] of Object.entries(err.extra.members ?? {})) if (!(name in body)) body[name] = value;
  return { status: kind.http, body };
}
