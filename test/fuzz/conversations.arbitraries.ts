import fc from 'fast-check';
import { forgedCursor, limitValue } from './chats.arbitraries.js';
import { aroundLimits, DANGEROUS_KEYS, fieldValue, INJECTIONS, mutatedObject, nastyText } from './values.js';

/*
 * Inputs of the inbox and its marks. The world grows while the fuzz runs (new conversations,
 * messages, cursors), so the real values are read when each input is generated: fast-check
 * generates an input just before running it.
 */

/** One of the values `values()` holds when the input is generated; `none` while it holds none. */
export function current(values: () => readonly string[], none: string): fc.Arbitrary<string> {
  return fc.nat().map((index) => {
    const all = values();
    return all.length === 0 ? none : (all[index % all.length] as string);
  });
}

const ID_CHARACTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'];

/** Text of `length` id characters: with lengths 0 and 65, not an id. */
const idOfLength = (length: number) => fc.array(fc.constantFrom(...ID_CHARACTERS), { minLength: length, maxLength: length }).map((characters) => characters.join(''));

/** Small limits too, so that a handful of conversations spans several pages. */
export const inboxLimit = fc.oneof({ weight: 2, arbitrary: limitValue }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 6 }).map(String) });

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Inbox cursors in the server's format (some valid, naming positions no one has) and near misses. */
const FORGED_INBOX_CURSORS = [
  'i1:1:1',
  'i1:2:1',
  'i1:1:2',
  'i1:5:3',
  'i1:9007199254740991:9007199254740991',
  'i1:0:1',
  'i1:1:0',
  'i1:01:1',
  'i1:1:01',
  'i1:-1:1',
  'i1:1.5:1',
  'i1:1',
  'i1:1:1:1',
  'i1::',
  'i1:9007199254740993:1',
  'i1:1:99999999999999999',
  'i1:1:1\n',
  ' i1:1:1',
  'I1:1:1',
  'i2:1:1',
  'h1:1',
  's1:1',
];

type CursorAlteration = 'padded' | 'standard-base64' | 'truncated' | 'last-changed' | 'doubled' | 'upper-cased';

function alterCursor(cursor: string, how: CursorAlteration): string {
  switch (how) {
    case 'padded':
      return `${cursor}=`;
    case 'standard-base64':
      return Buffer.from(cursor, 'base64url').toString('base64');
    case 'truncated':
      return cursor.slice(0, -1);
    case 'last-changed':
      return cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');
    case 'doubled':
      return cursor + cursor;
    case 'upper-cased':
      return cursor.toUpperCase();
  }
}

/**
 * A `before` for GET /conversations: one the server issued (`issued()`), a cursor of another
 * kind it issued (`otherKinds`: history, sync), a forged or altered one, garbage.
 */
export function inboxCursorValue(issued: () => readonly string[], otherKinds: readonly string[]): fc.Arbitrary<string> {
  const real = current(issued, b64('i1:1:1'));
  return fc.oneof(
    { weight: 4, arbitrary: real },
    { weight: 1, arbitrary: fc.constantFrom(...otherKinds) },
    { weight: 2, arbitrary: fc.constantFrom(...FORGED_INBOX_CURSORS).map(b64) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(real, fc.constantFrom<CursorAlteration>('padded', 'standard-base64', 'truncated', 'last-changed', 'doubled', 'upper-cased'))
        .map(([cursor, how]) => alterCursor(cursor, how)),
    },
    { weight: 1, arbitrary: forgedCursor },
  );
}

/** Conversation ids that are malformed, or well-formed and around the limits. */
const EDGE_CONVERSATION_IDS = [
  '',
  'dm',
  'dm:',
  'dm::',
  'dm:a',
  'dm:a:',
  'dm::b',
  'dm:a:b',
  'dm:a:a',
  'dm:a:b:c',
  'DM:a:b',
  'dm-a-b',
  'dm:a b:c',
  'dm:ä:b',
  'dm:a:b\n',
  ' dm:a:b',
  'dm:a:b ',
  'dm:a:b\u0000',
  'dm:a.b:c',
  'group:a:b',
  'dm:a:b/read',
  'dm%3Aa%3Ab',
  `dm:${'x'.repeat(64)}:${'y'.repeat(64)}`,
  `dm:${'x'.repeat(65)}:y`,
  `dm:x:${'y'.repeat(65)}`,
];

type IdAlteration = 'reversed' | 'upper-prefix' | 'upper-ids' | 'newline' | 'space' | 'third-part' | 'one-part' | 'escaped-colon' | 'slash' | 'nul';

function alterConversationId(id: string, how: IdAlteration): string {
  const [, first = '', second = ''] = id.split(':');
  switch (how) {
    case 'reversed':
      return `dm:${second}:${first}`; // well-formed, but not the pair's id (unless it is with oneself)
    case 'upper-prefix':
      return `DM:${first}:${second}`;
    case 'upper-ids':
      return id.toUpperCase().replace(/^DM:/, 'dm:'); // well-formed, names no one
    case 'newline':
      return `${id}\n`;
    case 'space':
      return ` ${id}`;
    case 'third-part':
      return `${id}:${first}`;
    case 'one-part':
      return `dm:${first}`;
    case 'escaped-colon':
      return id.replace(':', '%3A');
    case 'slash':
      return `${id}/x`;
    case 'nul':
      return `${id}\u0000`;
  }
}

