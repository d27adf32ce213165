import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['/a?access_token=eyJ.x.y', '/a?access_token=[REDACTED]'],
    ['/a?x=1&token=abc&y=2', '/a?x=1&token=[REDACTED]&y=2'],
    ['/a?ID_TOKEN=abc', '/a?ID_TOKEN=[REDACTED]'],
    ['/a?%61ccess_token=abc', '/a?%61ccess_token=[REDACTED]'],
    ['/a?api_key=1&key=2&signature=3&sig=4', '/a?api_key=[REDACTED]&key=[REDACTED]&signature=[REDACTED]&sig=[REDACTED]'],
    ['/a?token', '/a?token=[REDACTED]'],
    ['/a?tokens=keep&monkey=keep', '/a?tokens=keep&monkey=keep'],
    ['/a?bad=%E0%A4%A&token=x', '/a?bad=%E0%A4%A&token=[REDACTED]'],
    ['/a/b', '/a/b'],
    ['/a?token=x#frag', '/a?token=[REDACTED]#frag'],
  ])('%s -> %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
