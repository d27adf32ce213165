import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { InvalidInputError, InvalidQueryError } from '../errors/domain-errors';
import { MAX_PROBLEM_ITEMS } from '../errors/problem';
import { BoundedInput, undecodable } from './input-bounds';
import { createValidationPipe } from './validation';

class Inner {
  @IsInt() type!: number;
}
@BoundedInput({ tags: { maxItems: 2 } })
class Outer {
  @IsString() title!: string;
  @ValidateNested() @Type(() => Inner) attributes!: Inner;
}

function deepArrays(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const meta = { type: 'body' as const, metatype: Outer };

  it('names nested fields by dotted path', async () => {
    await expect(pipe.transform({ title: 'x', attributes: { type: 'no' } }, meta)).rejects.toMatchObject({
      extra: { invalidFields: [{ name: 'attributes.type', reason: 'must be an integer number' }] },
    });
  });

  it('rejects unknown fields by name', async () => {
    const err = await pipe.transform({ title: 'x', attributes: { type: 1 }, extra: 1 }, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).extra.invalidFields).toEqual([{ name: 'extra', reason: 'is not a known field' }]);
  });

  it('passes a valid body through as a class instance', async () => {
    const out = await pipe.transform({ title: 'x', attributes: { type: 1 } }, meta);
    expect(out).toBeInstanceOf(Outer);
  });

  it('refuses a body nested 10,000 deep as invalid input naming the field, before class-transformer walks it', async () => {
    const err = await pipe.transform({ title: 'x', attributes: { type: 1, message: deepArrays(10_000) } }, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).extra.invalidFields?.[0]).toMatchObject({
      name: expect.stringMatching(/^attributes\.message\[0\]/),
      reason: expect.stringMatching(/nested more than/),
    });
  });

  it("applies the DTO's own per-field caps", async () => {
    const err = await pipe.transform({ title: 'x', attributes: { type: 1 }, tags: [1, 2, 3] }, meta).catch((e: unknown) => e);
    expect((err as InvalidInputError).extra.invalidFields).toEqual([{ name: 'tags', reason: 'has more than 2 entries' }]);
  });

  it('refuses a query past the caps as an invalid query parameter', async () => {
    const err = await pipe.transform({ filter: new Array(5000).fill('x') }, { type: 'query', metatype: Object }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidQueryError);
    expect((err as InvalidQueryError).extra.invalidParams).toEqual([{ name: 'filter', reason: 'has more than 1000 entries' }]);
  });

  it('bounds plain-object payloads too (gRPC messages typed by an interface)', async () => {
    await expect(
      pipe.transform({ event: { visibility: new Array(5000).fill('r') } }, { type: 'body', metatype: Object }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('refuses an undecodable gRPC request as invalid input', async () => {
    const err = await pipe
      .transform(undecodable('maximum nesting depth exceeded'), { type: 'body', metatype: Object })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toMatch(/could not be decoded: maximum nesting depth exceeded/);
  });

  it(`names at most ${MAX_PROBLEM_ITEMS} fields in the message and counts the rest`, async () => {
    const extra = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, 1]));
    const err = (await pipe
      .transform({ title: 'x', attributes: { type: 1 }, ...extra }, meta)
      .catch((e: unknown) => e)) as InvalidInputError;
    expect(err.extra.invalidFields).toHaveLength(50);
    expect(err.message.split('; ')).toHaveLength(MAX_PROBLEM_ITEMS + 1);
    expect(err.message).toMatch(/; and 30 more$/);
  });
});
