import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ERROR_CATALOGUE, type ChatMessage, type ErrorCode, type TypingEvent } from '../../src/protocol/events.js';
import type { RegisteredUser } from '../helpers/http.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { userId as userIdValue } from './chats.arbitraries.js';
import {
  blockSteps,
  changePayload,
  deleteBody,
  editBody,
  messageSegment,
  NO_BODY,
  targetMessageId,
  typingPayload,
  typingSteps,
  type BlockStep,
  type TypingStep,
} from './changes.arbitraries.js';
import { requestIdValue } from './conversations.arbitraries.js';
import { check, checkAck, checkAlive, checkEqual, checkMessageShape, checkRestAnswer, ISO_UTC } from './expectations.js';
import { decodedSegment, firstFailing, isConversationId, isJsonContainer, isPlainObject, isValidId, isValidMessageText, overTheWire } from './oracles.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { emitStyle, emitStyled, emitWithAck, type EmitStyle } from './socket-client.js';
import { encodedBody, type EncodedBody } from './transport.js';
import { bearer, FuzzWorld, getAs, outcomeOf } from './world.js';

/*
 * Edits, deletions, blocks and typing (issue 14), against models written from the README:
 * every message's state, who blocks whom, what the typing throttle may forward.
 */

/** EDIT_WINDOW of this file's instance, in seconds: short, so messages age past it while the fuzz runs. */
const EDIT_WINDOW_SECONDS = 1;
const EDIT_WINDOW_MS = EDIT_WINDOW_SECONDS * 1000;
/** Users 0-2 edit and delete; users 3-5 block, send and type. Each has one socket. */
const CHANGE_USERS = [0, 1, 2];
const BLOCK_USERS = [3, 4, 5];
/** The typing throttle (README: one isTyping: true per second per user and conversation). */
const THROTTLE_MS = 1000;
/** How far apart two forwarded trues may look at the receiver when they were a window apart at the server. */
const JITTER_MS = 100;
/** How much later than the typer's ack its peer may receive the event. */
const DELIVERY_LAG_MS = 250;

type Outcome = 'ok' | ErrorCode;

/** Every message's state as the answers left it: text, editedAt and deletedAt as the server set them. */
class MessageModel {
  private readonly messages = new Map<string, ChatMessage>();
  private readonly conversations = new Map<string, string[]>();

  /** Takes in new messages found by takeNewMessages (a known id there is a change, checked apart). */
  learn(found: Map<string, ChatMessage[]>): void {
    for (const message of [...found.values()].flat()) {
      if (this.messages.has(message.id)) continue;
      this.messages.set(message.id, message);
      const list = this.conversations.get(message.conversationId) ?? [];
      list.push(message.id);
      this.conversations.set(message.conversationId, list);
    }
  }

  get(id: unknown): ChatMessage | undefined {
    return typeof id === 'string' ? this.messages.get(id) : undefined;
  }

  ids(where: (message: ChatMessage) => boolean): string[] {
    return [...this.messages.values()].filter(where).map((message) => message.id);
  }

  /** The conversation in history order: a change keeps a message's place. */
  history(conversationId: string): ChatMessage[] {
    return (this.conversations.get(conversationId) ?? []).map((id) => this.messages.get(id) as ChatMessage);
  }

  /**
   * Checks an accepted change's answer against the state before it, keeps the new state, and
   * answers the message when it changed (a repeated delete changes nothing).
   */
  apply(kind: 'edit' | 'delete', answered: ChatMessage, text: unknown, [t0, t1]: [number, number], evidence: object): ChatMessage | undefined {
    const before = this.messages.get(answered.id) as ChatMessage;
    const stamp = kind === 'edit' ? answered.editedAt : answered.deletedAt;
    if (kind === 'delete' && before.deletedAt !== undefined) {
      checkEqual(answered, before, 'a repeated delete did not answer the same tombstone', evidence);
      return undefined;
    }
    // The server runs in this process: its clock is this one.
    const at = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
    check(typeof stamp === 'string' && ISO_UTC.test(stamp) && at >= t0 && at <= t1, `${kind === 'edit' ? 'editedAt' : 'deletedAt'} is not the time of the request`, evidence);
    const expected = kind === 'edit' ? { ...before, message: text, editedAt: stamp } : { ...before, message: '', deletedAt: stamp };
    checkEqual(answered, expected, `the ${kind} answered another state than the README's`, evidence);
    this.messages.set(answered.id, answered);
    return answered;
  }
}

