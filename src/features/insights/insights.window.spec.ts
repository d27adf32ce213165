import { InvalidInputError } from '../../platform/errors/domain-errors';
import { resolveWindow } from './insights.window';

const now = new Date('2024-06-15T12:00:00Z');
const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

describe('resolveWindow', () => {
  it.each([
    [undefined, undefined, ['2024-05-16T12:00:00.000Z', '2024-06-15T12:00:00.000Z']],
    ['2024-06-01', undefined, ['2024-06-01T00:00:00.000Z', '2024-06-15T12:00:00.000Z']],
    [undefined, '2024-03-30', ['2024-03-01T00:00:00.000Z', '2024-03-31T00:00:00.000Z']],
    ['2024-03-01', '2024-03-30', ['2024-03-01T00:00:00.000Z', '2024-03-31T00:00:00.000Z']],
    ['2024-03-01T06:00:00+02:00', '2024-03-02T00:00:00Z', ['2024-03-01T04:00:00.000Z', '2024-03-02T00:00:00.000Z']],
    ['2023-03-01', '2024-02-29', ['2023-03-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']],
    // widened to whole minutes: from down, to up
    ['2024-03-01T10:00:59.999Z', '2024-03-02T10:00:00.001Z', ['2024-03-01T10:00:00.000Z', '2024-03-02T10:01:00.000Z']],
    ['2024-03-01T10:00:01Z', '2024-03-01T10:00:02Z', ['2024-03-01T10:00:00.000Z', '2024-03-01T10:01:00.000Z']],
    [undefined, '2024-03-31T10:00:30Z', ['2024-03-01T10:01:00.000Z', '2024-03-31T10:01:00.000Z']],
    // never widened past the last four-digit-year instant (found by the REST fuzz: `to` answered as +010000-...)
    [undefined, '9999-12-31T23:59:59.999Z', ['9999-12-01T23:59:00.000Z', '9999-12-31T23:59:59.999Z']],
    [undefined, '9999-12-31T23:59:30Z', ['9999-12-01T23:59:00.000Z', '9999-12-31T23:59:59.999Z']],
  ])('from %s, to %s -> [%j)', (from, to, expected) => {
    expect(iso(resolveWindow(from, to, now))).toEqual(expected);
  });

  it.each([
    ['2024-03-02T00:00:00Z', '2024-03-02T00:00:00Z', 'to'],
    ['2024-03-02T00:00:30Z', '2024-03-02T00:00:10Z', 'to'],
    ['2024-06-15T12:00:30Z', undefined, 'from'],
    ['2023-02-28', '2024-02-29', 'to'],
    ['2020-01-01', undefined, 'from'],
    ['2030-01-01', undefined, 'from'],
  ])('refuses from %s, to %s naming %s', (from, to, field) => {
    try {
      resolveWindow(from, to, now);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).extra.invalidFields?.[0].name).toBe(field);
    }
  });
});
