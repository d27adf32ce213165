/** The seed's enumerations as words and colour tones: labels are never shown as bare numbers. */
export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'accent' | 'neutral';

export interface Choice {
  value: number;
  label: string;
  tone: Tone;
}

export const STATUSES: Choice[] = [
  { value: 1, label: 'Start', tone: 'info' },
  { value: 3, label: 'Success', tone: 'good' },
  { value: 4, label: 'Failure', tone: 'bad' },
  { value: 5, label: 'Warning', tone: 'warn' },
  { value: 6, label: 'Error', tone: 'bad' },
  { value: 7, label: 'Open', tone: 'accent' },
  { value: 8, label: 'Close', tone: 'neutral' },
  { value: 9, label: 'Done', tone: 'good' },
];

export const TYPES: Choice[] = [
  { value: 1, label: 'Deployment', tone: 'info' },
  { value: 2, label: 'Operation', tone: 'accent' },
  { value: 3, label: 'Drift', tone: 'warn' },
  { value: 4, label: 'Incident', tone: 'bad' },
  { value: 5, label: 'RPA usage', tone: 'neutral' },
];

export const ENVIRONMENTS: Choice[] = [
  { value: 1, label: 'Development', tone: 'good' },
  { value: 2, label: 'Integration', tone: 'info' },
  { value: 3, label: 'TNR', tone: 'accent' },
  { value: 4, label: 'UAT', tone: 'accent' },
  { value: 5, label: 'Recette', tone: 'accent' },
  { value: 6, label: 'Pre-production', tone: 'warn' },
  { value: 7, label: 'Production', tone: 'bad' },
  { value: 8, label: 'MCO', tone: 'neutral' },
];

export const PRIORITIES: Choice[] = [
  { value: 1, label: 'P1 critical', tone: 'bad' },
  { value: 2, label: 'P2 high', tone: 'warn' },
  { value: 3, label: 'P3 medium', tone: 'info' },
  { value: 4, label: 'P4 low', tone: 'neutral' },
  { value: 5, label: 'P5 lowest', tone: 'neutral' },
];

export const IMPACTS: Choice[] = [
  { value: 1, label: 'Low', tone: 'neutral' },
  { value: 2, label: 'Medium', tone: 'warn' },
  { value: 3, label: 'High', tone: 'bad' },
];

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
