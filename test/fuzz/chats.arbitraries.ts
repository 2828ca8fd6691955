import fc from 'fast-check';
import { MAX_MESSAGE_CHARACTERS } from '../../src/modules/chats/chats.schemas.js';
import { escaped } from './transport.js';
import { aroundLimits, DANGEROUS_KEYS, fieldValue, GRAPHEME_CLUSTERS, INJECTIONS, INVISIBLES, LONE_SURROGATES, mutatedObject, nastyText, textOfCodePoints } from './values.js';

/** One code point each, of one or two UTF-16 units, visible or not. */
const SINGLE_CODE_POINTS = ['x', 'é', '中', '😀', '\u{1F9D1}', '\u200b', ' ', '\u0301'];

/** Message text: ordinary, nasty, around the 4000 code point limit, blank, ill-formed. */
export const messageText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: nastyText },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }) },
  { weight: 2, arbitrary: aroundLimits(1, MAX_MESSAGE_CHARACTERS).chain((length) => textOfCodePoints(length, SINGLE_CODE_POINTS)) },
  // Whole grapheme clusters repeated past the limit: a family emoji is 7 code points, 11 UTF-16 units.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...GRAPHEME_CLUSTERS), fc.integer({ min: 1, max: 700 })).map(([cluster, times]) => cluster.repeat(times)) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...INVISIBLES), { maxLength: 8 }).map((characters) => characters.join('')) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(...LONE_SURROGATES), fc.nat(20))
      .map(([text, lone, at]) => text.slice(0, at) + lone + text.slice(at)),
  },
);

const PRINTABLE_ASCII = [...Array(94)].map((_, i) => String.fromCharCode(0x21 + i));

/** clientMsgId: fresh or reused, 0-1 and 63-65 long, with spaces, non-ASCII or nasty. */
export const clientMsgId: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PRINTABLE_ASCII), { minLength: 12, maxLength: 24 }).map((characters) => characters.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('retry-1', 'retry-2', '__proto__', 'constructor', '$ne') }, // reused: idempotent retries
  { weight: 2, arbitrary: aroundLimits(1, 64).chain((length) => fc.array(fc.constantFrom(...PRINTABLE_ASCII), { minLength: length, maxLength: length }).map((c) => c.join(''))) },
  { weight: 1, arbitrary: fc.constantFrom('has space', 'tab\there', 'é-accent', 'emoji-😀', '', ' ') },
  { weight: 1, arbitrary: nastyText },
);

const ID_CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'];

/** Ids of the right form but no one's, 0-1 and 63-65 long. */
const unknownId = aroundLimits(1, 64).chain((length) =>
  fc.array(fc.constantFrom(...ID_CHARACTERS), { minLength: length, maxLength: length }).map((characters) => characters.join('')),
);

/** A user id: mostly one of `ids`, else no one's, key-like, or not an id at all. */
export function userId(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...ids) },
    { weight: 2, arbitrary: unknownId },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS, ...INJECTIONS) },
    { weight: 1, arbitrary: nastyText },
  );
}

/** A path segment: the id escaped cleanly, or raw (malformed escapes, ".", "..", encoded slashes). */
export function pathSegment(id: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: id.map((text) => escaped(text, false)) },
    { weight: 1, arbitrary: id.map((text) => escaped(text, true)) },
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '%2e%2e', '%2F', 'a%2Fb', '%', '%zz', '%E0%A4', '%00', '%C0%AF', '%ED%A0%80', '') },
  );
}

/** The body of POST /chats/:userId/send and of the send_message event. */
export function sendBody(receiverIds: string[]): fc.Arbitrary<unknown> {
  const plausible = fc.record({ receiverId: fc.constantFrom(...receiverIds), message: messageText, clientMsgId });
  return fc.oneof(
    { weight: 3, arbitrary: plausible },
    { weight: 2, arbitrary: mutatedObject({ receiverId: fieldValue(userId(receiverIds)), message: fieldValue(messageText), clientMsgId: fieldValue(clientMsgId) }) },
  );
}

const LIMITS = ['0', '1', '2', '49', '50', '99', '100', '101', '199', '200', '201', '499', '500', '501', '-1', '-0', '1.5', '1e2', '0x10', '0b11', ' 5', '5 ', '', 'NaN', 'Infinity', '9007199254740993', '1e400', '00050', '+5', '5abc', '١٢'];

/** Values for a limit query parameter: around every limit, negative, fractional, huge, not a number. */
export const limitValue = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...LIMITS) }, { weight: 1, arbitrary: fc.integer().map(String) });

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors of every sort: forged in the server's format, of the other kind, malformed. */
export const forgedCursor = fc.oneof(
  fc.constantFrom('s1:0', 's1:1', 's1:00', 's1:-1', 's1:1.5', 's1:9007199254740993', 's1:99999999', 'h1:0', 'h1:1', 'h1:5', 'x1:1', 's1:1\n', 's1:').map(b64),
  fc.constantFrom('czE6MA==', 'czE6MA=', 'czE6MA.', '%', 'czE6M', 'a'.repeat(64), 'a'.repeat(65), '__proto__', 'constructor', '$ne'),
  fc.string({ maxLength: 12 }),
);

/** A cursor: one the server issued (from `issued()`), or a forged one. */
export function cursorValue(issued: () => string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.nat().map((index) => { const all = issued(); return all.length === 0 ? 'czE6MA' : (all[index % all.length] as string); }) },
    { weight: 2, arbitrary: forgedCursor },
  );
}
