/**
 * The published Astra query-parameter patterns (components.schemas.query_* and type_* in
 * /work/shared/spec/astra-openapi-excerpt.json), kept verbatim where we use them verbatim so a reader can diff
 * them against the spec.
 */
export const QUERY_INCLUDE = /^([0-9a-zA-Z]+)(,[0-9a-zA-Z]+)*$/;
export const QUERY_LIMIT = /^([1-9][0-9]*)$/;
export const QUERY_SKIP = /^([1-9][0-9]*)$/;
export const QUERY_COUNT = /^true$/;
export const TYPE_BASE64_DATA = /^([A-Za-z0-9+/]{4})*(([A-Za-z0-9+/]{2})==|([A-Za-z0-9+/]{3})=)?$/;

/**
 * query_orderBy is `^(([0-9a-zA-Z]+)(( |%20)desc)?)$`. We also accept dotted paths (`metadata.creationTimestamp`)
 * because the list specs declare dotted fields; everything the published pattern accepts is accepted unchanged.
 */
export const QUERY_ORDER_BY = /^([0-9a-zA-Z]+(?:\.[0-9a-zA-Z]+)*)(?:(?: |%20)desc)?$/;

/** One field path of query_filter: segments with an optional `[*]` wildcard each. */
export const FILTER_FIELD = String.raw`[0-9a-zA-Z]+(?:\[\*\])?(?:\.[0-9a-zA-Z]+(?:\[\*\])?)*`;
/**
 * The value character class of query_filter, verbatim: `,-_` is a RANGE (0x2C-0x5F), so `/ ; < = > ? [ \ ] ^`
 * are allowed too, while `'`, `%`, `+`, `!`, `(`, `)`, `|` and `~` are not. No quote can occur inside a
 * value, which is what makes quote-aware splitting of comma-separated conditions unambiguous.
 */
export const FILTER_VALUE_CHARS = /^[0-9a-zA-Z.,-_:@ {}"]+$/;
export const FILTER_OPS = ['eq', 'lt', 'gt', 'lte', 'gte', 'in'] as const;

/** type_astra_time: UTC only, `.` or `,` before up to 9 fraction digits. */
export const TYPE_ASTRA_TIME =
  /^([0-9]{4})-(0[1-9]|1[0-2])-([0][1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(|[.,]([0-9]{1,9}))Z$/;
