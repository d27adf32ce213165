import {
  EVENT_ENVIRONMENT_LABELS,
  EVENT_ENVIRONMENTS,
  EVENT_IMPACT_LABELS,
  EVENT_IMPACTS,
  EVENT_PRIORITIES,
  EVENT_PRIORITY_LABELS,
  EVENT_STATUS_LABELS,
  EVENT_STATUSES,
  EVENT_TYPE_LABELS,
  EVENT_TYPES,
} from '../../src/contract/enums';
import { type Choice, choice, ENVIRONMENTS, IMPACTS, PRIORITIES, STATUSES, TYPES } from './labels';

describe("the console's enumerations are the contract's", () => {
  it.each([
    ['STATUSES', STATUSES, EVENT_STATUSES, EVENT_STATUS_LABELS],
    ['TYPES', TYPES, EVENT_TYPES, EVENT_TYPE_LABELS],
    ['ENVIRONMENTS', ENVIRONMENTS, EVENT_ENVIRONMENTS, EVENT_ENVIRONMENT_LABELS],
    ['PRIORITIES', PRIORITIES, EVENT_PRIORITIES, EVENT_PRIORITY_LABELS],
    ['IMPACTS', IMPACTS, EVENT_IMPACTS, EVENT_IMPACT_LABELS],
  ] as [string, Choice[], readonly number[], Record<number, string>][])(
    '%s: every value, in order, with its label and a tone',
    (_name, list, values, labels) => {
      expect(list.map((c) => c.value)).toEqual([...values]);
      expect(list.map((c) => c.label)).toEqual(values.map((v) => labels[v]));
      for (const c of list) expect(['good', 'bad', 'warn', 'info', 'accent', 'neutral']).toContain(c.tone);
    },
  );

  it('names the guide priority and answers nothing for an unknown value', () => {
    expect(choice(PRIORITIES, 1)).toEqual({ value: 1, label: 'P1 (Critical)', tone: 'bad' });
    expect(choice(STATUSES, 2)).toBeUndefined();
  });
});
