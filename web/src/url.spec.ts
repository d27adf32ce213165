import { findRoute, matchPath, withQuery } from './url';

describe('the console URLs (web/src/url.ts)', () => {
  it('withQuery leaves out empty values and encodes the rest', () => {
    expect(withQuery('/', {})).toBe('/');
    expect(withQuery('/', { service: '', page: undefined })).toBe('/');
    expect(withQuery('/locks', { service: 'a b&c', per_page: 20, count: true })).toBe('/locks?service=a+b%26c&per_page=20&count=true');
  });

  it('matchPath matches literal segments exactly and decodes parameters', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/locks', '/locks')).toEqual({});
    expect(matchPath('/locks', '/locks/')).toBeUndefined();
    expect(matchPath('/locks', '/lock')).toBeUndefined();
    expect(matchPath('/events/:id', '/events/abc%2F1')).toEqual({ id: 'abc/1' });
    expect(matchPath('/events/:id', '/events/')).toBeUndefined();
    expect(matchPath('/events/:id', '/events/a/b')).toBeUndefined();
    expect(matchPath('/events/:id', '/events/%E0%A4%A')).toBeUndefined();
  });

  it('findRoute takes the first route that matches', () => {
    const routes = [{ path: '/' }, { path: '/events/:id' }, { path: '/events/:other' }];
    expect(findRoute(routes, '/events/7')).toEqual({ route: routes[1], params: { id: '7' } });
    expect(findRoute(routes, '/')).toEqual({ route: routes[0], params: {} });
    expect(findRoute(routes, '/nowhere')).toBeUndefined();
  });
});
