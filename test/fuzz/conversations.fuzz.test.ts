import querystring from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ERROR_CATALOGUE, type ChatMessage, type Conversation, type ErrorCode, type ReceiptEvent } from '../../src/protocol/events.js';
import type { RegisteredUser } from '../helpers/http.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';
import { pathSegment } from './chats.arbitraries.js';
import { conversationIdValue, current, inboxCursorValue, inboxLimit, markBody, markPayload, requestIdValue, upToValue } from './conversations.arbitraries.js';
import { check, checkAck, checkAlive, checkConversationShape, checkEqual, checkRestAnswer } from './expectations.js';
import { expectedLimit, firstFailing, isConversationId, isInboxCursor, isJsonContainer, isPlainObject, isValidId, overTheWire } from './oracles.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { emitStyle, emitStyled, emitWithAck } from './socket-client.js';
import { encodedBody, queryString } from './transport.js';
import { bearer, FuzzWorld, getAs, outcomeOf } from './world.js';

type Watermark = 'read' | 'delivered';
/** A receipt as the model predicts it: everything but `at`. */
type ExpectedReceipt = Omit<ReceiptEvent, 'at'>;

/**
 * What the messages stored so far and the marks answered 200 say every user's inbox holds, written
 * from the README alone: the oracle for every answer of this file. Messages are learnt from each
 * user's sync feed, so a conversation's order and each user's feed order are the server's commit
 * order, whatever the driver's ids look like.
 */
class InboxModel {
  /** Each conversation's messages, in its order. */
  private readonly conversations = new Map<string, ChatMessage[]>();
  private readonly messages = new Map<string, ChatMessage>();
  /** Each user's feed position of each message they sent or received. */
  private readonly feeds = new Map<string, Map<string, number>>();
  /** `${userId} ${conversationId}`: the user's read and delivered watermarks. */
  private readonly watermarks = new Map<string, Record<Watermark, string | null>>();

  constructor(
    private readonly users: RegisteredUser[],
    private readonly isOnline: (userId: string) => boolean,
  ) {}

  /** Takes in what takeNewMessages found: each user's new messages, in feed order. */
  learn(found: Map<string, ChatMessage[]>): void {
    for (const [userId, messages] of found) {
      const feed = this.feeds.get(userId) ?? new Map<string, number>();
      this.feeds.set(userId, feed);
      for (const message of messages) {
        if (!feed.has(message.id)) feed.set(message.id, feed.size);
        if (this.messages.has(message.id)) continue;
        this.messages.set(message.id, message);
        const list = this.conversations.get(message.conversationId) ?? [];
        list.push(message);
        this.conversations.set(message.conversationId, list);
      }
    }
  }

  /** Every conversation that holds a message, whoever is in it. */
  conversationIds(): string[] {
    return [...this.conversations.keys()];
  }

  conversationIdsOf(userId: string): string[] {
    return this.conversationIds().filter((id) => this.participants(id).includes(userId));
  }

  messagesOf(conversationId: string): ChatMessage[] {
    return this.conversations.get(conversationId) ?? [];
  }

  messageIds(): string[] {
    return [...this.messages.keys()];
  }

  isMessageOf(conversationId: string, id: unknown): boolean {
    return typeof id === 'string' && this.messages.get(id)?.conversationId === conversationId;
  }

  private participants(conversationId: string): string[] {
    const [first, second] = this.messagesOf(conversationId).slice(0, 1).flatMap((message) => [message.senderId, message.receiverId]);
    return first === undefined || second === undefined ? [] : [first, second];
  }

  private marksOf(userId: string, conversationId: string): Record<Watermark, string | null> {
    const key = `${userId} ${conversationId}`;
    const marks = this.watermarks.get(key) ?? { read: null, delivered: null };
    this.watermarks.set(key, marks);
    return marks;
  }

  /** A message's place in its conversation; -1 for no watermark. */
  private indexOf(conversationId: string, id: string | null): number {
    return id === null ? -1 : this.messagesOf(conversationId).findIndex((message) => message.id === id);
  }

