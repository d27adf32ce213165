import { Provider } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { TrackerEventRepository } from './tracker-event.repository';

/** Every repository; the only classes that touch a Model. */
export const REPOSITORIES: Provider[] = [IdempotencyKeyRepository, TrackerEventRepository];
