import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedFerretDb } from '../../src/platform/database/ferretdb/embedded-ferretdb';
import { ensureFerretDbBinary } from '../../src/platform/database/ferretdb/ferretdb-binary';
import { REPO_ROOT } from '../../src/platform/repo-root';

/** One real FerretDB for the whole run; each test file uses its own database (its own SQLite file). */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  const bin = ensureFerretDbBinary(join(REPO_ROOT, '.bin', 'ferretdb'), (m) => process.stderr.write(`${m}\n`));
  const dataDir = mkdtempSync(join(tmpdir(), 'tracker-test-store-'));
  const store = new EmbeddedFerretDb({ binPath: bin, dataDir });
  await store.start();
  (globalThis as { __TRACKER_STORE__?: EmbeddedFerretDb }).__TRACKER_STORE__ = store;
  // Workers inherit the parent's environment; this is how they find the store.
  process.env.TRACKER_TEST_STORE_PORT = String(store.port);
  process.env.TRACKER_TEST_STORE_PID = String(store.pid);
  process.env.TRACKER_TEST_STORE_DIR = dataDir;
}
