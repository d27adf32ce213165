import { resolve } from 'node:path';

/** The repository root, from src/common or dist/common alike (protos, tools and .bin are found from here). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
