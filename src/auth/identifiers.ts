/**
 * type_astra_identifier (astra-openapi-excerpt.json): a lowercase UUIDv4, UUIDv5 or the nil UUID. Account,
 * user and resource ids in paths, tokens and event bodies must all match it.
 */
export const ASTRA_IDENTIFIER =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12})$/;

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function isAstraIdentifier(value: unknown): value is string {
  return typeof value === 'string' && ASTRA_IDENTIFIER.test(value);
}
