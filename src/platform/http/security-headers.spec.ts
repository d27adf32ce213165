import { createHash } from 'node:crypto';
import { docsPagePolicy, hstsHeader } from './security-headers';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('docsPagePolicy', () => {
  const page = `<html><head><style>body { margin: 0 }</style></head>
    <body><svg style="position:absolute;width:0;height:0"></svg><script src="./docs/x.js"></script>
    <style>
  .a { display: none }
</style></body></html>`;

  it("allows each inline style element and style attribute of the page by hash, never 'unsafe-inline'", () => {
    const policy = docsPagePolicy(page);
    const styleSrc = policy.split('; ').find((d) => d.startsWith('style-src '))!;
    expect(styleSrc).toContain(hash('body { margin: 0 }'));
    expect(styleSrc).toContain(hash('\n  .a { display: none }\n'));
    expect(styleSrc).toContain(`'unsafe-hashes' ${hash('position:absolute;width:0;height:0')}`);
    expect(policy).not.toContain('unsafe-inline');
  });

  it('loads scripts from its own origin only, and cannot be framed', () => {
    const policy = docsPagePolicy(page);
    expect(policy).toMatch(/^default-src 'none'; script-src 'self'; /);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("base-uri 'none'");
  });

  it("without style attributes, no 'unsafe-hashes'", () => {
    expect(docsPagePolicy('<style>p{}</style>')).not.toContain('unsafe-hashes');
  });
});

describe('hstsHeader', () => {
  it('is none for 0 (the default: the service speaks plain http), else max-age with subdomains', () => {
    expect(hstsHeader(0)).toBeUndefined();
    expect(hstsHeader(31536000)).toBe('max-age=31536000; includeSubDomains');
  });
});
