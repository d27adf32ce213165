import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { identifierProblem, IsIdentifier, isIdentifier, refusedCharacterProblem } from './identifier';

describe('identifierProblem: the refused characters', () => {
  it.each<[string, string, RegExp]>([
    ['right-to-left override', 'pay\u202Ements', /U\+202E \(a bidirectional control character\)/],
    ['left-to-right override', 'pay\u202Dments', /U\+202D \(a bidirectional control/],
    ['left-to-right embedding', '\u202Apayments', /U\+202A \(a bidirectional/],
    ['pop directional formatting', 'payments\u202C', /U\+202C \(a bidirectional/],
    ['right-to-left isolate', 'pay\u2067ments', /U\+2067 \(a bidirectional/],
    ['first strong isolate', 'pay\u2068ments', /U\+2068 \(a bidirectional/],
    ['pop directional isolate', 'pay\u2069ments', /U\+2069 \(a bidirectional/],
    ['left-to-right mark', 'pay\u200Ements', /U\+200E \(a bidirectional/],
    ['right-to-left mark', 'pay\u200Fments', /U\+200F \(a bidirectional/],
    ['Arabic letter mark', 'pay\u061Cments', /U\+061C \(a bidirectional/],
    ['zero width space', 'pay\u200Bments', /U\+200B \(an invisible formatting character\)/],
    ['zero width non-joiner', 'pay\u200Cments', /U\+200C \(an invisible/],
    ['zero width joiner', 'pay\u200Dments', /U\+200D \(an invisible/],
    ['word joiner', 'pay\u2060ments', /U\+2060 \(an invisible/],
    ['invisible plus', 'pay\u2064ments', /U\+2064 \(an invisible/],
    ['byte order mark', '\uFEFFpayments', /U\+FEFF \(an invisible/],
    ['soft hyphen', 'pay\u00ADments', /U\+00AD \(an invisible/],
    ['Mongolian vowel separator', 'pay\u180Ements', /U\+180E \(an invisible/],
    ['tag letter', 'payments\u{E0041}', /U\+E0041 \(an invisible/],
    ['cancel tag', 'payments\u{E007F}', /U\+E007F \(an invisible/],
    ['Hangul filler', 'pay\u3164ments', /U\+3164 \(an invisible/],
    ['variation selector', 'pay\uFE0Fments', /U\+FE0F \(an invisible/],
    ['NUL', 'pay\u0000ments', /U\+0000 \(a control character\)/],
    ['tab', 'pay\tments', /U\+0009 \(a control/],
    ['newline', 'payments\n', /U\+000A \(a control/],
    ['DEL', 'pay\u007Fments', /U\+007F \(a control/],
    ['C1 control', 'pay\u0085ments', /U\+0085 \(a control/],
    ['line separator', 'pay\u2028ments', /U\+2028 \(a line or paragraph separator\)/],
    ['paragraph separator', 'pay\u2029ments', /U\+2029 \(a line or paragraph/],
    ['no-break space', 'pay\u00A0ments', /U\+00A0 \(a space other than U\+0020\)/],
    ['ideographic space', 'pay\u3000ments', /U\+3000 \(a space other/],
    ['private use', 'pay\uE000ments', /U\+E000 \(a private-use character\)/],
    ['supplementary private use', 'pay\u{F0000}ments', /U\+F0000 \(a private-use/],
    ['lone surrogate', 'pay\uD800ments', /U\+D800 \(a lone surrogate\)/],
    ['unassigned', 'pay\u0378ments', /U\+0378 \(an unassigned code point\)/],
    ['leading space', ' payments', /^must not start or end with a space$/],
    ['trailing space', 'payments ', /^must not start or end with a space$/],
  ])('%s: refused', (_name, value, reason) => {
    expect(identifierProblem(value)).toMatch(reason);
    expect(isIdentifier(value)).toBe(false);
  });

  it('names the first refused character', () => {
    expect(identifierProblem('a\u200Bb\u202Ec')).toBe('must not contain U+200B (an invisible formatting character)');
  });

  it.each([
    'payments',
    'user-service',
    'org/repo.name_2',
    'payments team',
    'café',
    'Ωmega-ß',
    '日本語サービス',
    'خدمة-الدفع',
    'שירות',
    '😀',
    '👍🏽',
    '',
  ])('%s: accepted', (value) => {
    expect(identifierProblem(value)).toBeUndefined();
    expect(isIdentifier(value)).toBe(true);
  });

  it('judges characters but not surrounding spaces in refusedCharacterProblem (environment names are trimmed)', () => {
    expect(refusedCharacterProblem(' production ')).toBeUndefined();
    expect(refusedCharacterProblem('produc\u200Btion')).toMatch(/U\+200B/);
  });

  it('is no predicate for non-strings', () => {
    expect(isIdentifier(42)).toBe(false);
    expect(isIdentifier(undefined)).toBe(false);
  });
});

describe('@IsIdentifier', () => {
  class Dto {
    @IsOptional()
    @IsIdentifier()
    service?: unknown;

    @IsOptional()
    @IsIdentifier({ each: true })
    stakeHolders?: unknown;
  }
  const check = (plain: object) => {
    const dto = plainToInstance(Dto, plain);
    return { dto, errors: validateSync(dto).map((e) => ({ property: e.property, constraints: e.constraints })) };
  };

  it('refuses a look-alike, naming the character', () => {
    expect(check({ service: 'pay\u202Ements' }).errors).toEqual([
      { property: 'service', constraints: { isIdentifier: 'must not contain U+202E (a bidirectional control character)' } },
    ]);
  });

  it('names the refused entry of an array', () => {
    expect(check({ stakeHolders: ['ops', 'fin\u200Bance'] }).errors).toEqual([
      { property: 'stakeHolders', constraints: { isIdentifier: 'entry 1 must not contain U+200B (an invisible formatting character)' } },
    ]);
  });

  it('normalises to NFC, so canonically equivalent names are one name', () => {
    const decomposed = 'cafe\u0301';
    const { dto, errors } = check({ service: decomposed, stakeHolders: [decomposed] });
    expect(errors).toEqual([]);
    expect(dto.service).toBe('caf\u00E9');
    expect(dto.stakeHolders).toEqual(['caf\u00E9']);
  });

  it('leaves non-strings to the type validators', () => {
    expect(check({ service: 42 }).errors).toEqual([]);
    expect(check({}).errors).toEqual([]);
  });
});
