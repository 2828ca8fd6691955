import fc from 'fast-check';
import { messageText, pathSegment } from './chats.arbitraries.js';
import { alteredMessageId, conversationIdValue, current, EDGE_MESSAGE_IDS } from './conversations.arbitraries.js';
import { fieldValue, mutatedObject, nastyText, wrongType } from './values.js';

/*
 * Inputs of edits, deletions, blocks and typing. Message ids are read from the model when each
 * input is generated (fast-check generates an input just before running it), so the pools follow
 * the world as messages arrive, age past EDIT_WINDOW and get deleted.
 */

/** Where a message id may come from, for one caller, read when the input is generated. */
export interface ChangeTargets {
  /** The caller's own messages, not deleted, still within EDIT_WINDOW. */
  fresh: () => readonly string[];
  /** The caller's own messages, any state. */
  own: () => readonly string[];
  /** The caller's own deleted messages (tombstones). */
  deleted: () => readonly string[];
  /** The peer's messages in the caller's conversations. */
  peer: () => readonly string[];
  /** Messages of conversations the caller is not in. */
  elsewhere: () => readonly string[];
}

/** A message id for an edit or a delete: mostly a real one of every kind, else altered, unknown or malformed. */
export function targetMessageId(targets: ChangeTargets, none: string): fc.Arbitrary<string> {
  const own = current(targets.own, none);
  return fc.oneof(
    { weight: 5, arbitrary: current(targets.fresh, none) },
    { weight: 3, arbitrary: own },
    { weight: 2, arbitrary: current(targets.deleted, none) },
    { weight: 2, arbitrary: current(targets.peer, none) },
    { weight: 2, arbitrary: current(targets.elsewhere, none) },
    { weight: 1, arbitrary: alteredMessageId(own) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_MESSAGE_IDS) },
    { weight: 1, arbitrary: nastyText },
  );
}

/** Every byte of the text percent-escaped, in upper or lower case hex: the router must decode it to the same id. */
const fullyEscaped = (text: string, lower: boolean) =>
  [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).map((escape) => (lower ? escape : escape.toUpperCase())).join('');

/**
 * The :id segment of /messages/:id: as chats' pathSegment makes them (clean, raw, edge cases),
 * or escaped oddly (every byte escaped, double-escaped); `suffix` is what follows it in the path.
 */
export function messageSegment(id: fc.Arbitrary<string>): fc.Arbitrary<{ segment: string; suffix: string }> {
  const segment = fc.oneof(
    { weight: 6, arbitrary: pathSegment(id) },
    { weight: 1, arbitrary: fc.tuple(id, fc.boolean()).map(([text, lower]) => fullyEscaped(text, lower)) },
    { weight: 1, arbitrary: id.map((text) => fullyEscaped(text, false).replaceAll('%', '%25')) }, // decodes once, to "%31...": no id
  );
  // A trailing slash and a query string leave the id as it is (the router is not strict).
  const suffix = fc.constantFrom('', '', '', '', '', '', '/', '?message=x', '?id=1&__proto__[x]=1');
  return fc.record({ segment, suffix });
}

/** New text: often plain and valid, so edits get past validation to the state checks; else every kind of messageText. */
const editText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map((text) => `edited ${text}`) },
  { weight: 2, arbitrary: messageText },
);

/** The body of PATCH /messages/:id: { message }, or mutated (missing, wrong types, extra fields). */
export const editBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ message: editText }) },
  { weight: 3, arbitrary: mutatedObject({ message: fieldValue(editText) }) },
);

/** What a DELETE carries: mostly no body, sometimes one (ignored when JSON, refused when not). */
export const NO_BODY = Symbol('no body');
export const deleteBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(NO_BODY) },
  { weight: 1, arbitrary: fc.oneof(fc.constant({}), editBody, wrongType) },
);

