import { Provider } from '@nestjs/common';

/** Every repository; the only classes that touch a Model. */
export const REPOSITORIES: Provider[] = [];
