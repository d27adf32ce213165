import { cloudEventDigest } from './delivery-digest';

describe('cloudEventDigest', () => {
  const cdevent = { context: { id: 'deploy-1', source: '/tekton/prod', type: 't' }, subject: { id: 'payments', content: { a: 1 } } };

  it('is the same for the same type and data, whatever the key order', () => {
    const reordered = { subject: { content: { a: 1 }, id: 'payments' }, context: { type: 't', source: '/tekton/prod', id: 'deploy-1' } };
    expect(cloudEventDigest('t', reordered)).toBe(cloudEventDigest('t', cdevent));
  });

  it.each([
    ['another subject', 't', { ...cdevent, subject: { id: 'decoy', content: { a: 1 } } }],
    ['another value deep inside', 't', { ...cdevent, subject: { id: 'payments', content: { a: 2 } } }],
    ['another type', 'u', cdevent],
  ])('differs for %s', (_what, type, data) => {
    expect(cloudEventDigest(type, data)).not.toBe(cloudEventDigest('t', cdevent));
  });

  it('is 64 hex digits', () => {
    expect(cloudEventDigest('t', cdevent)).toMatch(/^[0-9a-f]{64}$/);
  });
});
