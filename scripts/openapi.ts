import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../src/platform/repo-root';
import { buildOfflineDocument, documentText } from '../src/app/offline-document';

export const OPENAPI_JSON = join(REPO_ROOT, 'docs', 'openapi.json');
/**
 * The API's types, generated from it by openapi-typescript: the one contract the tests (test/client/), the web
 * console (its openapi-fetch client) and the CLI import.
 */
export const OPENAPI_TYPES = join(REPO_ROOT, 'src', 'contract', 'api-types.ts');

const HEADER =
  '// The API contract: written by `npm run openapi` from docs/openapi.json (what GET /docs-json serves).\n' +
  '// test/api/openapi.e2e-spec.ts fails when it and the service differ.\n';

/**
 * Runs openapi-typescript (ESM-only, hence its CLI) on a document file; returns the generated TypeScript.
 * `--default-non-nullable=false`: a field with a default stays optional, as a client may leave it out (the
 * option's default would make `ttlSeconds` or `bucket` required in requests).
 */
export function generateTypes(documentFile: string): string {
  const cli = join(REPO_ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
  const out = execFileSync(process.execPath, [cli, documentFile, '--default-non-nullable=false'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return HEADER + out;
}

/** Writes the OpenAPI document (what GET /docs-json serves) to docs/openapi.json, and the API types from it. */
async function main(): Promise<void> {
  const document = await buildOfflineDocument();
  writeFileSync(OPENAPI_JSON, await documentText(document, OPENAPI_JSON));
  mkdirSync(dirname(OPENAPI_TYPES), { recursive: true });
  writeFileSync(OPENAPI_TYPES, generateTypes(OPENAPI_JSON));
  const count = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
  process.stdout.write(`${OPENAPI_JSON}: ${count} operations; ${OPENAPI_TYPES}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
