import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLength, isBlankText, isWellFormedText } from './text.js';

const utf8RoundTrip = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text));

describe('isWellFormedText', () => {
  it.each([
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', 'a\udc00b'],
    ['a high surrogate at the end', 'abc\ud83d'],
    ['a low surrogate at the start', '\ude00abc'],
    ['two high surrogates', '\ud83d\ud83d'],
    ['a pair in the wrong order', '\ude00\ud83d'],
  ])('refuses %s', (_case, text) => {
    expect(isWellFormedText(text)).toBe(false);
  });

  it.each([
    ['empty text', ''],
    ['ASCII', 'hello'],
    ['a surrogate pair (emoji)', '😀'],
    ['an emoji ZWJ sequence', '👩‍👩‍👧‍👦'],
    ['a combining mark', 'e\u0301'],
    ['U+FFFD itself', '\ufffd'],
  ])('accepts %s', (_case, text) => {
    expect(isWellFormedText(text)).toBe(true);
  });

  it('holds exactly for the text that survives UTF-8 unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(isWellFormedText(text)).toBe(utf8RoundTrip(text) === text);
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});

describe('isBlankText', () => {
  it.each([
    ['empty text', ''],
    ['spaces, tabs and line breaks', ' \t\r\n '],
    ['NBSP, ideographic space, line and paragraph separators', '\u00a0\u3000\u2028\u2029'],
    ['zero-width space', '\u200b'],
    ['ZWJ and ZWNJ', '\u200d\u200c'],
    ['word joiner', '\u2060'],
    ['byte order mark', '\ufeff'],
    ['soft hyphen', '\u00ad'],
    ['Hangul fillers', '\u3164\u115f\u1160\uffa0'],
    ['variation selectors, also supplementary ones', '\ufe0f\ufe00\u{e0100}'],
    ['tag characters', '\u{e0020}\u{e007f}'],
    ['bidi controls', '\u200e\u202e\u2066'],
    ['control characters', '\u0000\u0007\u001b\u007f'],
    ['a mix of all of them', ' \u200b\u3164\ufe0f\u2060\u00ad\n'],
  ])('counts %s as blank', (_case, text) => {
    expect(isBlankText(text)).toBe(true);
  });

  it.each([
    ['a letter among invisible characters', '\u200b a \u200b'],
    ['a lone combining mark', '\u0301'],
    ['an emoji with its variation selector', '❤\ufe0f'],
    ['the braille blank, a character of its own', '\u2800'],
    ['a private-use character', '\ue000'],
    ['U+FFFD', '\ufffd'],
    ['a dot', '.'],
  ])('counts %s as not blank', (_case, text) => {
    expect(isBlankText(text)).toBe(false);
  });

  it('is not blank as soon as one visible character is present, wherever it is', () => {
    const invisible = fc.constantFrom(' ', '\t', '\n', '\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u3164', '\ufe0f', '\u0000');
    const invisibleText = fc.array(invisible).map((characters) => characters.join(''));
    const visible = fc.constantFrom('a', 'Z', '0', '.', '😀', '\u0301', '中', '\u2800');
    fc.assert(
      fc.property(invisibleText, visible, invisibleText, (before, character, after) => {
        expect(isBlankText(before + after)).toBe(true);
        expect(isBlankText(before + character + after)).toBe(false);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});

describe('codePointLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['😀😀', 2],
    ['e\u0301', 2],
    ['👩‍👩‍👧‍👦', 7],
  ])('counts %j as %i code points', (text, length) => {
    expect(codePointLength(text)).toBe(length);
  });

  it('equals the number of code points of any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(codePointLength(text)).toBe(Array.from(text).length);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
