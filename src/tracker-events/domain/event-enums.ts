/** The seed's enumerations, exactly as the events guide lists them (status 2 does not exist). */
export const EVENT_TYPES = [1, 2, 3, 4, 5] as const;
export const EVENT_PRIORITIES = [1, 2, 3, 4, 5] as const;
export const EVENT_STATUSES = [1, 3, 4, 5, 6, 7, 8, 9] as const;
export const EVENT_ENVIRONMENTS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export const EVENT_IMPACTS = [1, 2, 3] as const;

/** Channel names a later notifications feature delivers to; validated now so stored events stay deliverable. */
export const NOTIFICATION_CHANNELS = ['slack', 'email'] as const;

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;
