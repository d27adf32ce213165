import { KeyedSerializer } from './keyed-serializer';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedSerializer', () => {
  it('runs tasks of one key strictly one after another, in order', async () => {
    const s = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([s.run('a', task('1')), s.run('a', task('2')), s.run('a', task('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys overlap, survives a failing task and forgets idle keys', async () => {
    const s = new KeyedSerializer();
    const log: string[] = [];
    const slow = s.run('a', async () => {
      log.push('a start');
      await tick();
      await tick();
      log.push('a end');
    });
    const fast = s.run('b', async () => {
      log.push('b');
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(['a start', 'b', 'a end']);
    await expect(s.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(s.run('a', async () => 'after')).resolves.toBe('after');
    await tick();
    expect(s.size).toBe(0);
  });
});