/** Who blocks whom, with when each block was answered, for the order of GET /users/me/blocked. */
class BlockModel {
  private readonly blocks = new Map<string, { blockerId: string; blockedId: string; sent: number; answered: number }>();

  has(blockerId: string, blockedId: string): boolean {
    return this.blocks.has(`${blockerId} ${blockedId}`);
  }

  eitherBlocks(a: string, b: string): boolean {
    return this.has(a, b) || this.has(b, a);
  }

  /** Blocking again keeps the first block (and its place in the list). */
  block(blockerId: string, blockedId: string, [sent, answered]: [number, number]): void {
    const key = `${blockerId} ${blockedId}`;
    if (!this.blocks.has(key)) this.blocks.set(key, { blockerId, blockedId, sent, answered });
  }

  unblock(blockerId: string, blockedId: string): void {
    this.blocks.delete(`${blockerId} ${blockedId}`);
  }

  blockedBy(blockerId: string) {
    return [...this.blocks.values()].filter((entry) => entry.blockerId === blockerId);
  }
}

let world: FuzzWorld;
const model = new MessageModel();
const blockModel = new BlockModel();
const sockets = new Map<string, ClientSocket>();
/** message_updated heard by each user's socket since the last input. */
const heardUpdates = new Map<string, ChatMessage[]>();
/** typing heard by each user's socket, with when (performance.now()), over the whole file. */
const heardTyping = new Map<string, (TypingEvent & { at: number })[]>();
let sendCounter = 0;

const userById = (id: string) => world.users.find(({ user }) => user.id === id) as RegisteredUser;
const socketOf = (user: RegisteredUser) => sockets.get(user.user.id) as ClientSocket;
const conversationOf = (a: string, b: string) => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);

async function send(from: RegisteredUser, to: RegisteredUser, text: string) {
  return rawRequest(world.url, {
    method: 'POST',
    path: `/chats/${from.user.id}/send`,
    headers: { ...bearer(from), 'content-type': 'application/json' },
    body: JSON.stringify({ receiverId: to.user.id, message: text }),
  });
}

async function seed(pairs: [number, number][]): Promise<void> {
  for (const [from, to] of pairs) {
    const sent = await send(world.user(from), world.user(to), `seed ${sendCounter++}`);
    check(sent.status === 201, 'seeding failed', sent.json);
  }
  model.learn(await world.takeNewMessages());
}

beforeAll(async () => {
  world = await FuzzWorld.start(6, { env: { EDIT_WINDOW: String(EDIT_WINDOW_SECONDS) } });
  // Every pair of the change users and a conversation with oneself; these age past EDIT_WINDOW.
  const pairs: [number, number][] = [[0, 1], [1, 0], [0, 2], [2, 1], [0, 0], [1, 2], [2, 0], [0, 1], [1, 0]];
  const seededAt = Date.now();
  await seed(pairs);
  for (const user of world.users) {
    const socket = await connectSocket(world.url, { token: user.token });
    const updates: ChatMessage[] = [];
    const typing: (TypingEvent & { at: number })[] = [];
    socket.on('message_updated', (message) => updates.push(message));
    socket.on('typing', (event) => typing.push({ ...event, at: performance.now() }));
    sockets.set(user.user.id, socket);
    heardUpdates.set(user.user.id, updates);
    heardTyping.set(user.user.id, typing);
  }
  await sleep(Math.max(0, seededAt + EDIT_WINDOW_MS + 50 - Date.now()));
  await seed(pairs); // fresh ones, within the window
});
afterAll(async () => {
  for (const socket of sockets.values()) socket.close();
  await world?.dispose();
});

