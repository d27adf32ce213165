import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError, InvalidItem, InvalidQueryError } from '../errors/domain-errors';
import { MAX_PROBLEM_ITEMS } from '../errors/problem';
import { boundsFor, findBoundsViolation, undecodableReason } from './input-bounds';

/** Flattens class-validator's nested errors into dotted field paths with one reason each. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): InvalidItem[] {
  const out: InvalidItem[] = [];
  for (const e of errors) {
    const name = parent ? `${parent}.${e.property}` : e.property;
    const constraints = e.constraints ?? {};
    if (constraints.whitelistValidation) {
      out.push({ name, reason: 'is not a known field' });
    } else {
      const first = Object.values(constraints)[0];
      if (first) out.push({ name, reason: first.startsWith(`${e.property} `) ? first.slice(e.property.length + 1) : first });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, name));
  }
  return out;
}

/** The message names the first MAX_PROBLEM_ITEMS fields and counts the rest, so it never grows with the input. */
export function validationErrorToDomain(errors: ValidationError[]): InvalidInputError {
  const fields = flattenValidationErrors(errors);
  const named = fields.slice(0, MAX_PROBLEM_ITEMS).map((f) => `${f.name} ${f.reason}`);
  if (fields.length > MAX_PROBLEM_ITEMS) named.push(`and ${fields.length - MAX_PROBLEM_ITEMS} more`);
  return new InvalidInputError(named.join('; ') || 'invalid input', fields);
}

/** Refuses a body (REST body or gRPC message) or query that breaks the input bounds, naming the field. */
export function assertWithinBounds(value: unknown, metatype: unknown, where: 'body' | 'query', root: string = where): void {
  const decodeError = undecodableReason(value);
  if (decodeError !== undefined) throw InvalidInputError.field('request', `could not be decoded: ${decodeError}`);
  const violation = findBoundsViolation(value, boundsFor(metatype), root);
  if (!violation) return;
  throw where === 'query'
    ? InvalidQueryError.param(violation.name, violation.reason)
    : InvalidInputError.field(violation.name, violation.reason);
}

/**
 * The global pipe: first the input bounds (input-bounds.ts; per-field caps from the DTO's @BoundedInput), so
 * that what class-transformer and class-validator walk is bounded, then the strict validation below.
 */
class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertWithinBounds(value, metadata.metatype, metadata.type, metadata.data);
    return super.transform(value, metadata);
  }
}

/** The strict global pipe: unknown fields are rejected, payloads become DTO instances, errors name fields. */
export function createValidationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationErrorToDomain,
  });
}
