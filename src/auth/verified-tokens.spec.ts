import type { Principal } from './roles';
import { VerifiedTokens } from './verified-tokens';

const principal = (userId: string): Principal => ({ userId, accounts: {} });

describe('VerifiedTokens', () => {
  it('answers a remembered token until the whole second of its exp, then forgets it', () => {
    let now = 1_000_000;
    const tokens = new VerifiedTokens(8, () => now);
    tokens.remember('t', principal('a'), 1_002_000);
    expect(tokens.get('t')?.userId).toBe('a');
    now = 1_001_999;
    expect(tokens.get('t')?.userId).toBe('a');
    now = 1_002_000;
    expect(tokens.get('t')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('keeps a token without exp, and never answers one it was not given', () => {
    const tokens = new VerifiedTokens(8, () => 5e12);
    tokens.remember('forever', principal('b'), undefined);
    expect(tokens.get('forever')?.userId).toBe('b');
    expect(tokens.get('forever ')).toBeUndefined();
    expect(tokens.get('other')).toBeUndefined();
  });

  it('holds at most its bound, forgetting the oldest first', () => {
    const tokens = new VerifiedTokens(3);
    for (const t of ['a', 'b', 'c', 'd']) tokens.remember(t, principal(t), undefined);
    expect(tokens.size).toBe(3);
    expect(tokens.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((t) => tokens.get(t)?.userId)).toEqual(['b', 'c', 'd']);
    tokens.remember('d', principal('d2'), undefined);
    expect(tokens.size).toBe(3);
    expect(tokens.get('b')?.userId).toBe('b');
  });

  it('hands out a principal no caller can change', () => {
    const tokens = new VerifiedTokens();
    tokens.remember('t', principal('a'), undefined);
    expect(Object.isFrozen(tokens.get('t'))).toBe(true);
  });
});
