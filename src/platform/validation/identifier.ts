import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/*
 * Identifiers (service, owner, source, stake holder, lock and change names, and the filters that select by them)
 * are compared and shown as text, so two names that render alike must not both exist: `payments` and
 * `pay\u202Ements` (a right-to-left override that reorders what follows) or `pay\u200Bments` (a zero width space)
 * would be two services to the store and one to a reader. The refused set, by Unicode property (docs/security.md,
 * "Identifiers"):
 * - Cf, format characters: the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
 *   zero width characters (U+200B-U+200D, U+2060-U+2064, U+FEFF), the soft hyphen U+00AD, U+180E, tags
 *   (U+E0001, U+E0020-U+E007F);
 * - Default_Ignorable_Code_Point: what renders as nothing without being Cf (Hangul fillers U+115F, U+1160,
 *   U+3164, U+FFA0, variation selectors, U+034F, unassigned tag code points);
 * - Cc controls (NUL, tab, newlines, DEL, C1), Zl and Zp (U+2028, U+2029), and every space separator (Zs)
 *   other than U+0020 (no-break, en, em, ideographic spaces look like a space and are not one);
 * - Co private use, Cs lone surrogates and Cn unassigned code points (no agreed rendering at all);
 * - and a leading or trailing space.
 * Cross-script confusables (a Cyrillic `а` for a Latin `a`) are not judged: that needs UTS #39 data and would
 * refuse honest names in other scripts.
 *
 * Accepted names are normalised to NFC first, so a decomposed `café` and a composed one are one name.
 * Free text (titles, messages, reasons, descriptions) keeps every character: the console isolates it instead.
 */

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const REFUSED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;

/** What kind of refused character `c` is, for the reason a problem gives (the first match wins). */
const KINDS: [RegExp, string][] = [
  [BIDI_CONTROLS, 'a bidirectional control character'],
  [/\p{Cc}/u, 'a control character'],
  [/[\p{Zl}\p{Zp}]/u, 'a line or paragraph separator'],
  [/\p{Zs}/u, 'a space other than U+0020'],
  [/\p{Co}/u, 'a private-use character'],
  [/\p{Cs}/u, 'a lone surrogate'],
  [/\p{Cn}/u, 'an unassigned code point'],
];

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` may not be part of a name because of a character it holds (invisible, bidirectional, control,
 * unassigned...), or undefined when it holds none. Surrounding spaces are not judged here: environment names
 * from upstream systems are matched with them trimmed.
 */
export function refusedCharacterProblem(value: string): string | undefined {
  const found = REFUSED.exec(value)?.[0];
  if (found === undefined) return undefined;
  const kind = KINDS.find(([pattern]) => pattern.test(found))?.[1] ?? 'an invisible formatting character';
  return `must not contain ${codePoint(found)} (${kind})`;
}

/** Why `value` is not an acceptable identifier, or undefined when it is one. */
export function identifierProblem(value: string): string | undefined {
  return refusedCharacterProblem(value) ?? (/^ | $/.test(value) ? 'must not start or end with a space' : undefined);
}

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && identifierProblem(value) === undefined;
}

const toNfc = (value: unknown): unknown =>
  typeof value === 'string' ? value.normalize('NFC') : Array.isArray(value) ? value.map(toNfc) : value;

/** The reason for a refused value; with `each`, class-validator passes the whole array, so name the entry. */
function reasonFor({ value }: ValidationArguments): string {
  if (!Array.isArray(value)) return typeof value === 'string' ? (identifierProblem(value) ?? 'is invalid') : 'must be a string';
  const index = value.findIndex((entry) => !isIdentifier(entry));
  const entry: unknown = value[index];
  return `entry ${index} ${typeof entry === 'string' ? identifierProblem(entry) : 'must be a string'}`;
}

/**
 * A name (service, owner...): normalised to NFC, then refused when it holds an invisible, bidirectional, control
 * or unassigned character or starts or ends with a space. Non-strings are left to IsString.
 */
export const IsIdentifier = (options?: ValidationOptions) =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => toNfc(value)),
    ValidateBy(
      {
        name: 'isIdentifier',
        validator: { validate: (v: unknown) => typeof v !== 'string' || identifierProblem(v) === undefined, defaultMessage: reasonFor },
      },
      options,
    ),
  );