  /** The user's side of the conversation as the README describes it; undefined when it is not theirs or holds no message. */
  conversation(userId: string, conversationId: string): Conversation | undefined {
    const messages = this.messagesOf(conversationId);
    const participants = this.participants(conversationId);
    const lastMessage = messages.at(-1);
    if (!lastMessage || !participants.includes(userId)) return undefined;
    const peerId = participants[0] === userId ? (participants[1] as string) : (participants[0] as string);
    const peer = this.users.find(({ user }) => user.id === peerId);
    if (!peer) throw new Error(`unknown user ${peerId}`);
    const mine = this.marksOf(userId, conversationId);
    const theirs = this.marksOf(peerId, conversationId);
    const readIndex = this.indexOf(conversationId, mine.read);
    return {
      id: conversationId,
      peer: { ...peer.user, online: this.isOnline(peerId), lastSeenAt: null },
      lastMessage,
      // "The peer's messages after readUpTo": never one's own, so none in a conversation with oneself.
      unreadCount: messages.filter((message, index) => index > readIndex && message.senderId !== userId).length,
      readUpTo: mine.read,
      peerReadUpTo: theirs.read,
      peerDeliveredUpTo: theirs.delivered,
    };
  }

  /** The whole inbox: every conversation of the user, newest activity (last message in their feed) first. */
  inbox(userId: string): Conversation[] {
    const feed = this.feeds.get(userId) ?? new Map<string, number>();
    return this.conversationIdsOf(userId)
      .map((id) => this.conversation(userId, id) as Conversation)
      .sort((a, b) => (feed.get(b.lastMessage.id) ?? -1) - (feed.get(a.lastMessage.id) ?? -1));
  }

  /**
   * A mark the server answered 200: watermarks only move forward, a message of one's own changes
   * nothing, reading moves delivered along. Answers the receipts it should send, delivered first.
   */
  mark(userId: string, conversationId: string, watermark: Watermark, upTo: string): ExpectedReceipt[] {
    const message = this.messages.get(upTo);
    if (!message || message.senderId === userId) return [];
    const marks = this.marksOf(userId, conversationId);
    const index = this.indexOf(conversationId, upTo);
    const ahead = (type: Watermark) => index > this.indexOf(conversationId, marks[type]);
    const moved: Watermark[] = [];
    if (watermark === 'delivered') {
      if (ahead('delivered')) moved.push('delivered');
    } else if (ahead('read')) {
      // Delivered is never behind read, so only a read that moves can move it along.
      if (ahead('delivered')) moved.push('delivered');
      moved.push('read');
    }
    for (const type of moved) marks[type] = upTo;
    return moved.map((type) => ({ conversationId, userId, type, upTo }));
  }

  /** Who gets a receipt of this conversation: both participants. */
  recipients(conversationId: string): string[] {
    return this.participants(conversationId);
  }
}

let world: FuzzWorld;
let model: InboxModel;
/** Users 0-2 keep a socket open for the whole file (online, and hearing receipts); 3 and 4 have none. */
const SOCKET_USERS = 3;
const sockets = new Map<string, ClientSocket>();
const heardReceipts = new Map<string, ReceiptEvent[]>();
/** Inbox cursors the server handed out, whoever to. */
const inboxCursors: string[] = [];
/** `${userId} ${cursor}`: where in that user's inbox a cursor issued to them continues (the world is still then). */
const cursorOffsets = new Map<string, number>();
/** A history and a sync cursor: cursors of other kinds. */
const otherCursors: string[] = [];

async function send(from: RegisteredUser, to: RegisteredUser, text: string): Promise<void> {
  const sent = await rawRequest(world.url, {
    method: 'POST',
    path: `/chats/${from.user.id}/send`,
    headers: { ...bearer(from), 'content-type': 'application/json' },
    body: JSON.stringify({ receiverId: to.user.id, message: text }),
  });
  check(sent.status === 201, 'sending failed', sent.json);
}

