import { Types } from 'mongoose';
import { buildEventRecord } from './domain/event-record';
import { EventWriteHook, EventWriteHooks } from './event-write-hooks';

describe('EventWriteHooks', () => {
  const now = new Date('2024-01-01T00:00:00Z');
  const record = buildEventRecord({ title: 't', attributes: { type: 1, service: 's' } }, now, 'rest', new Types.ObjectId());

  /** A hook that writes down what it was told; `refuse` makes its beforeCreate throw. */
  function recorder(name: string, calls: string[], refuse = false): EventWriteHook {
    return {
      beforeCreate: () => {
        calls.push(`${name}.beforeCreate`);
        return refuse
          ? Promise.reject(new Error(`${name} refuses`))
          : Promise.resolve([{ at: now, field: 'lock', old: null, new: name, source: name }]);
      },
      createFailed: () => Promise.resolve(void calls.push(`${name}.createFailed`)),
      beforeUpdate: () => Promise.resolve(void calls.push(`${name}.beforeUpdate`)),
      afterUpdate: () => Promise.resolve(void calls.push(`${name}.afterUpdate`)),
      afterDelete: () => Promise.resolve(void calls.push(`${name}.afterDelete`)),
    };
  }

  it('collects the entries of every hook, in order', async () => {
    const hooks = new EventWriteHooks();
    const calls: string[] = [];
    hooks.register(recorder('a', calls));
    hooks.register(recorder('b', calls));
    expect((await hooks.beforeCreate(record, now)).map((e) => e.new)).toEqual(['a', 'b']);
    await hooks.afterUpdate(record, record, now);
    expect(calls).toEqual(['a.beforeCreate', 'b.beforeCreate', 'a.afterUpdate', 'b.afterUpdate']);
  });

  it('when a hook refuses, tells only the hooks that already ran, then throws the refusal', async () => {
    const hooks = new EventWriteHooks();
    const calls: string[] = [];
    hooks.register(recorder('a', calls));
    hooks.register(recorder('b', calls, true));
    hooks.register(recorder('c', calls));
    await expect(hooks.beforeCreate(record, now)).rejects.toThrow('b refuses');
    expect(calls).toEqual(['a.beforeCreate', 'b.beforeCreate', 'a.createFailed']);
  });
});
