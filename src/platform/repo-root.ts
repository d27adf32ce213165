import { resolve } from 'node:path';

/** The repository root, from src/platform or dist/platform alike (protos, tools and .bin are found from here). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