beforeAll(async () => {
  world = await FuzzWorld.start(5);
  model = new InboxModel(world.users, (userId) => sockets.has(userId));
  const [u0, u1, u2, u3, u4] = [0, 1, 2, 3, 4].map((index) => world.user(index)) as [RegisteredUser, RegisteredUser, RegisteredUser, RegisteredUser, RegisteredUser];
  // Interleaved, so inbox orders differ from user to user: u0 talks with u1, u2, u4 and itself;
  // u1 with u0, u2, u3. u0 and u3 share none (a well-formed id that is no one's conversation).
  const script: [RegisteredUser, RegisteredUser][] = [
    [u0, u1], [u1, u0], [u2, u0], [u0, u0], [u1, u2], [u0, u1], [u4, u0], [u1, u0], [u3, u1], [u0, u2],
    [u1, u0], [u1, u0], [u2, u1], [u4, u0], [u0, u4], [u0, u0], [u0, u1], [u2, u0], [u1, u3], [u1, u0],
  ];
  for (const [index, [from, to]] of script.entries()) await send(from, to, `seed ${index}`);
  model.learn(await world.takeNewMessages());

  for (const user of world.users.slice(0, SOCKET_USERS)) {
    const socket = await connectSocket(world.url, { token: user.token });
    const heard: ReceiptEvent[] = [];
    socket.on('receipt', (receipt) => heard.push(receipt));
    sockets.set(user.user.id, socket);
    heardReceipts.set(user.user.id, heard);
  }
  // Presence is recorded as the sockets connect: wait until u1's peers (u0, u2 with sockets, u3 without) show so.
  await waitFor(async () => {
    const inbox = await getAs(world.url, u1, '/conversations?limit=200');
    const conversations = (inbox.json?.conversations ?? []) as Conversation[];
    return conversations.length === 3 && conversations.every(({ peer }) => peer.online === sockets.has(peer.id));
  });
  await checkInboxes({ after: 'seeding' });

  const first = await getAs(world.url, u0, '/conversations?limit=1');
  check(typeof first.json?.nextCursor === 'string', 'no inbox cursor', first.json);
  inboxCursors.push(first.json.nextCursor);
  cursorOffsets.set(`${u0.user.id} ${first.json.nextCursor}`, 1);
  const history = await getAs(world.url, u0, `/chats/${u0.user.id}/with/${u1.user.id}?limit=1`);
  const sync = await getAs(world.url, u0, '/sync?limit=1');
  otherCursors.push(history.json.nextCursor, sync.json.cursor);
  model.learn(await world.takeNewMessages());
});
afterAll(async () => {
  for (const socket of sockets.values()) socket.close();
  await world?.dispose();
});

function decodeURIComponentOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * README: a mark's conversation id and body are validated first (400 validation_failed), then
 * the conversation must be the caller's and hold a message (404 not_found), then upTo must be a
 * message of it (400 validation_failed). The same for REST and sockets.
 */
function expectedMark(callerId: string, conversationId: unknown, body: unknown): 'ok' | ErrorCode {
  if (!isConversationId(conversationId) || !isPlainObject(body) || !isValidId(body['upTo'])) return 'validation_failed';
  if (!model.conversation(callerId, conversationId)) return 'not_found';
  if (!model.isMessageOf(conversationId, body['upTo'])) return 'validation_failed';
  return 'ok';
}

/**
 * Every user's whole inbox is the model's: no watermark moved but the ones the input should have
 * moved, and no message was stored (it would be some conversation's last message).
 */
async function checkInboxes(evidence: object): Promise<void> {
  const answers = await Promise.all(world.users.map((user) => getAs(world.url, user, '/conversations?limit=200')));
  for (const [index, response] of answers.entries()) {
    const user = world.user(index);
    check(response.status === 200, `the inbox of ${user.user.username} did not answer`, { ...evidence, inbox: response.json });
    checkEqual(response.json, { conversations: model.inbox(user.user.id), nextCursor: null }, `the inbox of ${user.user.username} is not the model's`, evidence);
  }
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Each socket heard exactly the receipts of the watermarks that moved, in order, and nothing else. */
async function checkReceipts(expected: ExpectedReceipt[], evidence: object): Promise<void> {
  // A round trip on every socket: a receipt emitted for the input was written to it before this ack.
  await Promise.all([...sockets.values()].map((socket) => emitWithAck(socket, 'sync', [{ limit: 1 }])));
  // Every log emptied before any check fails, so none is left over for the next input.
  const heard = [...heardReceipts].map(([userId, log]) => [userId, log.splice(0)] as const);
  for (const [userId, got] of heard) {
    const wanted = expected.filter((receipt) => model.recipients(receipt.conversationId).includes(userId));
    for (const receipt of got) {
      check(isPlainObject(receipt) && typeof receipt.at === 'string' && ISO_UTC.test(receipt.at), 'a receipt without an ISO-8601 UTC at', { ...evidence, receipt });
    }
    checkEqual(
      got.map(({ at: _at, ...rest }) => rest),
      wanted,
      `the sockets of ${userId} did not hear exactly the receipts of what moved`,
      evidence,
    );
  }
}

/** A conversation id for a mark by `callerId`: mostly one of theirs, else any of conversationIdValue's. */
function conversationFor(callerId: string, userIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 7, arbitrary: current(() => model.conversationIdsOf(callerId), `dm:${callerId}:${callerId}`) },
    { weight: 3, arbitrary: conversationIdValue(() => model.conversationIds(), userIds) },
  );
}

