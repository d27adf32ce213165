import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { assertWithinBounds, validationErrorToDomain } from '../../common/validation/validation';
import { CreateActivityEventDto } from './create-event.dto';

/**
 * The REST body validation (the global ValidationPipe's options) for callers that do not come through the
 * pipe with this class, i.e. gRPC, whose messages are mapped to REST field names first.
 */
export function validateCreateEvent(plain: Record<string, unknown>): CreateActivityEventDto {
  assertWithinBounds(plain, CreateActivityEventDto, 'body');
  const dto = plainToInstance(CreateActivityEventDto, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length) throw validationErrorToDomain(errors);
  return dto;
}
