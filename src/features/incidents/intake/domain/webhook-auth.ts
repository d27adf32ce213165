import { createHmac, timingSafeEqual } from 'node:crypto';
import { sameSecret } from '../../../intake';

/** The most `v1=` signatures one X-PagerDuty-Signature may list (PagerDuty sends one per active secret). */
export const MAX_PAGERDUTY_SIGNATURES = 10;
const V1 = /^v1=([0-9a-fA-F]{64})$/;

/**
 * PagerDuty V3: X-PagerDuty-Signature holds comma-separated `v1=<hex HMAC-SHA256 of the raw body>`, several
 * while a secret is being rotated. True when any of them is the body's HMAC under `secret`; each comparison is
 * in constant time (timingSafeEqual over equal-length digests). Signatures in another scheme are passed over.
 */
export function pagerDutySignatureMatches(secret: string, raw: Buffer, header: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest();
  const signatures = header
    .split(',')
    .map((part) => V1.exec(part.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .slice(0, MAX_PAGERDUTY_SIGNATURES);
  let matched = false;
  // Every listed signature is compared (no early exit), so the time spent says nothing about which one matched.
  for (const hex of signatures) matched = timingSafeEqual(Buffer.from(hex, 'hex'), expected) || matched;
  return matched;
}

/** Whether the header lists at least one signature in the v1 scheme at all. */
export function hasV1Signature(header: string): boolean {
  return header.split(',').some((part) => V1.test(part.trim()));
}

/**
 * `Authorization: Bearer <token>` against the configured token, in constant time: both sides are hashed first,
 * so neither the token's length nor its first differing character shows in the time taken.
 */
export function bearerTokenMatches(expected: string, authorization: string | undefined): boolean {
  const match = authorization === undefined ? null : /^Bearer +(\S{1,4096}) *$/i.exec(authorization);
  const given = match?.[1] ?? '';
  const equal = sameSecret(given, expected);
  return match !== null && equal;
}