/** An upTo for a mark of `conversationId` by `callerId`, from what the model holds when it is generated. */
function upToFor(callerId: string, conversationId: string): fc.Arbitrary<string> {
  const ofConversation = () => model.messagesOf(conversationId);
  const orAny = (ids: string[]) => (ids.length > 0 ? ids : model.messageIds());
  return upToValue(
    {
      peer: () => orAny(ofConversation().filter((message) => message.senderId !== callerId).map((message) => message.id)),
      unread: () => {
        const messages = ofConversation();
        const read = model.conversation(callerId, conversationId)?.readUpTo ?? null;
        const after = messages.slice(messages.findIndex((message) => message.id === read) + 1);
        return orAny(after.filter((message) => message.senderId !== callerId).map((message) => message.id));
      },
      own: () => orAny(ofConversation().filter((message) => message.senderId === callerId).map((message) => message.id)),
      latest: () => orAny(ofConversation().slice(-1).map((message) => message.id)),
      elsewhere: () => model.messageIds().filter((id) => !model.isMessageOf(conversationId, id)),
    },
    '1',
  );
}

/** "delivered+read", "nothing": what a mark moved, for the tally. */
const movedOf = (receipts: ExpectedReceipt[]) => receipts.map((receipt) => receipt.type).join('+') || 'nothing';

/** Now and then a new message after an input, so watermarks fall behind and the inbox order changes. */
const arrival = (users: number) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(users - 1), fc.nat(users - 1)) });

async function arrive(pair: [number, number] | undefined): Promise<void> {
  if (pair === undefined) return;
  await send(world.user(pair[0]), world.user(pair[1]), `arrival ${model.messageIds().length}`);
  model.learn(await world.takeNewMessages());
}

