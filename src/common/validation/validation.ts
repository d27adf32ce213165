import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError, InvalidItem } from '../errors/domain-errors';

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

export function validationErrorToDomain(errors: ValidationError[]): InvalidInputError {
  const fields = flattenValidationErrors(errors);
  return new InvalidInputError(fields.map((f) => `${f.name} ${f.reason}`).join('; ') || 'invalid input', fields);
}

/** The strict global pipe: unknown fields are rejected, payloads become DTO instances, errors name fields. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: validationErrorToDomain,
  });
}
