/// <reference lib="es2024.string" />
// String.prototype.isWellFormed is in Node 20 (engines >=20.19) but typed only from lib ES2024.

/**
 * Whether the text is well-formed UTF-16: no lone (unpaired) surrogate. Only such text has a
 * UTF-8 form: a lone surrogate is turned into U+FFFD when the text is encoded for the store,
 * the wire or a hash, so a message would not be stored as sent, and two different ill-formed
 * passwords would hash alike.
 */
export function isWellFormedText(text: string): boolean {
  return text.isWellFormed();
}

/**
 * Characters that show nothing by themselves: Unicode White_Space (spaces, tabs, line breaks,
 * NBSP, ideographic space...), Default_Ignorable_Code_Point (zero-width space U+200B, ZWJ and
 * ZWNJ, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, Hangul fillers U+115F, U+1160,
 * U+3164 and U+FFA0, variation selectors, tags...) and the control characters (Cc: NUL, BEL,
 * ESC...), which render as nothing or as a box.
 */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}]*$/u;

/**
 * Whether the text would show as an empty message: it is made only of invisible characters
 * (above), or of nothing. Text with any other character (a letter, a digit, a symbol, an
 * emoji, a combining mark, a private-use character, U+2800 BRAILLE PATTERN BLANK...) is not
 * blank; callers keep such text exactly as sent, never trimmed or normalised.
 * Expects well-formed text (see isWellFormedText): a lone surrogate counts as visible here.
 */
export function isBlankText(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}

/** Length in Unicode code points, so an emoji (one code point, two UTF-16 units) counts as one. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _codePoint of text) length += 1;
  return length;
}
