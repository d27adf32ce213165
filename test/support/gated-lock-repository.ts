import mongoose, { Connection, Model } from 'mongoose';
import type { LockHead } from '../../src/features/locks/data/lock-chains';
import { LockRepository } from '../../src/features/locks/data/lock.repository';
import { LOCK_GENERATION_MODEL, LOCK_HEAD_MODEL, LOCK_ID_MODEL, LockModelDefinitions } from '../../src/features/locks/data/lock.schema';
import type { LockKey, LockState } from '../../src/features/locks/domain/lock-rules';
import { freshDatabaseName, testStoreUri } from './app-harness';

/**
 * A repository whose appends of a `slow-` owner's acquisition wait at a gate after the writer read the head.
 * Once opened the gate stays open until `close()` (a test's next round): a stalled writer whose append lost
 * retries (LockLeases re-reads and appends again), and must not stall a second time behind a new gate.
 */
export class GatedRepository extends LockRepository {
  waiting = 0;
  private opened!: () => void;
  private gate = this.closedGate();

  private closedGate() {
    return new Promise<void>((resolve) => (this.opened = resolve));
  }

  open(): void {
    this.opened();
  }

  close(): void {
    this.gate = this.closedGate();
    this.waiting = 0;
  }

  override async append(key: LockKey, gen: number, value: LockState, now: Date, after: LockHead): Promise<boolean> {
    if (value.state === 'held' && value.lock.owner.startsWith('slow')) {
      this.waiting++;
      await this.gate;
    }
    return super.append(key, gen, value, now, after);
  }
}

/** Two instances on one fresh database, each with its own connection and a gated repository. */
export async function gatedInstances(databasePrefix: string): Promise<{
  connections: Connection[];
  repos: GatedRepository[];
  generations: mongoose.mongo.Collection;
  heads: mongoose.mongo.Collection;
}> {
  const database = freshDatabaseName(databasePrefix);
  const connections: Connection[] = [];
  const repos: GatedRepository[] = [];
  for (let i = 0; i < 2; i++) {
    const connection = await mongoose.createConnection(testStoreUri(database), { autoIndex: false }).asPromise();
    connections.push(connection);
    const model = (name: string) => connection.model(name, LockModelDefinitions.find((d) => d.name === name)!.schema) as Model<any>;
    repos.push(new GatedRepository(model(LOCK_GENERATION_MODEL), model(LOCK_HEAD_MODEL), model(LOCK_ID_MODEL)));
  }
  return { connections, repos, generations: connections[0].collection('lock_generations'), heads: connections[0].collection('lock_heads') };
}
