import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const IDEMPOTENT_OPERATION = 'tracker:idempotent-operation';

/**
 * Opts a create handler into idempotency keys (`Idempotency-Key` header on REST, `idempotency-key` metadata on
 * gRPC) under a stable operation name. The name is part of every stored key's scope, so it must never change
 * once keys exist: renaming the handler or its class does not touch it. REST and gRPC handlers of one
 * operation share the name, so a key means the same thing on both transports.
 *
 * It also documents the header; the document builder adds the 409 (key reused with another request, or still
 * in progress) and the `idempotent-replayed` header of the 2xx answers to every operation that takes it.
 */
export const Idempotent = (operation: string) =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_OPERATION, operation),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes the request safe to retry: the same key with the same request answers the first answer again (with `idempotent-replayed: true`); with another request, 409',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', minLength: 1, maxLength: 255 },
    }),
  );
