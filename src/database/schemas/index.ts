import { ModelDefinition } from '@nestjs/mongoose';

/** Every collection's schema; each feature adds its own definitions here. */
export const SCHEMAS: ModelDefinition[] = [];
