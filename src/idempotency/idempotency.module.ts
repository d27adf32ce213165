import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyKeyModelDefinition } from './data/idempotency-key.schema';
import { IdempotencyKeyRepository } from './data/idempotency-key.repository';
import { IdempotencyService } from './idempotency.service';

/**
 * Idempotency keys for the handlers marked @Idempotent(), with their own collection. The interceptor that
 * applies them is one of the GLOBAL_ENHANCERS (src/app/global-enhancers.ts), so controller specs run it too.
 */
@Module({
  imports: [MongooseModule.forFeature([IdempotencyKeyModelDefinition])],
  providers: [IdempotencyKeyRepository, IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
