/*
 * The tracker API's enumerations and their labels: the one source the server (validation, OpenAPI, intake,
 * insights, notifications), the console and the CLI read. Names and numbers are exactly those of the events
 * guide (the spec's tracker-events-guide.md); the numbers are the wire values of REST and gRPC (int32 fields,
 * never proto enums), so they never change. Imports nothing, so any layer and the browser bundle may import it.
 */

/** An enumeration's member name -> wire number. */
type Members = Readonly<Record<string, number>>;
/** The wire numbers of an enumeration. */
type ValueOf<E extends Members> = E[keyof E];
/** One label per wire number: a missing or extra number does not compile. */
type LabelsOf<E extends Members> = Readonly<Record<ValueOf<E>, string>>;

/** attributes.type. */
export const EventType = { Deployment: 1, Operation: 2, Drift: 3, Incident: 4, RpaUsage: 5 } as const;
export type EventType = ValueOf<typeof EventType>;

/** attributes.status (2 does not exist). */
export const EventStatus = { Start: 1, Success: 3, Failure: 4, Warning: 5, Error: 6, Open: 7, Close: 8, Done: 9 } as const;
export type EventStatus = ValueOf<typeof EventStatus>;

/** attributes.environment. */
export const EventEnvironment = {
  Development: 1,
  Integration: 2,
  TNR: 3,
  UAT: 4,
  Recette: 5,
  PreProduction: 6,
  Production: 7,
  MCO: 8,
} as const;
export type EventEnvironment = ValueOf<typeof EventEnvironment>;

/** attributes.priority: 1 is the most urgent. */
export const EventPriority = { P1: 1, P2: 2, P3: 3, P4: 4, P5: 5 } as const;
export type EventPriority = ValueOf<typeof EventPriority>;

/** attributes.impact: the business impact. */
export const EventImpact = { Low: 1, Medium: 2, High: 3 } as const;
export type EventImpact = ValueOf<typeof EventImpact>;

/** The words of the guide's tables ("Type", "Status", "Environment") and of its priority list. */
export const EVENT_TYPE_LABELS: LabelsOf<typeof EventType> = {
  1: 'Deployment',
  2: 'Operation',
  3: 'Drift',
  4: 'Incident',
  5: 'RPA Usage',
};

export const EVENT_STATUS_LABELS: LabelsOf<typeof EventStatus> = {
  1: 'Start',
  3: 'Success',
  4: 'Failure',
  5: 'Warning',
  6: 'Error',
  7: 'Open',
  8: 'Close',
  9: 'Done',
};

export const EVENT_ENVIRONMENT_LABELS: LabelsOf<typeof EventEnvironment> = {
  1: 'Development',
  2: 'Integration',
  3: 'TNR',
  4: 'UAT',
  5: 'Recette',
  6: 'Pre-production',
  7: 'Production',
  8: 'MCO',
};

export const EVENT_PRIORITY_LABELS: LabelsOf<typeof EventPriority> = {
  1: 'P1 (Critical)',
  2: 'P2 (High)',
  3: 'P3 (Medium)',
  4: 'P4 (Low)',
  5: 'P5 (Trivial)',
};

/** The guide names 1=Low and 3=High; 2 is the one between. */
export const EVENT_IMPACT_LABELS: LabelsOf<typeof EventImpact> = { 1: 'Low', 2: 'Medium', 3: 'High' };

/** The wire numbers of an enumeration, ascending (the order of the OpenAPI `enum` lists). */
function valuesOf<E extends Members>(members: E): readonly ValueOf<E>[] {
  return Object.freeze((Object.values(members) as ValueOf<E>[]).sort((a, b) => a - b));
}

export const EVENT_TYPES = valuesOf(EventType);
export const EVENT_STATUSES = valuesOf(EventStatus);
export const EVENT_ENVIRONMENTS = valuesOf(EventEnvironment);
export const EVENT_PRIORITIES = valuesOf(EventPriority);
export const EVENT_IMPACTS = valuesOf(EventImpact);

/** The label of a wire value, or undefined when it is no number of the enumeration (whatever it is). */
export function labelOf(labels: Readonly<Record<number, string>>, value: unknown): string | undefined {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : undefined;
}

/** "1 Deployment, 2 Operation, ...": an enumeration in one line, for API descriptions and help texts. */
export function describeValues(labels: Readonly<Record<number, string>>): string {
  return Object.entries(labels)
    .map(([value, label]) => `${value} ${label}`)
    .join(', ');
}
