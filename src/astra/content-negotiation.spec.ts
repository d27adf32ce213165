import { ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { DomainError } from '../platform/errors/domain-errors';
import { ContentNegotiationInterceptor, negotiate } from './content-negotiation';

describe('negotiate', () => {
  const T = 'application/astra-event+json';
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/*', 'application/json'],
    ['application/json', 'application/json'],
    [T, T],
    [`application/json, ${T}`, T],
    [`${T};q=0.4, application/json`, 'application/json'],
    [`text/html, */*;q=0.1`, 'application/json'],
  ])('Accept %p -> %s', (accept, expected) => expect(negotiate(accept, T)).toBe(expected));

  it.each([['text/html'], ['application/xml'], ['application/json;q=0'], [`${T};q=0, application/json;q=0`]])(
    'Accept %p -> 406',
    (accept) => {
      expect(() => negotiate(accept, T)).toThrow(DomainError);
    },
  );
});

describe('ContentNegotiationInterceptor', () => {
  const T = 'application/astra-event+json';
  function call(accept: string | undefined) {
    const headers: Record<string, string> = {};
    const reply = { header: (k: string, v: string) => ((headers[k] = v), reply) };
    const context = {
      switchToHttp: () => ({ getRequest: () => ({ headers: { accept } }), getResponse: () => reply }),
    } as unknown as ExecutionContext;
    let ran = false;
    const handler = { handle: () => ((ran = true), of({ ok: true })) };
    return { headers, ran: () => ran, run: () => lastValueFrom(new ContentNegotiationInterceptor(T).intercept(context, handler)) };
  }

  it('answers in the negotiated type', async () => {
    const c = call(T);
    await expect(c.run()).resolves.toEqual({ ok: true });
    expect(c.headers['content-type']).toBe(T);
  });

  it('refuses an unservable Accept with 406 before the handler runs', () => {
    const c = call('text/csv');
    expect(() => c.run()).toThrow(expect.objectContaining({ kind: 'not-acceptable' }));
    expect(c.ran()).toBe(false);
    expect(c.headers['content-type']).toBeUndefined();
  });
});
