/** Locks' public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists, and
 * the service deployability reads the active locks of a service and environment from (`activeOn`). */
export { LocksModule } from './locks.module';
export { LocksService } from './locks.service';
export type { KeyedLock } from './lock-leases';
export { LockChangeListeners, type LockChangeListener } from './lock-changes';
export { toLockResponse } from './locks.mapper';
