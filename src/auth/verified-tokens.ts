import type { Principal } from './roles';

/** How many verified tokens are remembered; past it the oldest is forgotten first. */
export const VERIFIED_TOKENS_MAX = 1024;

interface Entry {
  principal: Principal;
  /** The token's `exp` in epoch ms; undefined when it never expires. */
  expiresAt: number | undefined;
}

/**
 * The principals of HS256 tokens already verified, by exact token text. A client sends the same token on every
 * call, and verifying it again (decode, HMAC, claims) was about 6 % of the service's CPU on Astra creates. Only
 * a token that verified is remembered, and only while it is valid: an entry past the token's `exp` is dropped
 * and the token verified again (which refuses it as expired). `nbf` needs no check: a token that was already
 * active stays active. The secret is fixed for the process's life, so nothing else can invalidate an entry.
 * Bounded: at most VERIFIED_TOKENS_MAX entries, oldest out first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly max = VERIFIED_TOKENS_MAX,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    // The verifier's rule (jose): expired once the current whole second reaches `exp`.
    if (entry.expiresAt !== undefined && Math.floor(this.now() / 1000) * 1000 >= entry.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  remember(token: string, principal: Principal, expiresAt: number | undefined): void {
    if (this.entries.size >= this.max && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { principal: Object.freeze(principal), expiresAt });
  }

  get size(): number {
    return this.entries.size;
  }
}