/**
 * A conversation id: one of the world's (`known()`, every user's), one of the right form built
 * from user ids (either order, with oneself, with no one), a real one altered, malformed.
 */
export function conversationIdValue(known: () => readonly string[], userIds: readonly string[]): fc.Arbitrary<string> {
  const part = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...userIds) }, { weight: 1, arbitrary: aroundLimits(1, 64).chain(idOfLength) });
  const real = current(known, `dm:${userIds[0]}:${userIds[1]}`);
  return fc.oneof(
    { weight: 6, arbitrary: real },
    { weight: 3, arbitrary: fc.tuple(part, part).map(([a, b]) => `dm:${a}:${b}`) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(real, fc.constantFrom<IdAlteration>('reversed', 'upper-prefix', 'upper-ids', 'newline', 'space', 'third-part', 'one-part', 'escaped-colon', 'slash', 'nul'))
        .map(([id, how]) => alterConversationId(id, how)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_CONVERSATION_IDS) },
    { weight: 1, arbitrary: fc.oneof(nastyText, fc.constantFrom(...DANGEROUS_KEYS, ...INJECTIONS)) },
  );
}

/** Where an upTo may come from, read when the input is generated. */
export interface UpToSources {
  /** Messages of the conversation from the peer: the ones a mark moves to. */
  peer: () => readonly string[];
  /** The peer's messages after the caller's read watermark: a mark of one of them moves something. */
  unread: () => readonly string[];
  /** Messages of the conversation from the caller: marking them changes nothing. */
  own: () => readonly string[];
  /** The conversation's last message. */
  latest: () => readonly string[];
  /** Messages of other conversations. */
  elsewhere: () => readonly string[];
}

type MessageIdAlteration = 'leading-zero' | 'trailing-zero' | 'negative' | 'plus' | 'space' | 'newline' | 'decimal' | 'exponent';
const MESSAGE_ID_ALTERATIONS: MessageIdAlteration[] = ['leading-zero', 'trailing-zero', 'negative', 'plus', 'space', 'newline', 'decimal', 'exponent'];

function alterMessageId(id: string, how: MessageIdAlteration): string {
  switch (how) {
    case 'leading-zero':
      return `0${id}`; // of the id form; names no message
    case 'trailing-zero':
      return `${id}0`;
    case 'negative':
      return `-${id}`;
    case 'plus':
      return `+${id}`;
    case 'space':
      return `${id} `;
    case 'newline':
      return `${id}\n`;
    case 'decimal':
      return `${id}.0`;
    case 'exponent':
      return `${id}e0`;
  }
}

/** A real message id altered: of the id form naming no message, or of a wrong form. */
export const alteredMessageId = (id: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(id, fc.constantFrom(...MESSAGE_ID_ALTERATIONS)).map(([real, how]) => alterMessageId(real, how));

/** Ids of the right form naming no message, and message ids of every wrong form. */
export const EDGE_MESSAGE_IDS = ['0', '00', '1', '-1', '999999999', '9007199254740993', '1'.repeat(16), '9'.repeat(17), 'x'.repeat(64), 'x'.repeat(65), '', ' ', '1.5', '1e3', '0x1', 'null', 'NaN', '__proto__', 'constructor', '$ne'];

/** An upTo: mostly a message of the conversation (the peer's or the caller's), else another's, unknown or malformed. */
export function upToValue(sources: UpToSources, none: string): fc.Arbitrary<string> {
  const peer = current(sources.peer, none);
  return fc.oneof(
    { weight: 3, arbitrary: peer },
    { weight: 3, arbitrary: current(sources.unread, none) },
    { weight: 2, arbitrary: current(sources.own, none) },
    { weight: 2, arbitrary: current(sources.latest, none) },
    { weight: 2, arbitrary: current(sources.elsewhere, none) },
    { weight: 1, arbitrary: alteredMessageId(peer) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_MESSAGE_IDS) },
    { weight: 1, arbitrary: nastyText },
  );
}

/** The body of POST /conversations/:id/read and /delivered: { upTo }, or mutated (missing, wrong types, extra fields). */
export function markBody(upTo: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ upTo }) },
    { weight: 1, arbitrary: upTo.map((id) => ({ upTo: Number(id) })) }, // the id as a JSON number
    { weight: 3, arbitrary: mutatedObject({ upTo: fieldValue(upTo) }) },
  );
}

/** The payload of mark_read and mark_delivered: { conversationId, upTo }, or mutated; `requestId` added to objects. */
export function markPayload(conversationId: fc.Arbitrary<string>, upTo: fc.Arbitrary<string>, requestId: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.record({ conversationId, upTo }) },
    { weight: 3, arbitrary: mutatedObject({ conversationId: fieldValue(conversationId), upTo: fieldValue(upTo) }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'mark', 42, [], ...DANGEROUS_KEYS) },
  );
  return fc.tuple(body, requestId).map(([value, id]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && id !== undefined ? { ...value, requestId: id } : value,
  );
}

/** A requestId of a payload: sane, too long, empty, of another type, absent (as socket.fuzz.test.ts sends them). */
export const requestIdValue = fc.option(
  fc.oneof(fc.constantFrom('app-1', 'x'.repeat(128), 'x'.repeat(129), '', 'has space', '__proto__'), fc.integer(), fc.constant({ $ne: null })),
  { nil: undefined },
);
