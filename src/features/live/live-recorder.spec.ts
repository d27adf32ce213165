import { Types } from 'mongoose';
import type { ActivityEventCreations, ActivityLogHooks } from '../activity-log';
import type { AppConfig } from '../../platform/config/app-config.service';
import type { EventMutationListeners } from '../tracker-events';
import type { PendingDeletion, TrackerEventsService } from '../tracker-events';
import type { LiveLogRepository } from './data/live-log.repository';
import type { LiveLogEntryRecord } from './data/live-log.schema';
import type { LiveBus } from './live-bus';
import type { LiveHub } from './live-hub';
import { LiveRecorder, RECOVERY_GRACE_MS, RECOVERY_IDLE_EVERY_MS, RECOVERY_WINDOW_MS, trackerEntry } from './live-recorder';
import type { EventMutationListener } from '../tracker-events';
import type { LockChangeListeners } from '../locks';

const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const pending = (id: string, at: Date, stored: boolean): PendingDeletion => ({ intent: new Types.ObjectId(), id, at, stored });

/** The recorder over an in-memory log and the delete intents `deletions`. */
function setup(deletions: PendingDeletion[], alreadyLogged: string[] = []) {
  const log: LiveLogEntryRecord[] = [];
  const listeners: EventMutationListener[] = [];
  const logRepo = {
    append: jest.fn(async (build: (position: number) => LiveLogEntryRecord) => {
      const rec = build(log.length + 1);
      if (alreadyLogged.includes(rec.change) || log.some((r) => r.change === rec.change)) return undefined;
      log.push(rec);
      return rec;
    }),
    mutationKeysSince: jest.fn(async () => new Set(alreadyLogged)),
  };
  const withdrawn: string[] = [];
  const tracker = {
    mutatedBetween: jest.fn(async () => []),
    pendingDeletions: jest.fn(async () => deletions),
    withdrawDeletions: jest.fn(async (ids: Types.ObjectId[]) => void withdrawn.push(...ids.map((i) => i.toHexString()))),
  };
  const recorder = new LiveRecorder(
    logRepo as unknown as LiveLogRepository,
    { offer: jest.fn() } as unknown as LiveHub,
    { publish: jest.fn() } as unknown as LiveBus,
    {} as AppConfig,
    { register: (l: EventMutationListener) => void listeners.push(l) } as unknown as EventMutationListeners,
    tracker as unknown as TrackerEventsService,
    { registerCreated: jest.fn() } as unknown as ActivityLogHooks,
    { createdBetween: jest.fn(async () => []) } as unknown as ActivityEventCreations,
    { register: jest.fn() } as unknown as LockChangeListeners,
  );
  return { recorder, log, withdrawn, logRepo, listeners };
}

describe('LiveRecorder.recover: deletions left on record', () => {
  it('logs the deletion of an event that is gone and was not logged, then withdraws its intent', async () => {
    const gone = pending('a'.repeat(24), ago(30_000), false);
    const { recorder, log, withdrawn } = setup([gone]);
    expect(await recorder.recover(NOW)).toBe(1);
    expect(log).toEqual([
      expect.objectContaining({ change: `tracker:${gone.id}@deleted`, kind: 'deleted', key: gone.id, data: { id: gone.id } }),
    ]);
    expect(withdrawn).toEqual([gone.intent.toHexString()]);
  });

  it('withdraws without logging again a deletion already logged (its writer logged it, or another instance did)', async () => {
    const gone = pending('b'.repeat(24), ago(30_000), false);
    const { recorder, log, withdrawn } = setup([gone], [`tracker:${gone.id}@deleted`]);
    expect(await recorder.recover(NOW)).toBe(0);
    expect(log).toEqual([]);
    expect(withdrawn).toEqual([gone.intent.toHexString()]);
  });

  it('leaves the intent of an event still stored within the window (its delete may be in flight), withdraws one past it', async () => {
    const inFlight = pending('c'.repeat(24), ago(30_000), true);
    const neverDeleted = pending('d'.repeat(24), ago(RECOVERY_WINDOW_MS + 1000), true);
    const { recorder, log, withdrawn } = setup([neverDeleted, inFlight]);
    expect(await recorder.recover(NOW)).toBe(0);
    expect(log).toEqual([]);
    expect(withdrawn).toEqual([neverDeleted.intent.toHexString()]);
  });
});

describe('LiveRecorder: when the recovery sweep is due', () => {
  const change = { kind: 'deleted' as const, id: 'e'.repeat(24), at: new Date() };

  it('not after appends that were logged; once the grace has passed after one that failed', async () => {
    const { recorder, logRepo, listeners } = setup([]);
    recorder.onModuleInit();
    const start = Date.now();
    await listeners[0].mutationStored(change);
    expect(recorder.recoveryDue(start + RECOVERY_GRACE_MS + 1000)).toBe(false);

    logRepo.append.mockRejectedValueOnce(new Error('store down'));
    await expect(listeners[0].mutationStored({ ...change, id: 'f'.repeat(24) })).rejects.toThrow('store down');
    expect(recorder.recoveryDue(Date.now())).toBe(false);
    const after = Date.now() + RECOVERY_GRACE_MS;
    expect(recorder.recoveryDue(after)).toBe(true);
    // A sweep past the grace covers it.
    await recorder.recover(new Date(after));
    expect(recorder.recoveryDue(after + 1000)).toBe(false);
    expect(recorder.recoveryDue(after + RECOVERY_IDLE_EVERY_MS)).toBe(true);
  });

  it('also when an append could not be placed', async () => {
    const { recorder, listeners } = setup([], [trackerEntry(change).change]);
    recorder.onModuleInit();
    await listeners[0].mutationStored(change);
    expect(recorder.recoveryDue(Date.now() + RECOVERY_GRACE_MS)).toBe(true);
  });
});
