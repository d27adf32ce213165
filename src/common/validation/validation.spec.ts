import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { InvalidInputError } from '../errors/domain-errors';
import { createValidationPipe } from './validation';

class Inner {
  @IsInt() type!: number;
}
class Outer {
  @IsString() title!: string;
  @ValidateNested() @Type(() => Inner) attributes!: Inner;
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
});