/**
 * README, "Edit and delete": the id and text are validated (400 validation_failed), then the
 * message must be in the caller's conversations (404 not_found) and the caller's own (403
 * forbidden); an edit of a tombstone is 409 message_deleted, one past EDIT_WINDOW 409
 * edit_window_closed; a delete is answered whatever the state. The window is judged on the
 * server's clock somewhere between t0 and t1, so at its edge either answer is right.
 */
function expectedChange(callerId: string, kind: 'edit' | 'delete', fields: Record<string, unknown>, [t0, t1]: [number, number]): Outcome[] {
  if (!isValidId(fields['messageId']) || (kind === 'edit' && !isValidMessageText(fields['message']))) return ['validation_failed'];
  const message = model.get(fields['messageId']);
  if (!message || (message.senderId !== callerId && message.receiverId !== callerId)) return ['not_found'];
  if (message.senderId !== callerId) return ['forbidden'];
  if (kind === 'delete') return ['ok'];
  if (message.deletedAt !== undefined) return ['message_deleted'];
  const created = Date.parse(message.createdAt);
  if (t0 - created > EDIT_WINDOW_MS) return ['edit_window_closed'];
  return t1 - created <= EDIT_WINDOW_MS ? ['ok'] : ['ok', 'edit_window_closed'];
}

const restOutcome = (outcome: Outcome) => (outcome === 'ok' ? '200' : `${ERROR_CATALOGUE[outcome].status} ${outcome}`);
const ackOutcome = (ack: { ok: boolean; error?: { code: string } }) => (ack.ok ? 'ok' : (ack.error?.code ?? ''));

/** Message ids for a change by `callerId`, from the model when the input is generated. */
function targetFor(callerId: string): fc.Arbitrary<string> {
  const mine = (message: ChatMessage) => message.senderId === callerId;
  return targetMessageId(
    {
      fresh: () => model.ids((m) => mine(m) && m.deletedAt === undefined && Date.now() - Date.parse(m.createdAt) < EDIT_WINDOW_MS - 200),
      own: () => model.ids(mine),
      deleted: () => model.ids((m) => mine(m) && m.deletedAt !== undefined),
      peer: () => model.ids((m) => m.receiverId === callerId && !mine(m)),
      elsewhere: () => model.ids((m) => m.senderId !== callerId && m.receiverId !== callerId),
    },
    '999999999',
  );
}

/**
 * After an input: the next sync of each user holds the changed message once, in its new state, if
 * they are in its conversation, else nothing; so does message_updated on their socket; the history
 * of the target's conversation, from both sides, is the model's.
 */
async function checkAfterChange(changed: ChatMessage | undefined, targetId: unknown, evidence: object): Promise<void> {
  const [found] = await Promise.all([world.takeNewMessages(), ...[...sockets.values()].map((socket) => emitWithAck(socket, 'sync', [{ limit: 1 }]))]);
  const updates = [...heardUpdates].map(([userId, log]) => [userId, log.splice(0)] as const);
  const involved = (userId: string) => changed !== undefined && (changed.senderId === userId || changed.receiverId === userId);
  for (const [userId, messages] of found) {
    checkEqual(messages, involved(userId) ? [changed] : [], `the sync of ${userId} did not show exactly the change, once`, evidence);
  }
  for (const [userId, heard] of updates) {
    checkEqual(heard, involved(userId) ? [changed] : [], `the sockets of ${userId} did not hear exactly the change as message_updated`, evidence);
  }
  const target = model.get(targetId);
  if (target === undefined) return;
  for (const [me, peer] of new Map([[target.senderId, target.receiverId], [target.receiverId, target.senderId]])) {
    const history = await getAs(world.url, userById(me), `/chats/${me}/with/${peer}?limit=200`);
    checkEqual(history.json?.messages, model.history(target.conversationId).slice(-200), `the history of ${me} is not the model's`, evidence);
  }
}

/** Now and then a new message between the change users after an input, so some are always within EDIT_WINDOW. */
const arrival = fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...CHANGE_USERS), fc.constantFrom(...CHANGE_USERS)) });

async function arrive(pair: [number, number] | undefined): Promise<void> {
  if (pair !== undefined) await seed([pair]);
}

