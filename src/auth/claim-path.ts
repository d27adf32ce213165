/**
 * The value at a claim path: the claim of exactly that name when there is one (namespaced claims such as
 * `https://tracker.example.com/accounts` contain dots), else the dotted path walked through nested objects.
 * Own properties only, so `constructor` or `__proto__` never reach the prototype.
 */
export function claimAt(claims: object, path: string): unknown {
  const own = (o: unknown, key: string): unknown =>
    typeof o === 'object' && o !== null && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, key)
      ? (o as Record<string, unknown>)[key]
      : undefined;
  const whole = own(claims, path);
  if (whole !== undefined || !path.includes('.')) return whole;
  return path.split('.').reduce<unknown>((node, key) => own(node, key), claims);
}
