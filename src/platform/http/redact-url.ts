/** Query parameters that carry credentials; their values never reach a log line. Compared case-insensitively. */
export const CREDENTIAL_QUERY_PARAMS = ['access_token', 'token', 'id_token', 'api_key', 'key', 'signature', 'sig'] as const;

const CREDENTIAL = new Set<string>(CREDENTIAL_QUERY_PARAMS);

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/**
 * The request target as it may be logged: every credential-like query parameter's value replaced by
 * `[REDACTED]` (however its name is percent-encoded or cased), everything else kept as sent.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return CREDENTIAL.has(decodedName(name)) ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}
