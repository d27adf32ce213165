import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters, type KeyLike } from 'jose';

/** The largest discovery document or JWKS we read (real ones are a few KB). */
const MAX_DOCUMENT_BYTES = 256 * 1024;
/** The most keys one JWKS may hold (real ones hold two to five). */
const MAX_KEYS = 100;

export interface JwksCacheOptions {
  /** The issuer; its metadata (`/.well-known/openid-configuration`) names the JWKS when `jwksUrl` is unset. */
  issuer: string;
  jwksUrl?: string;
  /** At most one fetch per this many ms (unknown key ids, stale sets, failed loads alike). */
  cooldownMs: number;
  /** A key set older than this is refreshed in the background on its next use (default 10 min). */
  maxAgeMs?: number;
  /** One fetch gives up after this long (default 5 s). */
  timeoutMs?: number;
  /** Told about every failed load (the cached keys, if any, stay in use). */
  onLoadError?: (err: Error) => void;
}

/** No key can be had for a token: the issuer has not been reached yet and may not be asked again so soon. */
export class SigningKeysUnavailable extends Error {
  override readonly name = 'SigningKeysUnavailable';
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * The issuer's signing keys, fetched over HTTP and cached. jose picks the key for a token (by `kid`, `alg`,
 * key type and `use`); this class decides when to ask the issuer:
 * - the first token (or the boot warm-up) loads the set; the metadata is read once, for its `jwks_uri`;
 * - a token whose `kid` is not in the set triggers one refetch, then is refused if the key is still unknown;
 * - a set older than `maxAgeMs` is refreshed in the background, the cached keys answering meanwhile;
 * - at most one fetch per `cooldownMs`, counted from the last attempt, whatever triggered it and whether it
 *   worked, so a flood of made-up key ids cannot hammer the issuer, up or down; concurrent needs share one fetch;
 * - a failed fetch keeps the keys already cached: the issuer being down does not fail tokens we can verify.
 */
export class JwksCache {
  private keys?: LocalKeySet;
  private loadedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private pending?: Promise<void>;
  private jwksUrl?: URL;
  private readonly closed = new AbortController();
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: JwksCacheOptions) {
    this.jwksUrl = options.jwksUrl === undefined ? undefined : new URL(options.jwksUrl);
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The key for a token's protected header (jose's key-resolver signature); throws when there is none. */
  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> {
    if (!this.keys) {
      await this.refreshIfAllowed();
      if (!this.keys) throw new SigningKeysUnavailable("The issuer's signing keys could not be fetched.");
    } else if (Date.now() - this.loadedAt > this.maxAgeMs) {
      void this.refreshIfAllowed();
    }
    try {
      return await this.keys(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      // The one refetch an unknown key id may cause (or a share of one already under way).
      if (!(await this.refreshIfAllowed())) throw err;
      return this.keys(header, token);
    }
  }

  /** Loads the set in the background (the boot warm-up); failures go to onLoadError. */
  warmUp(): void {
    void this.refreshIfAllowed();
  }

  /** Aborts a fetch under way; nothing is fetched afterwards. */
  close(): void {
    this.closed.abort();
  }

  /** Starts (or joins) a fetch unless one happened less than cooldownMs ago; true when a fetch ran or was joined. */
  private async refreshIfAllowed(): Promise<boolean> {
    if (!this.pending) {
      if (this.closed.signal.aborted || Date.now() - this.attemptedAt < this.options.cooldownMs) return false;
      this.attemptedAt = Date.now();
      this.pending = this.load().finally(() => (this.pending = undefined));
    }
    await this.pending;
    return true;
  }

  /** Never rejects: a failure is reported and the cached keys, if any, stay. */
  private async load(): Promise<void> {
    try {
      this.jwksUrl ??= await this.discover();
      const jwks = await this.fetchJson(this.jwksUrl);
      if (!isKeySet(jwks)) throw new Error(`${this.jwksUrl.href} is not a JWKS of at most ${MAX_KEYS} keys`);
      this.keys = createLocalJWKSet(jwks);
      this.loadedAt = Date.now();
    } catch (err) {
      // Closed (the app is shutting down): the aborted fetch is no news.
      if (this.closed.signal.aborted) return;
      this.options.onLoadError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** OpenID Connect Discovery 1.0, section 4: the metadata's `issuer` must be the configured issuer, exactly. */
  private async discover(): Promise<URL> {
    const issuer = this.options.issuer;
    const where = new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const metadata = await this.fetchJson(where);
    const { issuer: stated, jwks_uri: jwksUri } = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (stated !== issuer) throw new Error(`${where.href} names issuer ${JSON.stringify(stated)}, not ${issuer}`);
    if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new Error(`${where.href} has no valid jwks_uri`);
    const url = new URL(jwksUri);
    // An https issuer's keys must come over https too; an http (loopback, non-production) issuer may use either.
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && new URL(issuer).protocol === 'http:'))
      throw new Error(`${where.href} names a jwks_uri that is not https`);
    return url;
  }

  private async fetchJson(url: URL): Promise<unknown> {
    const signal = AbortSignal.any([this.closed.signal, AbortSignal.timeout(this.timeoutMs)]);
    const response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url.href} answered ${response.status}`);
    }
    return JSON.parse(await readCapped(response, url)) as unknown;
  }
}

async function readCapped(response: Response, url: URL): Promise<string> {
  const tooLarge = () => new Error(`${url.href} sent more than ${MAX_DOCUMENT_BYTES} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_DOCUMENT_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  if (typeof value !== 'object' || value === null) return false;
  const keys = (value as { keys?: unknown }).keys;
  return Array.isArray(keys) && keys.length <= MAX_KEYS && keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k));
}
