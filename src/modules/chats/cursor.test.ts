import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { decodeHistoryCursor, encodeHistoryCursor } from './cursor.js';

function decodeError(cursor: string): unknown {
  try {
    decodeHistoryCursor(cursor);
  } catch (error) {
    return error;
  }
  return new Error(`decodeHistoryCursor(${JSON.stringify(cursor)}) did not throw`);
}

const encodeRaw = (text: string) => Buffer.from(text).toString('base64url');

describe('history cursor', () => {
  it.each([1, 2, 42, 1_000_000, 2 ** 31, Number.MAX_SAFE_INTEGER])('round-trips seq %d', (seq) => {
    const cursor = encodeHistoryCursor(seq);
    expect(decodeHistoryCursor(cursor)).toBe(seq);
  });

  it('is opaque and URL-safe', () => {
    const cursor = encodeHistoryCursor(123_456_789);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('123456789');
  });

  it('gives different seqs different cursors', () => {
    expect(encodeHistoryCursor(10)).not.toBe(encodeHistoryCursor(11));
  });

  it.each([
    ['empty', ''],
    ['garbage text', 'garbage'],
    ['not base64 at all', '!!!***$$$'],
    ['non-base64 symbols only', '%%%%'],
    ['zero', encodeRaw('h1:0')],
    ['negative', encodeRaw('h1:-5')],
    ['float', encodeRaw('h1:1.5')],
    ['exponent', encodeRaw('h1:1e3')],
    ['leading zero', encodeRaw('h1:007')],
    ['huge, beyond the safe integer range', encodeRaw('h1:9999999999999999')],
    ['just past MAX_SAFE_INTEGER', encodeRaw(`h1:${Number.MAX_SAFE_INTEGER + 2}`)],
    ['more digits than any seq', encodeRaw('h1:123456789012345678901234567890')],
    ['wrong version prefix', encodeRaw('h2:5')],
    ['no prefix', encodeRaw('5')],
    ['trailing text', encodeRaw('h1:5x')],
    ['whitespace around the seq', encodeRaw('h1: 5 ')],
    ['a raw number', '5'],
    ['encoded zero', encodeHistoryCursor(0)],
    ['encoded negative', encodeHistoryCursor(-1)],
    ['encoded float', encodeHistoryCursor(2.5)],
    ['encoded NaN', encodeHistoryCursor(Number.NaN)],
  ])('rejects %s with AppError validation_failed', (_label, cursor) => {
    const error = decodeError(cursor);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
  });

  // Only what encodeHistoryCursor writes is "a cursor this server issued". Base64 decoding in
  // Node skips characters outside the alphabet, so these would otherwise decode to a valid seq.
  it.each([
    ['non-base64 characters appended', `${encodeHistoryCursor(5)}$$$`],
    ['a non-base64 character prepended', `!${encodeHistoryCursor(5)}`],
    ['a space inside', `${encodeHistoryCursor(5).slice(0, 2)} ${encodeHistoryCursor(5).slice(2)}`],
    ['padding the encoder never writes', `${encodeHistoryCursor(5)}==`],
  ])('rejects a cursor with %s', (_label, cursor) => {
    const error = decodeError(cursor);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
  });
});
