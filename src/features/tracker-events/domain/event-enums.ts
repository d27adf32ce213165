/** The seed's enumerations, exactly as the events guide lists them (status 2 does not exist). */
export const EVENT_TYPES = [1, 2, 3, 4, 5] as const;
export const EVENT_PRIORITIES = [1, 2, 3, 4, 5] as const;
export const EVENT_STATUSES = [1, 3, 4, 5, 6, 7, 8, 9] as const;
export const EVENT_ENVIRONMENTS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const EVENT_IMPACTS = [1, 2, 3] as const;

/** The channels the deliveries module sends to (src/features/deliveries/channels). */
export const NOTIFICATION_CHANNELS = ['slack', 'email'] as const;

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;

export const EVENT_STATUS_LABELS: Record<number, string> = {
  1: 'Start',
  3: 'Success',
  4: 'Failure',
  5: 'Warning',
  6: 'Error',
  7: 'Open',
  8: 'Close',
  9: 'Done',
};
export const EVENT_ENVIRONMENT_LABELS: Record<number, string> = {
  1: 'Development',
  2: 'Integration',
  3: 'TNR',
  4: 'UAT',
  5: 'Recette',
  6: 'Pre-production',
  7: 'Production',
  8: 'MCO',
};
export const EVENT_PRIORITY_LABELS: Record<number, string> = { 1: 'P1 (critical)', 2: 'P2', 3: 'P3', 4: 'P4', 5: 'P5 (low)' };
