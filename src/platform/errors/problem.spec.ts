import { DomainError, InvalidInputError, InvalidQueryError } from './domain-errors';
import { MAX_PROBLEM_DETAIL, MAX_PROBLEM_ITEM_TEXT, MAX_PROBLEM_ITEMS, toProblem } from './problem';

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, reason: 'is not a known field' }));

describe('toProblem: the body never grows with the input', () => {
  it(`lists at most ${MAX_PROBLEM_ITEMS} invalidFields and counts the rest (tracker)`, () => {
    const { body } = toProblem(new InvalidInputError('bad', items(60_000)), false);
    expect(body.invalidFields).toHaveLength(MAX_PROBLEM_ITEMS);
    expect(body.invalidFields?.[0]).toEqual({ name: 'f0', reason: 'is not a known field' });
    expect(body.invalidFieldsOmitted).toBe(60_000 - MAX_PROBLEM_ITEMS);
    expect(JSON.stringify(body).length).toBeLessThan(4096);
  });

  it('the same on Astra routes, keeping the published type, title and detail', () => {
    const { body } = toProblem(new InvalidQueryError(items(30)), true);
    expect(body).toMatchObject({ type: 'https://astra.netapp.io/problems/5', title: 'Invalid query parameters', status: '400' });
    expect(body.invalidParams).toHaveLength(MAX_PROBLEM_ITEMS);
    expect(body.invalidParamsOmitted).toBe(10);
  });

  it('no count when nothing was left out', () => {
    const { body } = toProblem(new InvalidInputError('bad', items(MAX_PROBLEM_ITEMS)), false);
    expect(body.invalidFields).toHaveLength(MAX_PROBLEM_ITEMS);
    expect(body).not.toHaveProperty('invalidFieldsOmitted');
  });

  it('cuts a long detail, name or reason', () => {
    const huge = 'x'.repeat(1_000_000);
    const { body } = toProblem(new InvalidInputError(huge, [{ name: huge, reason: huge }]), false);
    expect(body.detail.length).toBeLessThanOrEqual(MAX_PROBLEM_DETAIL + 3);
    expect(body.invalidFields?.[0].name.length).toBeLessThanOrEqual(MAX_PROBLEM_ITEM_TEXT + 3);
    expect(body.invalidFields?.[0].reason.length).toBeLessThanOrEqual(MAX_PROBLEM_ITEM_TEXT + 3);
    const astra = toProblem(new DomainError('invalid-input', huge), true).body;
    expect(astra.invalidFields?.[0].reason.length).toBeLessThanOrEqual(MAX_PROBLEM_ITEM_TEXT + 3);
  });
});
