import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenAPI3, SchemaObject } from 'openapi-typescript';
import { REPO_ROOT } from '../src/platform/repo-root';

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
 * A string schema whose anyOf/oneOf branches only add constraints (NetApp's `type_astra_identifier`: three
 * `pattern`s) is a string; openapi-typescript reads each typeless branch as `unknown`, and `string | unknown` is
 * `unknown`, which would make every Astra id unknown to the console.
 */
function constrainedString(schema: SchemaObject): boolean {
  const branches = schema.anyOf ?? schema.oneOf;
  return schema.type === 'string' && !!branches?.length && branches.every((b) => !('$ref' in b) && !('type' in b));
}

/**
 * The TypeScript openapi-typescript's library makes of a document file. `defaultNonNullable: false`: a field with
 * a default stays optional, as a client may leave it out (the library's default would make `ttlSeconds` or
 * `bucket` required in requests).
 */
async function typesOf(documentFile: string): Promise<string> {
  // loaded here, not at the top: the e2e spec imports this file in jest, which cannot load the library's ESM parts
  const { default: openapiTS, astToString, COMMENT_HEADER, STRING } = await import('openapi-typescript');
  const document = JSON.parse(readFileSync(documentFile, 'utf8')) as OpenAPI3;
  const ast = await openapiTS(document, {
    defaultNonNullable: false,
    silent: true,
    transform: (schema) => (constrainedString(schema) ? STRING : undefined),
  });
  return HEADER + COMMENT_HEADER + astToString(ast);
}

/** The same, from any process (jest included): this script in a child Node process. */
export function generateTypes(documentFile: string): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--types', documentFile], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Writes the OpenAPI document (what GET /docs-json serves) to docs/openapi.json, and the API types from it. */
async function main(): Promise<void> {
  // the whole app: loaded only here, so `--types` (the e2e spec's child process) starts quickly
  const { buildOfflineDocument, documentText } = await import('../src/app/offline-document');
  const document = await buildOfflineDocument();
  writeFileSync(OPENAPI_JSON, await documentText(document, OPENAPI_JSON));
  mkdirSync(dirname(OPENAPI_TYPES), { recursive: true });
  writeFileSync(OPENAPI_TYPES, await typesOf(OPENAPI_JSON));
  const count = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);
  process.stdout.write(`${OPENAPI_JSON}: ${count} operations; ${OPENAPI_TYPES}\n`);
}

if (require.main === module) {
  const [flag, file] = process.argv.slice(2);
  const run = flag === '--types' && file ? typesOf(file).then((text) => void process.stdout.write(text)) : main();
  run.catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
