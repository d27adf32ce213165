import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../repo-root';
import { toolsFingerprint } from './ferretdb-binary';

/** scripts/build-tools.sh stamps the binary it builds; the service must compute the same stamp or they would rebuild in turn. */
const scriptFingerprint = (dir: string) =>
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'build-tools.sh'), '--fingerprint', dir], { encoding: 'utf8' }).trim();

describe('the FerretDB launcher fingerprint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracker-fingerprint-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n');
    writeFileSync(join(dir, 'go.sum'), '');
    writeFileSync(join(dir, 'main.go'), 'package main\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the same in build-tools.sh and the service, for tools/ferretdb', () => {
    expect(toolsFingerprint()).toBe(scriptFingerprint(join(REPO_ROOT, 'tools', 'ferretdb')));
  });

  it('is the same in both for several files, nested and in mixed case, in one order', () => {
    writeFileSync(join(dir, 'Zeta.go'), '// Z\n');
    writeFileSync(join(dir, 'a_test.go'), '// a\n');
    writeFileSync(join(dir, 'notes.txt'), 'not source\n');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'x.go'), '// x\n');
    expect(toolsFingerprint(dir)).toBe(scriptFingerprint(dir));
  });

  it('changes when the launcher source changes, not when other files do', () => {
    const before = toolsFingerprint(dir);
    writeFileSync(join(dir, 'README'), 'docs\n');
    expect(toolsFingerprint(dir)).toBe(before);
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    expect(toolsFingerprint(dir)).not.toBe(before);
  });
});
