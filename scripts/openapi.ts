import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/platform/repo-root';
import { buildOfflineDocument, documentText } from '../src/app/offline-document';

export const OPENAPI_JSON = join(REPO_ROOT, 'docs', 'openapi.json');
/** The client types openapi-typescript generates from it; test/client/tracker-client.ts is type-checked against them. */
export const OPENAPI_TYPES = join(REPO_ROOT, 'test', 'client', 'openapi.d.ts');

/** Runs openapi-typescript (ESM-only, hence its CLI) on a document file; returns the generated TypeScript. */
export function generateTypes(documentFile: string): string {
  const cli = join(REPO_ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
  return execFileSync(process.execPath, [cli, documentFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes the OpenAPI document (what GET /docs-json serves) to docs/openapi.json, and the client types from it. */
async function main(): Promise<void> {
  const document = await buildOfflineDocument();
  writeFileSync(OPENAPI_JSON, await documentText(document, OPENAPI_JSON));
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
