/**
 * The field decorators the features' DTOs share (class-validator and class-transformer): optional text,
 * integers as query strings carry them, ISO 8601 instants and the windows they bound, IANA time zones.
 */
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateBy, ValidationArguments } from 'class-validator';
import { isInvertedWindow, isKnownTimeZone, parseInstant, searchWindow } from './date-range';

/** Empty strings in optional fields mean "absent" (CI snippets post `"pullRequestLink": ""` when there is no PR). */
export const EmptyAsAbsent = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

/** Query strings carry numbers as text: turn plain integers into numbers, leave anything else to fail IsInt. */
const QueryInteger = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value));

export const OptionalText = (max = 2000) => applyDecorators(EmptyAsAbsent(), IsOptional(), IsString(), MaxLength(max));

/** An optional integer from a fixed set (the seed's enumerations): JSON numbers in bodies, int32 on gRPC. */
export const OptionalIntIn = (values: readonly number[]) => applyDecorators(IsOptional(), IsInt(), IsIn([...values]));

/** The same from a query string, where "1" is how a number arrives. */
export const QueryIntIn = (values: readonly number[]) => applyDecorators(QueryInteger(), EmptyAsAbsent(), OptionalIntIn(values));

export const OptionalIntRange = (min: number, max: number) =>
  applyDecorators(
    QueryInteger(),
    EmptyAsAbsent(),
    IsOptional(),
    IsInt(),
    ValidateBy({
      name: 'intRange',
      validator: {
        validate: (v: unknown) => typeof v === 'number' && v >= min && v <= max,
        defaultMessage: () => `must be an integer from ${min} to ${max}`,
      },
    }),
  );

/** An ISO 8601 date or date-time (a bare date means UTC midnight; no offset means UTC). */
export const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseInstant(v) !== undefined,
      defaultMessage: () => 'must be an ISO 8601 date or date-time (e.g. 2024-01-15 or 2024-01-15T10:00:00Z)',
    },
  });

export const OptionalInstant = () => applyDecorators(EmptyAsAbsent(), IsOptional(), IsInstant());

/** For an end field: the window it closes with `startProperty` must not end before it starts. */
export const NotBefore = (startProperty: string) =>
  ValidateBy({
    name: 'notBefore',
    constraints: [startProperty],
    validator: {
      validate: (end: unknown, args?: ValidationArguments) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[startProperty];
        if (typeof end !== 'string' || typeof start !== 'string') return true;
        return !isInvertedWindow(searchWindow(start, end));
      },
      defaultMessage: () => `must not be before ${startProperty}`,
    },
  });

export const OptionalTimeZone = () =>
  applyDecorators(
    EmptyAsAbsent(),
    IsOptional(),
    IsString(),
    ValidateBy({
      name: 'isTimeZone',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isKnownTimeZone(v),
        defaultMessage: () => 'must be an IANA time zone (e.g. Europe/Paris)',
      },
    }),
  );