/** A payload object gets a requestId now and then (any value: the server only logs a sane one). */
export function withRequestId(body: fc.Arbitrary<unknown>, requestId: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(body, requestId).map(([value, id]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && id !== undefined ? { ...value, requestId: id } : value,
  );
}

/** The payloads of edit_message and delete_message, or mutated. */
export function changePayload(kind: 'edit' | 'delete', messageId: fc.Arbitrary<string>, requestId: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const fields: Record<string, fc.Arbitrary<unknown>> = kind === 'edit' ? { messageId, message: editText } : { messageId };
  const mutated: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, fieldValue(value)]));
  const body = fc.oneof(
    { weight: 6, arbitrary: fc.record(fields) },
    { weight: 3, arbitrary: mutatedObject(mutated) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'edit', 42, [], true) },
  );
  return withRequestId(body, requestId);
}

/** One step of the blocks property; user numbers index the block users (0, 1, 2). */
export type BlockStep =
  | { op: 'block' | 'unblock'; who: number; target: { user: number } | { segment: string } }
  | { op: 'send'; who: number; to: number; via: 'rest' | 'socket' }
  /** A block or unblock and a send between the same two users, issued concurrently. */
  | { op: 'race'; who: number; other: number; action: 'block' | 'unblock'; sendFromBlocker: boolean }
  | { op: 'list'; who: number };

/** A sequence of block, unblock, send and list operations between `users` users, other targets now and then. */
export function blockSteps(users: number, otherTargets: fc.Arbitrary<string>): fc.Arbitrary<BlockStep[]> {
  const who = fc.nat(users - 1);
  const target = fc.oneof(
    { weight: 8, arbitrary: who.map((user) => ({ user })) },
    { weight: 2, arbitrary: pathSegment(otherTargets).map((segment) => ({ segment })) },
  );
  const step: fc.Arbitrary<BlockStep> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom<'block' | 'unblock'>('block', 'unblock'), who, target }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant<'send'>('send'), who, to: who, via: fc.constantFrom<'rest' | 'socket'>('rest', 'rest', 'socket') }) },
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant<'race'>('race'), who, other: who, action: fc.constantFrom<'block' | 'unblock'>('block', 'unblock'), sendFromBlocker: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant<'list'>('list'), who }) },
  );
  return fc.array(step, { minLength: 1, maxLength: 8 });
}

/** One step of the typing property, from the typer's one socket. */
export type TypingStep =
  | { kind: 'emit'; payload: unknown }
  /** `count` isTyping: true to one of the typer's conversations, all at once. */
  | { kind: 'burst'; peer: number; count: number }
  | { kind: 'pause'; ms: number }
  | { kind: 'block' | 'unblock'; pair: number };

/**
 * A typing payload: mostly { conversationId, isTyping } of the typer's own conversations, typing
 * more often than stopping; else foreign, with oneself, reversed, malformed, mutated.
 */
export function typingPayload(own: readonly string[], others: readonly string[], userIds: readonly string[], requestId: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const conversationId = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...own) },
    { weight: 2, arbitrary: fc.constantFrom(...others) },
    { weight: 2, arbitrary: conversationIdValue(() => own, [...userIds]) },
  );
  const isTyping = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
  const body = fc.oneof(
    { weight: 8, arbitrary: fc.record({ conversationId, isTyping }) },
    { weight: 3, arbitrary: mutatedObject({ conversationId: fieldValue(conversationId), isTyping: fieldValue(isTyping) }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'typing', true, 42, []) },
  );
  return withRequestId(body, requestId);
}

/** Typing sequences: single events, bursts of 50-80 trues, pauses around the 1 s throttle, blocks and unblocks (`pairs` of them). */
export function typingSteps(payload: fc.Arbitrary<unknown>, peers: number, pairs: number): fc.Arbitrary<TypingStep[]> {
  const step: fc.Arbitrary<TypingStep> = fc.oneof(
    { weight: 8, arbitrary: payload.map((value) => ({ kind: 'emit' as const, payload: value })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant<'burst'>('burst'), peer: fc.nat(peers - 1), count: fc.integer({ min: 50, max: 80 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant<'pause'>('pause'), ms: fc.constantFrom(60, 250, 500, 1050) }) },
    // Unblocks more often than blocks, so typing mostly reaches the peers.
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom<'block' | 'unblock'>('block', 'unblock', 'unblock'), pair: fc.nat(pairs - 1) }) },
  );
  return fc.array(step, { minLength: 1, maxLength: 10 });
}
