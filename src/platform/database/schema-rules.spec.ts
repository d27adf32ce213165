import type { ModelDefinition } from '@nestjs/mongoose';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Schema, SchemaType } from 'mongoose';

/**
 * The data-layer rule (docs/architecture.md, "Mongoose's role"), checked on every schema under src/**\/data/: a schema names its
 * collection and declares paths, types and indexes only. Reads and writes go through the driver collection, so
 * a validator (required, enum, min, match...), a default, a setter or a getter would never run: none may be
 * declared.
 */

const SRC = join(__dirname, '..', '..');

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.schema.ts') && dir.endsWith(`${join('/', 'data')}`) ? [path] : [];
  });
}

function modelDefinitions(): [string, ModelDefinition][] {
  return schemaFiles(SRC).flatMap((file) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every schema file found on disk, loaded by path
    Object.entries(require(file) as Record<string, unknown>)
      .filter((entry): entry is [string, ModelDefinition] => {
        const value = entry[1] as Partial<ModelDefinition> | undefined;
        return typeof value?.name === 'string' && typeof value.schema?.eachPath === 'function';
      })
      .map(([name, definition]): [string, ModelDefinition] => [`${relative(SRC, file)} ${name}`, definition]),
  );
}

/** Path options that only a Mongoose document would ever apply (validators are found by what they added). */
const DOCUMENT_ONLY_OPTIONS = ['default', 'set', 'get', 'lowercase', 'uppercase', 'trim', 'immutable', 'transform'];

/** What a path declares that only a Mongoose document would ever apply. */
function behaviourOf(schema: Schema, prefix = ''): string[] {
  const found: string[] = [];
  schema.eachPath((path, type: SchemaType & { schema?: Schema }) => {
    const at = `${prefix}${path}`;
    if (type.validators.length) found.push(`${at}: validator ${type.validators.map((v) => (v as { type?: string }).type).join(', ')}`);
    const options = type.options as Record<string, unknown>;
    for (const option of DOCUMENT_ONLY_OPTIONS) if (options[option] !== undefined) found.push(`${at}: ${option}`);
    if (type.schema) found.push(...behaviourOf(type.schema, `${at}.`));
  });
  return found;
}

describe('schemas (data-layer rule)', () => {
  const definitions = modelDefinitions();

  it('finds the schemas of every feature', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(9);
  });

  it.each(definitions)('%s names its collection and declares no validator, default, setter or getter', (_name, { schema }) => {
    expect(schema.get('collection')).toEqual(expect.stringMatching(/^[a-z_]+$/));
    expect(schema.get('strict')).not.toBe(false);
    expect(behaviourOf(schema)).toEqual([]);
  });
});
