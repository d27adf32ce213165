/*
 * Text cut to a length in UTF-16 code units (what String#length counts) without leaving half of a surrogate pair,
 * and text made well-formed: a lone surrogate has no UTF-8 encoding, so grpc-js cannot percent-encode a status
 * message holding one (encodeURI throws, and the call is never answered) and BSON stores U+FFFD in its place.
 */

/** The longest prefix of `text` of at most `max` code units that does not end inside a surrogate pair. */
export function prefix(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

/** `text` with every lone surrogate replaced by U+FFFD (String#toWellFormed, which ES2022 typings lack). */
export function wellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD');
}
