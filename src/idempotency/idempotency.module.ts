import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyKeyModelDefinition } from './data/idempotency-key.schema';
import { IdempotencyKeyRepository } from './data/idempotency-key.repository';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/** Idempotency keys for the handlers marked @Idempotent(), with their own collection. */
@Module({
  imports: [MongooseModule.forFeature([IdempotencyKeyModelDefinition])],
  providers: [IdempotencyKeyRepository, IdempotencyService, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
})
export class IdempotencyModule {}