/** The answer a block or unblock of the decoded segment gets; undefined when the router is to judge it. */
function expectedBlock(callerId: string, id: string | null): string | undefined {
  if (id === null) return undefined;
  return firstFailing(
    [
      [id !== '', '404 route_not_found'],
      [isValidId(id) && id !== callerId, '400 validation_failed'],
      [world.users.some(({ user }) => user.id === id), '404 user_not_found'],
    ],
    '204',
  );
}

/** GET /users/me/blocked: the model's users, each blocked later than another before it. */
async function checkBlockedList(user: RegisteredUser, evidence: object): Promise<void> {
  const response = await getAs(world.url, user, '/users/me/blocked');
  const listed = response.json?.users as RegisteredUser['user'][] | undefined;
  check(response.status === 200 && Array.isArray(listed), 'GET /users/me/blocked failed', { ...evidence, response: response.json });
  checkEqual(Object.keys(response.json), ['users'], 'GET /users/me/blocked answered other keys', evidence);
  const expected = blockModel.blockedBy(user.user.id);
  checkEqual(
    [...listed].sort((a, b) => a.id.localeCompare(b.id)),
    expected.map(({ blockedId }) => userById(blockedId).user).sort((a, b) => a.id.localeCompare(b.id)),
    `whom ${user.user.username} blocks is not the model's`,
    evidence,
  );
  const entries = listed.map(({ id }) => expected.find(({ blockedId }) => blockedId === id) as (typeof expected)[number]);
  for (const [i, earlier] of entries.entries()) {
    for (const later of entries.slice(i + 1)) {
      check(!(later.sent > earlier.answered), 'a block listed after one made before it: not most recently blocked first', { ...evidence, listed });
    }
  }
}

async function blockRequest(caller: RegisteredUser, method: 'POST' | 'DELETE', segment: string) {
  const sent = { method, path: `/users/${segment}/block`, as: caller.user.username };
  const response = await rawRequest(world.url, { ...sent, headers: bearer(caller) });
  checkRestAnswer(sent, response);
  return { sent, response, outcome: outcomeOf(response.status, response.json) };
}

/** A send between block users, over REST or the sender's socket, as "201" or "403 blocked" and the like. */
async function sendBetween(from: RegisteredUser, to: RegisteredUser, via: 'rest' | 'socket'): Promise<{ outcome: string; message?: ChatMessage }> {
  const text = `block fuzz ${sendCounter++}`;
  if (via === 'rest') {
    const response = await send(from, to, text);
    checkRestAnswer({ method: 'POST' }, response);
    return { outcome: outcomeOf(response.status, response.json), message: response.status === 201 ? response.json.message : undefined };
  }
  const ack = await emitWithAck(socketOf(from), 'send_message', [{ receiverId: to.user.id, message: text }]);
  checkAck(ack, { via, from: from.user.id, to: to.user.id });
  return ack.ok ? { outcome: '201', message: ack.message } : { outcome: restOutcome(ack.error.code), message: undefined };
}

/**
 * README, "Typing": { conversationId, isTyping } validated (validation_failed), then the caller
 * must be in the conversation (not_found); a conversation id names its users in one order only.
 */
function expectedTyping(callerId: string, payload: unknown): Outcome {
  if (!isPlainObject(payload) || !isConversationId(payload['conversationId']) || typeof payload['isTyping'] !== 'boolean') return 'validation_failed';
  const [, first = '', second = ''] = payload['conversationId'].split(':');
  return first <= second && (first === callerId || second === callerId) ? 'ok' : 'not_found';
}

interface SentTyping {
  isTyping: boolean;
  /** Before the emit and at its ack (performance.now()): the server handled it in between. */
  from: number;
  to: number;
}

/**
 * What the peer heard of one (user, conversation) against what was sent while neither blocked the
 * other: every false; forwarded trues at least a second apart (less the jitter), a "stopped"
 * between them or not; and none missing: each true sent was forwarded or came less than a second
 * after one that was.
 */
