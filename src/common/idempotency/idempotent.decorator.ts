import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENT_OPERATION = 'tracker:idempotent-operation';

/**
 * Opts a create handler into idempotency keys (`Idempotency-Key` header on REST, `idempotency-key` metadata on
 * gRPC) under a stable operation name. The name is part of every stored key's scope, so it must never change
 * once keys exist: renaming the handler or its class does not touch it. REST and gRPC handlers of one
 * operation share the name, so a key means the same thing on both transports.
 */
export const Idempotent = (operation: string) => SetMetadata(IDEMPOTENT_OPERATION, operation);
