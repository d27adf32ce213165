import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import type { Role } from '../../src/auth/roles';
import type { TokenMinter } from './auth';

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface IssuerKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface SignOptions {
  /** default: the issuer's first published key */
  key?: IssuerKey;
  /** default: the issuer's URL */
  iss?: string;
  /** default: TEST_AUDIENCE */
  aud?: string | string[];
  /** seconds from now; default 300 */
  expiresIn?: number;
  /** seconds from now */
  notBefore?: number;
  /** no `exp` at all */
  noExp?: boolean;
}

/** The audience the test apps expect (AUTH_AUDIENCE). */
export const TEST_AUDIENCE = 'tracker-e2e';

/**
 * A local OpenID Connect issuer for tests: an HTTP server on a free loopback port serving the discovery
 * metadata and a JWKS of real keys (jose's generateKeyPair/exportJWK), signing tokens with them, counting the
 * requests it gets, and able to rotate keys or go down.
 */
export class TestOidcIssuer {
  readonly requests = { discovery: 0, jwks: 0 };
  private published: IssuerKey[] = [];
  private server?: Server;
  private base = '';

  /** The issuer identifier (`iss`), e.g. http://127.0.0.1:41234/realms/test */
  get url(): string {
    return `${this.base}/realms/test`;
  }

  static async start(algs: SigningAlg[] = ['RS256']): Promise<TestOidcIssuer> {
    const issuer = new TestOidcIssuer();
    for (const alg of algs) issuer.publish(await TestOidcIssuer.generateKey(alg));
    await issuer.listen();
    return issuer;
  }

  static async generateKey(alg: SigningAlg): Promise<IssuerKey> {
    const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    const kid = randomUUID();
    return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  /** Publishes a key in the JWKS (first published = default signer). */
  publish(key: IssuerKey): IssuerKey {
    this.published.push(key);
    return key;
  }

  unpublish(key: IssuerKey): void {
    this.published = this.published.filter((k) => k.kid !== key.kid);
  }

  keyFor(alg: SigningAlg): IssuerKey {
    const key = this.published.find((k) => k.alg === alg);
    if (!key) throw new Error(`TestOidcIssuer: no published ${alg} key`);
    return key;
  }

  /** A signed token: the given claims plus iss, aud, iat, exp (and nbf) unless overridden. */
  async sign(claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const key = options.key ?? this.published[0];
    if (!key) throw new Error('TestOidcIssuer: no key to sign with');
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.iss ?? this.url)
      .setAudience(options.aud ?? TEST_AUDIENCE)
      .setIssuedAt(now);
    if (!options.noExp) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** The app environment that trusts this issuer. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { AUTH_ISSUER: this.url, AUTH_AUDIENCE: TEST_AUDIENCE, ...extra };
  }

  /** The issuer goes down: the port stops answering. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/realms/test/.well-known/openid-configuration') {
      this.requests.discovery++;
      json({
        issuer: this.url,
        jwks_uri: `${this.url}/protocol/openid-connect/certs`,
        id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      });
    } else if (req.url === '/realms/test/protocol/openid-connect/certs') {
      this.requests.jwks++;
      json({ keys: this.published.map((k) => k.publicJwk) });
    } else {
      res.writeHead(404).end();
    }
  }
}

/**
 * OIDC-issued tokens for the tests that run over every token kind (the auth matrix): a local issuer signing
 * with `alg`, roles carried as `tracker:<account>:<role>` groups (the Keycloak way, with its leading `/`).
 */
export function oidcMinter(alg: SigningAlg = 'RS256'): TokenMinter & { issuer(): TestOidcIssuer } {
  let issuer: TestOidcIssuer | undefined;
  const running = () => {
    if (!issuer) throw new Error('oidcMinter: start() first');
    return issuer;
  };
  return {
    name: `OIDC ${alg}`,
    issuer: running,
    async start() {
      issuer = await TestOidcIssuer.start([alg]);
      return issuer.env();
    },
    async bearer(accountId: string, role: Role, options: { user?: string } = {}) {
      const token = await running().sign({
        sub: options.user ?? randomUUID(),
        groups: ['/offline_access', `/tracker:${accountId}:${role}`],
      });
      return { authorization: `Bearer ${token}` };
    },
    async stop() {
      await issuer?.stop();
    },
  };
}