function checkThrottle(sent: SentTyping[], heard: (TypingEvent & { at: number })[], evidence: object): void {
  const falses = (events: { isTyping: boolean }[]) => events.filter((event) => !event.isTyping).length;
  check(falses(sent) === falses(heard), 'the peer did not hear every false, and only those', { ...evidence, sentFalses: falses(sent), heardFalses: falses(heard) });
  const heardTrues = heard.filter((event) => event.isTyping);
  const sentTrues = sent.filter((event) => event.isTyping);
  check(heardTrues.length <= sentTrues.length, 'the peer heard more trues than were sent', evidence);
  for (const [i, event] of heardTrues.slice(1).entries()) {
    const gap = event.at - (heardTrues[i] as { at: number }).at;
    check(gap >= THROTTLE_MS - JITTER_MS, `two trues forwarded ${gap.toFixed(0)} ms apart`, evidence);
  }
  for (const typed of sentTrues) {
    const covered = heardTrues.some(({ at }) => at > typed.from - THROTTLE_MS && at <= typed.to + DELIVERY_LAG_MS);
    check(covered, 'a true was dropped with no true forwarded in the second before it', { ...evidence, typed });
  }
}

describe('fuzz: edits, deletions, blocks and typing', () => {
  it(`PATCH and DELETE /messages/:id ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'PATCH|DELETE /messages/:id';
    const input = fc
      .record({ who: fc.constantFrom(0, 0, 1, 1, 2), kind: fc.constantFrom<'edit' | 'delete'>('edit', 'delete'), then: arrival })
      .chain((base) =>
        fc
          .record({ at: messageSegment(targetFor(world.user(base.who).user.id)), body: base.kind === 'edit' ? editBody : deleteBody })
          .chain(({ at, body }) =>
            (body === NO_BODY ? fc.constant<EncodedBody | undefined>(undefined) : encodedBody(body)).map((encoded) => ({ ...base, ...at, body, encoded })),
          ),
      );

    await fc.assert(
      fc.asyncProperty(input, async ({ who, kind, then, segment, suffix, body, encoded }) => {
        const caller = world.user(who);
        const method = kind === 'edit' ? 'PATCH' : 'DELETE';
        const sent = { method, path: `/messages/${segment}${suffix}`, how: encoded?.how ?? 'no body', as: caller.user.username, body: body === NO_BODY ? undefined : body };
        const t0 = Date.now();
        const response = await rawRequest(world.url, { method, path: sent.path, headers: { ...encoded?.headers, ...bearer(caller) }, body: encoded?.body });
        const window: [number, number] = [t0, Date.now()];
        const outcome = outcomeOf(response.status, response.json);
        world.tally.record(route, `${method} ${outcome}`);
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const id = decodedSegment(segment);
        const parsed = encoded === undefined ? {} : overTheWire(body);
        const text = isPlainObject(parsed) ? parsed['message'] : undefined;
        if ((encoded === undefined || encoded.exact) && id !== null) {
          const expected = firstFailing(
            [
              [isJsonContainer(parsed), ['400 invalid_json']],
              [id !== '', ['404 route_not_found']],
            ],
            expectedChange(caller.user.id, kind, { messageId: id, message: text }, window).map(restOutcome),
          );
          check(expected.includes(outcome), `expected ${expected.join(' or ')}`, evidence);
        }

        let changed: ChatMessage | undefined;
        if (response.status === 200) {
          check(id !== null && model.get(id)?.senderId === caller.user.id, "a 200 for a message that is not the caller's", evidence);
          check(kind === 'delete' || isValidMessageText(text), 'a 200 for an edit whose text the README refuses', evidence);
          checkEqual(Object.keys(response.json), ['message'], 'an answer with other keys', evidence);
          checkMessageShape(response.json.message, evidence, { changes: true });
          changed = model.apply(kind, response.json.message, text, window, evidence);
        }
        await checkAfterChange(changed, id, evidence);
        await checkAlive(world.url, sent);
        await arrive(then);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`edit_message and delete_message ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'socket edit_message|delete_message';
    const input = fc
      .record({ who: fc.constantFrom(...CHANGE_USERS), kind: fc.constantFrom<'edit' | 'delete'>('edit', 'delete'), style: emitStyle, then: arrival })
      .chain((base) => changePayload(base.kind, targetFor(world.user(base.who).user.id), requestIdValue).map((payload) => ({ ...base, payload })));

    await fc.assert(
      fc.asyncProperty(input, async ({ who, kind, style: how, then, payload }) => {
        const caller = world.user(who);
        const socket = socketOf(caller);
        const event = kind === 'edit' ? 'edit_message' : 'delete_message';
        // What raw-proto hides under "__proto__": a real message of the caller's, which must stay as it is.
        const [own = '999999999'] = model.ids((m) => m.senderId === caller.user.id && m.deletedAt === undefined).slice(-1);
        const t0 = Date.now();
        const { ack, parsed, known } = await emitStyled(socket, event, how, payload, {
          pollution: { messageId: own, message: 'polluted' },
          binaryField: kind === 'edit' ? 'message' : 'messageId',
        });
        const window: [number, number] = [t0, Date.now()];
        const sent = { event, how, as: caller.user.username, payload };
        checkAck(ack, sent);
        world.tally.record(route, `${event} ${ack.ok ? 'ok' : `failed ${ack.error.code}`}`);
        const evidence = { sent, ack };

        const fields = isPlainObject(parsed) ? parsed : {};
        if (known) {
          const expected = expectedChange(caller.user.id, kind, fields, window);
          check(expected.includes(ackOutcome(ack) as Outcome), `expected ${expected.join(' or ')}`, evidence);
        }

        let changed: ChatMessage | undefined;
        if (ack.ok) {
          check(known && model.get(fields['messageId'])?.senderId === caller.user.id, "ok for a message that is not the caller's, or for unknown fields", evidence);
          checkEqual(Object.keys(ack).sort(), ['message', 'ok'], 'an ack with other keys', evidence);
          const answered: ChatMessage = ack.message;
          checkMessageShape(answered, evidence, { changes: true });
          changed = model.apply(kind, answered, fields['message'], window, evidence);
        }
        await checkAfterChange(changed, fields['messageId'], evidence);
        check(socket.connected, 'the socket was disconnected', evidence);
        await checkAlive(world.url, sent);
        await arrive(then);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`blocks, unblocks and sends, racing too ${runsLabel(0.6)}`, { timeout: fuzzTimeout(0.6) * 2 }, async () => {
    const route = 'blocks';
    const users = BLOCK_USERS.map((index) => world.user(index));
    const ids = users.map(({ user }) => user.id);
    const input = blockSteps(users.length, userIdValue(ids));

    /** A block or unblock as the step asks it; the model follows a 204. */
    async function blockOrUnblock(caller: RegisteredUser, action: 'block' | 'unblock', segment: string, evidence: object) {
      const t0 = Date.now();
      const answer = await blockRequest(caller, action === 'block' ? 'POST' : 'DELETE', segment);
      world.tally.record(route, `${action} ${answer.outcome}`);
      const id = decodedSegment(segment);
      const expected = expectedBlock(caller.user.id, id);
      if (expected !== undefined) check(answer.outcome === expected, `expected ${expected}`, { ...evidence, ...answer.sent, got: answer.response.json });
      if (answer.response.status === 204) {
        check(id !== null && answer.response.text === '', 'a 204 with a body, or for no id', evidence);
        if (action === 'block') blockModel.block(caller.user.id, id, [t0, Date.now()]);
        else blockModel.unblock(caller.user.id, id);
      }
    }

    const expectedSend = (from: RegisteredUser, to: RegisteredUser) => (blockModel.eitherBlocks(from.user.id, to.user.id) ? '403 blocked' : '201');

    await fc.assert(
      fc.asyncProperty(input, async (steps: BlockStep[]) => {
        for (const [index, step] of steps.entries()) {
          const evidence = { steps, index, step };
          const stored: ChatMessage[] = [];
          const caller = users[step.who] as RegisteredUser;
          if (step.op === 'block' || step.op === 'unblock') {
            const segment = 'user' in step.target ? (users[step.target.user] as RegisteredUser).user.id : step.target.segment;
            await blockOrUnblock(caller, step.op, segment, evidence);
          } else if (step.op === 'send') {
            const to = users[step.to] as RegisteredUser;
            const expected = expectedSend(caller, to);
            const { outcome, message } = await sendBetween(caller, to, step.via);
            world.tally.record(route, `send ${outcome}`);
            check(outcome === expected, `expected ${expected}`, { ...evidence, outcome });
            if (message) stored.push(message);
          } else if (step.op === 'race') {
            const other = users[step.other] as RegisteredUser;
            const [from, to] = step.sendFromBlocker ? [caller, other] : [other, caller];
            const before = expectedSend(from, to);
            const [, { outcome, message }] = await Promise.all([blockOrUnblock(caller, step.action, other.user.id, evidence), sendBetween(from, to, 'rest')]);
            const after = expectedSend(from, to);
            // Either order is right when the block changed the answer; the stored state must then agree with the answer (below).
            world.tally.record(route, `race send ${outcome}${before === after ? '' : ' (either)'}`);
            check(outcome === before || outcome === after, `expected ${before === after ? before : `${before} or ${after}`}`, { ...evidence, outcome });
            if (message) stored.push(message);
          } else {
            await checkBlockedList(caller, evidence);
          }
          // A 201 is in the sync of both users, once; a refused send is in no one's.
          const found = await world.takeNewMessages();
          for (const [userId, messages] of found) {
            const expected = stored.filter((message) => message.senderId === userId || message.receiverId === userId);
            checkEqual(messages, expected, `the sync of ${userId} is not what the sends stored`, evidence);
          }
        }
        for (const user of users) await checkBlockedList(user, { steps });
        await checkAlive(world.url, steps);
      }),
      fuzzOptions(0.6),
    );
    console.log(world.tally.report(route));
  });

  it(`typing floods ${runsLabel(0.4)}`, { timeout: fuzzTimeout(0.4) + (fuzzOptions(0.4).numRuns ?? 0) * 4000 }, async () => {
    const route = 'socket typing';
    const [typer, ...peers] = BLOCK_USERS.map((index) => world.user(index)) as [RegisteredUser, ...RegisteredUser[]];
    const socket = socketOf(typer);
    const userIds = [typer, ...peers].map(({ user }) => user.id);
    const own = peers.map((peer) => conversationOf(typer.user.id, peer.user.id));
    const others = [conversationOf((peers[0] as RegisteredUser).user.id, (peers[1] as RegisteredUser).user.id), conversationOf(typer.user.id, typer.user.id)];
    /** Blocks that silence typing: [blocker, blocked] as indices of [typer, ...peers]. */
    const pairs: [number, number][] = [[0, 1], [1, 0], [0, 2], [2, 0]];
    const input = typingSteps(typingPayload(own, others, userIds, requestIdValue), peers.length, pairs.length).chain((steps) =>
      fc.array(emitStyle, { minLength: steps.length, maxLength: steps.length }).map((styles) => ({ steps, styles })),
    );
    /** What each of the typer's conversations was sent that the peer must hear (neither blocking), over the whole file. */
    const sentTyping = new Map<string, SentTyping[]>(own.map((id) => [id, []]));

    /** Records an answered "ok" to a conversation with a peer of the world's: forwarded unless blocked. */
    function record(conversationId: string, isTyping: boolean, from: number): void {
      const peer = peers.find(({ user }) => conversationOf(typer.user.id, user.id) === conversationId);
      if (peer === undefined || blockModel.eitherBlocks(typer.user.id, peer.user.id)) return;
      sentTyping.get(conversationId)?.push({ isTyping, from, to: performance.now() });
    }

    async function run(step: TypingStep, style: EmitStyle, evidence: object): Promise<void> {
      switch (step.kind) {
        case 'emit': {
          const from = performance.now();
          const { ack, parsed, known } = await emitStyled(socket, 'typing', style, step.payload, {
            pollution: { conversationId: own[0], isTyping: true },
            binaryField: 'isTyping',
          });
          const sent = { ...evidence, how: style, ack };
          checkAck(ack, sent);
          world.tally.record(route, ack.ok ? 'ok' : `failed ${ack.error.code}`);
          if (known) {
            const expected = expectedTyping(typer.user.id, parsed);
            check(ackOutcome(ack) === expected, `expected ${expected}`, sent);
          }
          if (ack.ok) {
            check(known && isPlainObject(parsed), 'ok for a payload whose fields are unknown', sent);
            checkEqual(Object.keys(ack), ['ok'], 'a typing ack with other keys', sent);
            record(parsed['conversationId'] as string, parsed['isTyping'] as boolean, from);
          }
          return;
        }
        case 'burst': {
          const conversationId = own[step.peer] as string;
          const from = performance.now();
          const acks = await Promise.all(Array.from({ length: step.count }, () => emitWithAck(socket, 'typing', [{ conversationId, isTyping: true }])));
          world.tally.record(route, `burst of ${step.count}`);
          for (const ack of acks) {
            checkEqual(ack, { ok: true }, 'a typing of a burst was not acked ok', evidence);
            record(conversationId, true, from);
          }
          return;
        }
        case 'pause':
          await sleep(step.ms);
          return;
        case 'block':
        case 'unblock': {
          const [blocker, blocked] = (pairs[step.pair] as [number, number]).map((index) => (index === 0 ? typer : (peers[index - 1] as RegisteredUser)));
          const answer = await blockRequest(blocker as RegisteredUser, step.kind === 'block' ? 'POST' : 'DELETE', (blocked as RegisteredUser).user.id);
          check(answer.response.status === 204, 'a block or unblock failed', { ...evidence, got: answer.response.json });
          if (step.kind === 'block') blockModel.block((blocker as RegisteredUser).user.id, (blocked as RegisteredUser).user.id, [0, 0]);
          else blockModel.unblock((blocker as RegisteredUser).user.id, (blocked as RegisteredUser).user.id);
        }
      }
    }

    // Starts with none of the pairs blocked (the blocks property may have left some).
    for (const step of pairs.map((_, pair) => ({ kind: 'unblock' as const, pair }))) await run(step, 'emit', { step });

    await fc.assert(
      fc.asyncProperty(input, async ({ steps, styles }) => {
        for (const [index, step] of steps.entries()) await run(step, styles[index] as EmitStyle, { steps, index, step });
        // A round trip on every socket: what the server emitted before the typer's last ack has arrived.
        await Promise.all(BLOCK_USERS.map((i) => emitWithAck(socketOf(world.user(i)), 'sync', [{ limit: 1 }])));
        const evidence = { steps };
        checkEqual(heardTyping.get(typer.user.id), [], "the typer's own socket heard typing", evidence);
        for (const [i, peer] of peers.entries()) {
          const heard = heardTyping.get(peer.user.id) ?? [];
          const conversationId = own[i] as string;
          checkEqual(
            heard.map(({ at: _at, ...event }) => event).filter((event) => event.conversationId !== conversationId || event.userId !== typer.user.id),
            [],
            `${peer.user.username} heard typing of another conversation or user`,
            evidence,
          );
          for (const event of heard) checkEqual(Object.keys(event).sort(), ['at', 'conversationId', 'isTyping', 'userId'], 'a typing event with other keys', evidence);
          checkThrottle(sentTyping.get(conversationId) ?? [], heard, { ...evidence, conversationId });
        }
        check(socket.connected, 'the socket was disconnected', evidence);
        await checkAlive(world.url, steps);
      }),
      fuzzOptions(0.4),
    );
    console.log(world.tally.report(route));
    for (const [i, peer] of peers.entries()) {
      const sent = sentTyping.get(own[i] as string) ?? [];
      const heard = heardTyping.get(peer.user.id) ?? [];
      const trues = heard.filter((event) => event.isTyping);
      console.log(
        `[fuzz] ${route} to ${peer.user.username}: sent ${sent.filter((event) => event.isTyping).length} true, ${sent.filter((event) => !event.isTyping).length} false ` +
          `(unblocked); heard ${trues.length} true, ${heard.length - trues.length} false`,
      );
    }
  });
});
