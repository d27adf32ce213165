/**
 * The tracker enumerations as words and colour tones: labels are never shown as bare numbers. The numbers and
 * words come from the API's one vocabulary (src/contract/enums.ts); only the tones are the console's.
 */
import {
  EVENT_ENVIRONMENT_LABELS,
  EVENT_IMPACT_LABELS,
  EVENT_PRIORITY_LABELS,
  EVENT_STATUS_LABELS,
  EVENT_TYPE_LABELS,
  EventEnvironment,
  EventImpact,
  EventPriority,
  EventStatus,
  EventType,
} from '../../src/contract/enums';

export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'accent' | 'neutral';

export interface Choice {
  value: number;
  label: string;
  tone: Tone;
}

/** A label and a tone for each number of an enumeration, in the enumeration's order. */
function choices<V extends number>(labels: Readonly<Record<V, string>>, tones: Readonly<Record<V, Tone>>): Choice[] {
  return (Object.keys(labels).map(Number) as V[]).map((value) => ({ value, label: labels[value], tone: tones[value] }));
}

export const STATUSES: Choice[] = choices(EVENT_STATUS_LABELS, {
  [EventStatus.Start]: 'info',
  [EventStatus.Success]: 'good',
  [EventStatus.Failure]: 'bad',
  [EventStatus.Warning]: 'warn',
  [EventStatus.Error]: 'bad',
  [EventStatus.Open]: 'accent',
  [EventStatus.Close]: 'neutral',
  [EventStatus.Done]: 'good',
});

export const TYPES: Choice[] = choices(EVENT_TYPE_LABELS, {
  [EventType.Deployment]: 'info',
  [EventType.Operation]: 'accent',
  [EventType.Drift]: 'warn',
  [EventType.Incident]: 'bad',
  [EventType.RpaUsage]: 'neutral',
});

export const ENVIRONMENTS: Choice[] = choices(EVENT_ENVIRONMENT_LABELS, {
  [EventEnvironment.Development]: 'good',
  [EventEnvironment.Integration]: 'info',
  [EventEnvironment.TNR]: 'accent',
  [EventEnvironment.UAT]: 'accent',
  [EventEnvironment.Recette]: 'accent',
  [EventEnvironment.PreProduction]: 'warn',
  [EventEnvironment.Production]: 'bad',
  [EventEnvironment.MCO]: 'neutral',
});

export const PRIORITIES: Choice[] = choices(EVENT_PRIORITY_LABELS, {
  [EventPriority.P1]: 'bad',
  [EventPriority.P2]: 'warn',
  [EventPriority.P3]: 'info',
  [EventPriority.P4]: 'neutral',
  [EventPriority.P5]: 'neutral',
});

export const IMPACTS: Choice[] = choices(EVENT_IMPACT_LABELS, {
  [EventImpact.Low]: 'neutral',
  [EventImpact.Medium]: 'warn',
  [EventImpact.High]: 'bad',
});

/** Astra event severities and classes (the activity log). */
export const SEVERITIES: { value: string; tone: Tone }[] = [
  { value: 'cleared', tone: 'good' },
  { value: 'indeterminate', tone: 'neutral' },
  { value: 'informational', tone: 'info' },
  { value: 'warning', tone: 'warn' },
  { value: 'critical', tone: 'bad' },
];
export const CLASSES = ['system', 'user', 'security'] as const;

export function choice(list: Choice[], value: unknown): Choice | undefined {
  return list.find((c) => c.value === value);
}

export function severityTone(severity: unknown): Tone {
  return SEVERITIES.find((s) => s.value === severity)?.tone ?? 'neutral';
}
