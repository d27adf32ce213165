import { ValidateBy } from 'class-validator';
import { parseAstraTime } from '../../../astra/filter-condition';
import { ASTRA_IDENTIFIER } from '../../../auth/identifiers';

/** type_astra_identifier: a lowercase UUIDv4, UUIDv5 or the nil UUID. */
export const IsAstraIdentifier = (each = false) =>
  ValidateBy(
    {
      name: 'isAstraIdentifier',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && ASTRA_IDENTIFIER.test(v),
        defaultMessage: () => (each ? 'each item must be' : 'must be') + ' a lowercase UUIDv4, UUIDv5 or the nil UUID',
      },
    },
    { each },
  );

/** type_astra_time: `YYYY-MM-DDTHH:MM:SS(.fraction up to 9 digits)Z`, a real calendar date, UTC only. */
export const IsAstraTime = () =>
  ValidateBy({
    name: 'isAstraTime',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseAstraTime(v) !== undefined,
      defaultMessage: () => 'must be a UTC time like 2024-01-31T12:00:00Z or 2024-01-31T12:00:00.123456Z',
    },
  });

/** Fields the system assigns (id, sequenceCount, metadata...): a producer may not send them. */
export const SystemAssigned = () =>
  ValidateBy({
    name: 'systemAssigned',
    validator: {
      validate: (v: unknown) => v === undefined,
      defaultMessage: () => 'is assigned by the system and cannot be sent',
    },
  });