describe('fuzz: conversations', () => {
  it(`GET /conversations ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /conversations';
    const input = fc.record({
      who: fc.nat(world.users.length - 1),
      query: queryString(['limit', 'before'], fc.oneof(inboxLimit, inboxCursorValue(() => inboxCursors, otherCursors))),
    });

    await fc.assert(
      fc.asyncProperty(input, async ({ who, query }) => {
        const reader = world.user(who);
        const sent = { method: 'GET', path: `/conversations${query}`, as: reader.user.username };
        const response = await getAs(world.url, reader, sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const params = querystring.parse(query.slice(1));
        const limit = expectedLimit(params['limit'], 50, 200);
        const before = params['before'];
        const valid = limit !== 'invalid' && (before === undefined || isInboxCursor(before));
        const expected = valid ? '200' : '400 validation_failed';
        check(outcomeOf(response.status, response.json) === expected, `expected ${expected}`, evidence);

        if (response.status === 200 && limit !== 'invalid') {
          checkEqual(Object.keys(response.json).sort(), ['conversations', 'nextCursor'], 'a page with other keys', evidence);
          const { conversations, nextCursor } = response.json as { conversations: unknown[]; nextCursor: unknown };
          check(Array.isArray(conversations) && conversations.length <= limit, 'more conversations than the limit', evidence);
          for (const conversation of conversations) {
            checkConversationShape(conversation, evidence);
            // Shown in its current state, whatever the page's snapshot: exactly the model's, and the reader's.
            checkEqual(conversation, model.conversation(reader.user.id, conversation['id']), "a conversation not as the model has it (or not the reader's)", evidence);
          }
          const ids = (conversations as Conversation[]).map((conversation) => conversation.id);
          check(new Set(ids).size === ids.length, 'a conversation listed twice on one page', evidence);
          check(nextCursor === null || isInboxCursor(nextCursor), 'a nextCursor of another format', evidence);

          // A first page, or a cursor issued to this reader: the world has not changed since, so the
          // page is exactly the next slice of the inbox, newest activity first.
          const offset = before === undefined ? 0 : cursorOffsets.get(`${reader.user.id} ${String(before)}`);
          if (offset !== undefined) {
            const inbox = model.inbox(reader.user.id);
            checkEqual(conversations, inbox.slice(offset, offset + limit), 'not the slice of the inbox, newest activity first, that comes next', evidence);
            const more = offset + limit < inbox.length;
            check((nextCursor !== null) === more, more ? 'no nextCursor though conversations follow' : 'a nextCursor after the last conversation', evidence);
            if (typeof nextCursor === 'string') cursorOffsets.set(`${reader.user.id} ${nextCursor}`, offset + limit);
          }
          if (typeof nextCursor === 'string') inboxCursors.push(nextCursor);
        }
        await checkInboxes(evidence);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`GET /conversations/:id ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /conversations/:id';
    const userIds = world.users.map(({ user }) => user.id);
    const input = fc.record({
      who: fc.nat(world.users.length - 1),
      segment: pathSegment(conversationIdValue(() => model.conversationIds(), userIds)),
    });

    await fc.assert(
      fc.asyncProperty(input, async ({ who, segment }) => {
        const reader = world.user(who);
        const sent = { method: 'GET', path: `/conversations/${segment}`, as: reader.user.username };
        const response = await getAs(world.url, reader, sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        // An empty segment is /conversations/, the inbox; a malformed escape is for the router to refuse.
        const id = decodeURIComponentOrNull(segment);
        if (id !== null) {
          const expected = id === '' ? '200' : !isConversationId(id) ? '400 validation_failed' : model.conversation(reader.user.id, id) ? '200' : '404 not_found';
          check(outcomeOf(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }
        if (response.status === 200 && id === '') {
          checkEqual(response.json, { conversations: model.inbox(reader.user.id), nextCursor: null }, '/conversations/ is not the inbox', evidence);
        } else if (response.status === 200) {
          checkEqual(Object.keys(response.json), ['conversation'], 'an answer with other keys', evidence);
          checkConversationShape(response.json.conversation, evidence);
          checkEqual(response.json.conversation, id === null ? undefined : model.conversation(reader.user.id, id), 'not the conversation as the model has it', evidence);
        }
        await checkInboxes(evidence);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`POST /conversations/:id/read and /delivered ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'POST /conversations/:id/read|delivered';
    const userIds = world.users.map(({ user }) => user.id);
    const input = fc
      .record({ who: fc.nat(world.users.length - 1), watermark: fc.constantFrom<Watermark>('read', 'delivered'), then: arrival(world.users.length) })
      .chain((base) => {
        const callerId = world.user(base.who).user.id;
        return conversationFor(callerId, userIds).chain((conversationId) =>
          fc
            .record({ segment: pathSegment(fc.constant(conversationId)), body: markBody(upToFor(callerId, conversationId)) })
            .chain(({ segment, body }) => encodedBody(body).map((encoded) => ({ ...base, segment, body, encoded }))),
        );
      });

    await fc.assert(
      fc.asyncProperty(input, async ({ who, watermark, then, segment, body, encoded }) => {
        const caller = world.user(who);
        const sent = { method: 'POST', path: `/conversations/${segment}/${watermark}`, how: encoded.how, as: caller.user.username, body };
        const response = await rawRequest(world.url, { ...sent, headers: { ...encoded.headers, ...bearer(caller) }, body: encoded.body });
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const id = decodeURIComponentOrNull(segment);
        const parsed = overTheWire(body);
        if (encoded.exact && id !== null) {
          const mark = expectedMark(caller.user.id, id, parsed);
          const expected = firstFailing(
            [
              [isJsonContainer(parsed), '400 invalid_json'],
              [id !== '', '404 route_not_found'],
              [mark === 'ok', mark === 'ok' ? '' : `${ERROR_CATALOGUE[mark].status} ${mark}`],
            ],
            '200',
          );
          check(outcomeOf(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }

        let receipts: ExpectedReceipt[] = [];
        if (response.status === 200) {
          // Sent otherwise than as plain JSON (gzip, say), the body can only have been the value itself.
          const upTo = isPlainObject(parsed) ? parsed['upTo'] : undefined;
          check(id !== null && typeof upTo === 'string' && expectedMark(caller.user.id, id, parsed) === 'ok', 'a 200 for a mark the README refuses', evidence);
          receipts = model.mark(caller.user.id, id, watermark, upTo);
          world.tally.record(`${route} (what the 200s moved)`, movedOf(receipts));
          checkEqual(Object.keys(response.json), ['conversation'], 'an answer with other keys', evidence);
          checkConversationShape(response.json.conversation, evidence);
          checkEqual(response.json.conversation, model.conversation(caller.user.id, id), 'not the conversation as the mark leaves it', evidence);
        }
        await Promise.all([world.checkNothingStored(sent), checkInboxes(evidence), checkReceipts(receipts, evidence)]);
        await checkAlive(world.url, sent);
        await arrive(then);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
    console.log(world.tally.report(`${route} (what the 200s moved)`));
  });

  it(`mark_read and mark_delivered ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'socket mark_read|mark_delivered';
    const userIds = world.users.map(({ user }) => user.id);
    const input = fc
      .record({ who: fc.nat(SOCKET_USERS - 1), event: fc.constantFrom('mark_read', 'mark_delivered'), style: emitStyle, then: arrival(world.users.length) })
      .chain((base) => {
        const callerId = world.user(base.who).user.id;
        return conversationFor(callerId, userIds).chain((conversationId) =>
          markPayload(fc.constant(conversationId), upToFor(callerId, conversationId), requestIdValue).map((payload) => ({ ...base, payload })),
        );
      });

    await fc.assert(
      fc.asyncProperty(input, async ({ who, event, style: how, then, payload }) => {
        const caller = world.user(who);
        const socket = sockets.get(caller.user.id) as ClientSocket;
        const [own] = model.conversationIdsOf(caller.user.id);
        const pollution = { conversationId: own, upTo: own === undefined ? '1' : model.messagesOf(own).at(-1)?.id };
        const { ack, parsed, known } = await emitStyled(socket, event, how, payload, { pollution, binaryField: 'upTo' });
        const sent = { event, how, as: caller.user.username, payload };
        checkAck(ack, sent);
        world.tally.record(route, ack.ok ? 'ok' : `failed ${ack.error.code}`);
        const evidence = { sent, ack };

        const fields = isPlainObject(parsed) ? parsed : {};
        if (known) {
          const mark = expectedMark(caller.user.id, fields['conversationId'], parsed);
          const expected = mark === 'ok' ? 'ok' : `failed ${mark}`;
          check((ack.ok ? 'ok' : `failed ${ack.error.code}`) === expected, `expected ${expected}`, evidence);
        }

        let receipts: ExpectedReceipt[] = [];
        if (ack.ok) {
          const conversationId = fields['conversationId'];
          const upTo = fields['upTo'];
          check(known && typeof conversationId === 'string' && typeof upTo === 'string', 'ok for a payload whose fields are unknown', evidence);
          receipts = model.mark(caller.user.id, conversationId, event === 'mark_read' ? 'read' : 'delivered', upTo);
          world.tally.record(`${route} (what the oks moved)`, movedOf(receipts));
          checkEqual(Object.keys(ack).sort(), ['conversation', 'ok'], 'an ack with other keys', evidence);
          checkConversationShape(ack.conversation, evidence);
          checkEqual(ack.conversation, model.conversation(caller.user.id, conversationId), 'not the conversation as the mark leaves it', evidence);
        }
        await Promise.all([world.checkNothingStored(sent), checkInboxes(evidence), checkReceipts(receipts, evidence)]);
        check(socket.connected, 'the socket was disconnected', evidence);
        await checkAlive(world.url, sent);
        await arrive(then);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
    console.log(world.tally.report(`${route} (what the oks moved)`));
  });
});
