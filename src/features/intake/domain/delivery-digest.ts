import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../idempotency/idempotency-key';

/**
 * The digest a CloudEvent's receipt keeps, so that a copy under the same (source, id) is recognised as the same
 * delivery or refused as another one. Its content is what Tracker reads from it besides the key: the `type` and
 * the `data` (the CDEvent, whose own context repeats id, source and type), as canonical JSON (object keys sorted,
 * so a re-serialised retry matches). Left out on purpose, because an emitter's honest retry may change them
 * and Tracker records none of them: the mode (binary, structured, batch entry), `datacontenttype`, `time`,
 * `subject`, `dataschema` and extension attributes such as `traceparent`.
 */
export function cloudEventDigest(type: string, data: unknown): string {
  return createHash('sha256').update(canonicalJson({ type, data })).digest('hex');
}
