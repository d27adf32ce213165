import { rmSync } from 'node:fs';
import { EmbeddedFerretDb } from '../../src/platform/database/ferretdb/embedded-ferretdb';

export default async function globalTeardown(): Promise<void> {
  const store = (globalThis as { __TRACKER_STORE__?: EmbeddedFerretDb }).__TRACKER_STORE__;
  await store?.stop();
  if (process.env.TRACKER_TEST_STORE_DIR) rmSync(process.env.TRACKER_TEST_STORE_DIR, { recursive: true, force: true });
}
