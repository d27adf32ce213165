import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { childProcessEnv } from '../../config/read-env';
import { REPO_ROOT } from '../../repo-root';

const TOOLS_MODULE = join(REPO_ROOT, 'tools', 'ferretdb');

export class StoreUnavailableAtBoot extends Error {}

/**
 * What the binary is built from: go.mod, go.sum, then the module's .go files (our launcher) in byte order of
 * their relative paths. scripts/build-tools.sh computes the same value for its stamp (a unit test holds them
 * together), so a binary built by either is current for both, and a changed launcher is rebuilt.
 */
export function toolsFingerprint(moduleDir = TOOLS_MODULE): string {
  const sources = readdirSync(moduleDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.go'))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', ...sources]) hash.update(readFileSync(join(moduleDir, f)));
  return hash.digest('hex');
}

/**
 * Makes sure the pinned FerretDB binary exists at `binPath`, building it from the Go tools module when it is
 * missing or the module changed (its pins or the launcher's source). The first build takes a few minutes; later
 * starts reuse the binary.
 */
export function ensureFerretDbBinary(binPath: string, log: (msg: string) => void = () => undefined): string {
  const stamp = `${binPath}.stamp`;
  const fingerprint = existsSync(join(TOOLS_MODULE, 'go.sum')) ? toolsFingerprint() : 'no-tools-module';
  if (existsSync(binPath) && (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() === fingerprint)) {
    return binPath;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new StoreUnavailableAtBoot(
      `No MongoDB configured and the embedded FerretDB is not built (${binPath}) and Go is not installed: set MONGODB_URI to a MongoDB server, or install Go >= 1.24 and start again.`,
    );
  }
  log(`building FerretDB v1.24.2 into ${binPath} (first run only; takes a few minutes)`);
  mkdirSync(dirname(binPath), { recursive: true });
  const build = spawnSync('go', ['build', '-ldflags=-checklinkname=0', '-o', binPath, '.'], {
    cwd: TOOLS_MODULE,
    env: childProcessEnv({ GOTOOLCHAIN: 'local', CGO_ENABLED: '0' }),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (build.status !== 0 || !existsSync(binPath)) {
    const tail = `${build.stderr ?? ''}${build.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new StoreUnavailableAtBoot(`Building FerretDB failed (${tail}): set MONGODB_URI to a MongoDB server, or fix the Go build.`);
  }
  writeFileSync(stamp, fingerprint);
  return binPath;
}
