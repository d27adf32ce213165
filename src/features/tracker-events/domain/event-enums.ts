/*
 * The event enumerations (type, status, environment, priority, impact) and their labels are the API's shared
 * vocabulary: src/contract/enums.ts.
 */

/** The channels the deliveries module sends to (src/features/deliveries/channels). */
export const NOTIFICATION_CHANNELS = ['slack', 'email'] as const;

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;
