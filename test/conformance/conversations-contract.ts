import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationRecord, StoredMessage } from '../../src/modules/chats/index.js';
import { directConversationId } from '../../src/modules/chats/conversation-id.js';
import type { Store } from '../../src/store/index.js';

export interface ConversationContractOptions {
  /** Registers the whole suite, under its name, as skipped (e.g. when no database is configured). */
  skip?: boolean;
}

/** A random id shaped like a MongoDB ObjectId (24 hex digits) that names nothing. */
const unknownObjectIdHex = () => randomBytes(12).toString('hex');

/**
 * The conversations part of the Store conformance suite: the inbox, its stable paging, the
 * watermarks and unread counts. Every implementation must pass it unchanged. `open` opens a fresh
 * store; `openAnother` a second handle on the database `open` last opened (another instance).
 * Users are random ids, so tests are independent of each other and of a shared database.
 */
export function describeConversationContract(
  name: string,
  open: () => Promise<Store>,
  openAnother: () => Promise<Store>,
  { skip = false }: ConversationContractOptions = {},
): void {
  describe.skipIf(skip)(name, () => {
    let store: Store;
    const others: Store[] = [];

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await Promise.all(others.splice(0).map((other) => other.close()));
      await store?.close();
    });

    async function send(from: string, to: string, text = `${from} -> ${to}`, via: Store = store): Promise<StoredMessage> {
      const { message } = await via.messages.insert({
        conversationId: directConversationId(from, to),
        senderId: from,
        receiverId: to,
        message: text,
        createdAt: new Date(),
      });
      return message;
    }

    const find = async (userId: string, peerId: string): Promise<ConversationRecord> => {
      const record = await store.conversations.find(userId, directConversationId(userId, peerId));
      if (!record) throw new Error(`no conversation of ${userId} with ${peerId}`);
      return record;
    };

    /** Every page of one listing, `limit` at a time, with a hook run between pages. */
    async function listAll(userId: string, limit: number, betweenPages: (page: number) => Promise<void> = async () => {}) {
      const seen: { position: number; conversation: ConversationRecord }[] = [];
      let asOf: number | undefined;
      let beforePosition: number | undefined;
      for (let page = 0; page < 1000; page += 1) {
        const result = await store.conversations.listInbox(userId, { asOf, beforePosition, limit });
        asOf = result.asOf;
        seen.push(...result.entries);
        if (result.entries.length < limit) return seen;
        beforePosition = result.entries.at(-1)?.position;
        await betweenPages(page);
      }
      throw new Error('paging did not end');
    }

    const ids = (entries: { conversation: ConversationRecord }[]) => entries.map((entry) => entry.conversation.conversationId);

    it('has no conversation for a user without messages: an empty inbox, find undefined', async () => {
      const me = randomUUID();
      expect(await store.conversations.listInbox(me, { limit: 10 })).toEqual({ asOf: 0, entries: [] });
      expect(await store.conversations.find(me, directConversationId(me, randomUUID()))).toBeUndefined();
    });

    it('gives both participants the conversation once a message is stored: last message, peer, unread for the receiver only', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const message = await send(alice, bob, 'hello');
      const conversationId = directConversationId(alice, bob);

      const mine = await find(alice, bob);
      expect(mine).toMatchObject({ conversationId, userId: alice, peerId: bob, lastMessage: message, unreadCount: 0 });
      expect(mine).toMatchObject({ readUpTo: null, deliveredUpTo: null, peerReadUpTo: null, peerDeliveredUpTo: null });
      const theirs = await find(bob, alice);
      expect(theirs).toMatchObject({ conversationId, userId: bob, peerId: alice, lastMessage: message, unreadCount: 1 });

      // Its position is the last message's position in the user's feed.
      const [aliceFeed] = await store.messages.listFeedAfter(alice, { afterPosition: 0, limit: 10 });
      const [bobFeed] = await store.messages.listFeedAfter(bob, { afterPosition: 0, limit: 10 });
      expect(mine.position).toBe(aliceFeed?.position);
      expect(theirs.position).toBe(bobFeed?.position);
    });

    it('lists conversations by their latest message, newest first; a new message moves its conversation to the top', async () => {
      const me = randomUUID();
      const peers = [randomUUID(), randomUUID(), randomUUID()] as const;
      await send(me, peers[0]);
      await send(peers[1], me);
      await send(me, peers[2]);
      const latest = await send(peers[0], me, 'back on top');

      const { entries } = await store.conversations.listInbox(me, { limit: 10 });
      expect(entries.map((entry) => entry.conversation.peerId)).toEqual([peers[0], peers[2], peers[1]]);
      expect(entries[0]?.conversation.lastMessage).toEqual(latest);
      const positions = entries.map((entry) => entry.position);
      expect([...positions].sort((a, b) => b - a)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
    });

    it('pages with limit and beforePosition: the pages together are the whole list, in order, each once', async () => {
      const me = randomUUID();
      for (let i = 0; i < 7; i += 1) await send(i % 2 === 0 ? me : randomUUID(), i % 2 === 0 ? randomUUID() : me);
      const { entries: whole } = await store.conversations.listInbox(me, { limit: 100 });
      expect(whole).toHaveLength(7);
      const paged = await listAll(me, 3);
      expect(ids(paged)).toEqual(ids(whole));
    });

    it('keeps paging stable while messages reorder the list: nothing skipped, nothing repeated, states current', async () => {
      const me = randomUUID();
      const peers = Array.from({ length: 12 }, () => randomUUID());
      for (const peer of peers) await send(peer, me);
      const before = ids((await store.conversations.listInbox(me, { limit: 100 })).entries);
      const newcomer = randomUUID();
      const movedBeforeListed: StoredMessage[] = [];

      const paged = await listAll(me, 4, async (page) => {
        // Between pages: a conversation not yet listed (the bottom ones) moves to the top, one
        // already listed too, and a conversation starts. Each is the newest entry of my feed.
        movedBeforeListed.push(await send(me, peers[page] as string, `to an old one ${page}`));
        await send(peers[11 - page] as string, me, `from a listed one ${page}`);
        await send(newcomer, me, `new ${page}`);
      });

      expect(ids(paged)).toEqual(before);
      // Listed after it moved: shown in its state when listed, the new last message.
      const byPeer = new Map(paged.map((entry) => [entry.conversation.peerId, entry.conversation]));
      for (const message of movedBeforeListed.slice(0, 2)) {
        expect(byPeer.get(message.receiverId)?.lastMessage).toEqual(message);
      }
      // The next listing has the newcomer on top.
      const next = await store.conversations.listInbox(me, { limit: 1 });
      expect(next.entries[0]?.conversation.peerId).toBe(newcomer);
    });

    it('counts unread exactly: the peer’s messages after the read watermark, never one’s own', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      const received: StoredMessage[] = [];
      for (let i = 0; i < 5; i += 1) {
        received.push(await send(peer, me, `p${i}`));
        await send(me, peer, `m${i}`);
      }
      expect((await find(me, peer)).unreadCount).toBe(5);
      expect((await find(peer, me)).unreadCount).toBe(5);

      const conversationId = directConversationId(me, peer);
      const result = await store.conversations.mark(me, conversationId, 'read', (received[2] as StoredMessage).id);
      expect(result?.moved).toEqual(['read', 'delivered']);
      expect(result?.conversation).toMatchObject({ unreadCount: 2, readUpTo: received[2]?.id, deliveredUpTo: received[2]?.id });
      await send(peer, me, 'one more');
      expect((await find(me, peer)).unreadCount).toBe(3);
      const all = await store.messages.listConversationNewestFirst(conversationId, { limit: 1 });
      const last = await store.conversations.mark(me, conversationId, 'read', (all[0] as StoredMessage).id);
      expect(last?.conversation.unreadCount).toBe(0);
    });

    it('moves watermarks forward only: an older or equal upTo changes nothing', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      const first = await send(peer, me, 'first');
      const second = await send(peer, me, 'second');
      const conversationId = directConversationId(me, peer);

      expect((await store.conversations.mark(me, conversationId, 'delivered', second.id))?.moved).toEqual(['delivered']);
      const older = await store.conversations.mark(me, conversationId, 'delivered', first.id);
      expect(older).toMatchObject({ moved: [], conversation: { deliveredUpTo: second.id, readUpTo: null, unreadCount: 2 } });
      const again = await store.conversations.mark(me, conversationId, 'delivered', second.id);
      expect(again?.moved).toEqual([]);

      // Read behind delivered moves read alone.
      const read = await store.conversations.mark(me, conversationId, 'read', first.id);
      expect(read).toMatchObject({ moved: ['read'], conversation: { readUpTo: first.id, deliveredUpTo: second.id, unreadCount: 1 } });
      expect((await store.conversations.mark(me, conversationId, 'read', first.id))?.moved).toEqual([]);
    });

    it('shows each side the other’s watermarks', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const message = await send(alice, bob);
      await store.conversations.mark(bob, directConversationId(alice, bob), 'delivered', message.id);
      expect(await find(alice, bob)).toMatchObject({ peerDeliveredUpTo: message.id, peerReadUpTo: null, readUpTo: null });
      await store.conversations.mark(bob, directConversationId(alice, bob), 'read', message.id);
      expect(await find(alice, bob)).toMatchObject({ peerDeliveredUpTo: message.id, peerReadUpTo: message.id });
      expect(await find(bob, alice)).toMatchObject({ readUpTo: message.id, deliveredUpTo: message.id, unreadCount: 0 });
    });

    it('changes nothing when a user marks a message of their own', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      await send(peer, me);
      const mine = await send(me, peer);
      const before = await find(me, peer);
      const result = await store.conversations.mark(me, directConversationId(me, peer), 'read', mine.id);
      expect(result).toEqual({ moved: [], conversation: before });
    });

    it('refuses upTo that is not a message of the conversation (another conversation’s, unknown, malformed) and changes nothing', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      await send(peer, me);
      const elsewhere = await send(randomUUID(), me);
      const conversationId = directConversationId(me, peer);
      const before = await find(me, peer);
      for (const upTo of [elsewhere.id, unknownObjectIdHex(), '999999999999', 'not-an-id', '']) {
        await expect(store.conversations.mark(me, conversationId, 'read', upTo), upTo).rejects.toMatchObject({
          code: 'validation_failed',
          status: 400,
        });
      }
      expect(await find(me, peer)).toEqual(before);
    });

    it('answers undefined for a conversation the user is not in, or one without messages', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const message = await send(alice, bob);
      const stranger = randomUUID();
      expect(await store.conversations.find(stranger, directConversationId(alice, bob))).toBeUndefined();
      expect(await store.conversations.mark(stranger, directConversationId(alice, bob), 'read', message.id)).toBeUndefined();
      const empty = directConversationId(alice, stranger);
      expect(await store.conversations.find(alice, empty)).toBeUndefined();
      expect(await store.conversations.mark(alice, empty, 'read', message.id)).toBeUndefined();
    });

    it('keeps a conversation with oneself: peer is oneself, nothing unread, marks change nothing', async () => {
      const me = randomUUID();
      const note = await send(me, me, 'note to self');
      const record = await find(me, me);
      expect(record).toMatchObject({ peerId: me, lastMessage: note, unreadCount: 0 });
      expect((await store.conversations.mark(me, directConversationId(me, me), 'read', note.id))?.moved).toEqual([]);
      expect((await store.conversations.listInbox(me, { limit: 10 })).entries).toHaveLength(1);
    });

    it('does not count a retried send (same clientMsgId) again', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      const retry = () =>
        store.messages.insert({
          conversationId: directConversationId(me, peer),
          senderId: peer,
          receiverId: me,
          message: 'once',
          clientMsgId: 'retry-1',
          createdAt: new Date(),
        });
      await retry();
      const before = await find(me, peer);
      expect((await retry()).created).toBe(false);
      expect(await find(me, peer)).toEqual(before);
      expect(before.unreadCount).toBe(1);
    });

    it('keeps the highest watermark and an exact unread count under concurrent marks from two instances and concurrent sends', async () => {
      const me = randomUUID();
      const peer = randomUUID();
      const conversationId = directConversationId(me, peer);
      const received: StoredMessage[] = [];
      for (let i = 0; i < 12; i += 1) received.push(await send(peer, me, `p${i}`));
      const second = await openAnother();
      others.push(second);

      // Two devices on two instances mark read and delivered in any order while more arrive.
      const marks = received.flatMap((message, index) => [
        (index % 2 === 0 ? store : second).conversations.mark(me, conversationId, 'read', message.id),
        (index % 2 === 0 ? second : store).conversations.mark(me, conversationId, 'delivered', message.id),
      ]);
      const sends = Array.from({ length: 8 }, (_, i) => send(peer, me, `late ${i}`, i % 2 === 0 ? store : second));
      const [markResults, late] = await Promise.all([Promise.all(marks), Promise.all(sends)]);

      const newest = received.at(-1) as StoredMessage;
      const record = await find(me, peer);
      expect(record.readUpTo).toBe(newest.id);
      expect(record.deliveredUpTo).toBe(newest.id);
      expect(record.unreadCount).toBe(late.length);
      // Each watermark moved to the newest message exactly once, whatever the order.
      const movedToNewest = markResults.filter((result) => result?.conversation.readUpTo === newest.id && result.moved.includes('read'));
      expect(movedToNewest).toHaveLength(1);
      // And an instance's view is the other's.
      expect(await second.conversations.find(me, conversationId)).toEqual(record);
    });
  });
}
