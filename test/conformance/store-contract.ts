import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage, StoredMessage } from '../../src/modules/chats/index.js';
import type { User } from '../../src/modules/users/index.js';
import { AppError } from '../../src/shared/errors.js';
import type { Store } from '../../src/store/index.js';

export interface StoreContractOptions {
  /** Registers the whole suite, under its name, as skipped (e.g. when no database is configured). */
  skip?: boolean;
  /**
   * Every store `open` returns is private and starts empty (a fresh SQLite file), so
   * store-wide results such as purgeExpired's count can be asserted exactly. Leave unset
   * for a shared database that other tests (and MongoDB's TTL monitor) write to concurrently.
   */
  isolated?: boolean;
}

const HOUR_MS = 3_600_000;

/** A name no other test (nor another run on a shared database) uses: letters and digits only. */
function uniqueTag(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** A random id shaped like a MongoDB ObjectId (24 hex digits) that names nothing. */
function unknownObjectIdHex(): string {
  return randomBytes(12).toString('hex');
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

function isStrictlyIncreasing(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value > (values[index - 1] as number));
}

/**
 * The one conformance suite for the Store interface: every implementation (SQLite, MongoDB)
 * must pass it unchanged. Each test opens a fresh store and closes it afterwards, and uses
 * random usernames, ids and conversation ids, so tests are independent of each other and of
 * anything else in a shared database.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  const { skip = false, isolated = false } = options;

  describe.skipIf(skip)(name, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store?.close();
    });

    const passwordHash = () => `$argon2id$v=19$m=65536,t=3,p=4$${randomBytes(16).toString('base64')}`;

    describe('users', () => {
      it('create returns id, username and createdAt as toISOString writes it, and no password hash', async () => {
        const username = uniqueTag('Alice_');
        const hash = passwordHash();
        const createdAt = new Date('2024-02-29T13:14:15.678Z');
        const user = await store.users.create({ username, passwordHash: hash, createdAt });

        expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'username']);
        expect(typeof user.id).toBe('string');
        expect(user.id.length).toBeGreaterThan(0);
        expect(user.username).toBe(username);
        expect(user.createdAt).toBe('2024-02-29T13:14:15.678Z');
        expect(JSON.stringify(user)).not.toContain(hash);
      });

      it('findById returns the created user, equal to what create returned, without a password hash', async () => {
        const created = await store.users.create({
          username: uniqueTag('Bob.'),
          passwordHash: passwordHash(),
          createdAt: new Date('2023-01-01T00:00:00.001Z'),
        });
        const found = await store.users.findById(created.id);
        expect(found).toEqual(created);
        expect(Object.keys(found ?? {}).sort()).toEqual(['createdAt', 'id', 'username']);
      });

      it('gives different users different ids', async () => {
        const a = await store.users.create({ username: uniqueTag('a'), passwordHash: passwordHash(), createdAt: new Date() });
        const b = await store.users.create({ username: uniqueTag('b'), passwordHash: passwordHash(), createdAt: new Date() });
        expect(a.id).not.toBe(b.id);
        expect(await store.users.findById(a.id)).toEqual(a);
        expect(await store.users.findById(b.id)).toEqual(b);
      });

      it('keeps the username exactly as typed (letter case included)', async () => {
        const username = `MiXeD-Case.${uniqueTag('User_')}`;
        const user = await store.users.create({ username, passwordHash: passwordHash(), createdAt: new Date() });
        expect(user.username).toBe(username);
        expect((await store.users.findById(user.id))?.username).toBe(username);
        expect((await store.users.findByUsernameWithPasswordHash(username.toLowerCase()))?.username).toBe(username);
      });

      it('refuses a duplicate username in another letter case with AppError username_taken (409)', async () => {
        const username = uniqueTag('CaseUser');
        const originalHash = passwordHash();
        const original = await store.users.create({ username, passwordHash: originalHash, createdAt: new Date() });

        for (const duplicate of [username, username.toUpperCase(), username.toLowerCase()]) {
          const error = await rejectionOf(
            store.users.create({ username: duplicate, passwordHash: passwordHash(), createdAt: new Date() }),
          );
          expect(error).toBeInstanceOf(AppError);
          expect(error).toMatchObject({ code: 'username_taken', status: 409 });
        }

        // The refused attempts changed nothing.
        const stored = await store.users.findByUsernameWithPasswordHash(username);
        expect(stored).toEqual({ ...original, passwordHash: originalHash });
      });

      it('findById of an unknown or malformed id returns undefined', async () => {
        await store.users.create({ username: uniqueTag('someone'), passwordHash: passwordHash(), createdAt: new Date() });
        for (const id of [randomUUID(), unknownObjectIdHex(), 'nope', 'zzzzzzzzzzzz', '']) {
          expect(await store.users.findById(id), `findById(${JSON.stringify(id)})`).toBeUndefined();
        }
      });

      it('findByIds returns the users among the ids that exist, leaving out unknown and malformed ids', async () => {
        const alice = await store.users.create({ username: uniqueTag('a'), passwordHash: passwordHash(), createdAt: new Date() });
        const bob = await store.users.create({ username: uniqueTag('b'), passwordHash: passwordHash(), createdAt: new Date() });
        const found = await store.users.findByIds([bob.id, randomUUID(), unknownObjectIdHex(), 'nope', alice.id, bob.id]);
        expect(found.sort((x, y) => x.id.localeCompare(y.id))).toEqual([alice, bob].sort((x, y) => x.id.localeCompare(y.id)));
        expect(await store.users.findByIds([])).toEqual([]);
      });

      it('findByUsernameWithPasswordHash is case-insensitive and returns the hash', async () => {
        const username = uniqueTag('Carol_');
        const hash = passwordHash();
        const user = await store.users.create({ username, passwordHash: hash, createdAt: new Date('2022-06-07T08:09:10.000Z') });

        for (const asked of [username, username.toUpperCase(), username.toLowerCase()]) {
          expect(await store.users.findByUsernameWithPasswordHash(asked), asked).toEqual({ ...user, passwordHash: hash });
        }
        expect(await store.users.findByUsernameWithPasswordHash(uniqueTag('nobody'))).toBeUndefined();
        // A prefix of an existing username is not that username.
        expect(await store.users.findByUsernameWithPasswordHash(username.slice(0, -1))).toBeUndefined();
      });

      describe('last seen', () => {
        const someone = () => store.users.create({ username: uniqueTag('seen'), passwordHash: passwordHash(), createdAt: new Date() });

        it('is absent until set, then answered as ISO-8601 UTC, for the users among the ids that have one', async () => {
          const [alice, bob, carol] = [await someone(), await someone(), await someone()];
          expect(await store.users.lastSeen([alice.id, bob.id])).toEqual(new Map());
          await store.users.setLastSeen(alice.id, new Date('2026-02-03T04:05:06.789Z'));
          await store.users.setLastSeen(carol.id, new Date('2026-02-04T00:00:00.000Z'));
          const seen = await store.users.lastSeen([alice.id, bob.id, carol.id, randomUUID(), unknownObjectIdHex(), 'nope']);
          expect(seen).toEqual(
            new Map([
              [alice.id, '2026-02-03T04:05:06.789Z'],
              [carol.id, '2026-02-04T00:00:00.000Z'],
            ]),
          );
          expect(await store.users.lastSeen([])).toEqual(new Map());
        });

        it('only moves forward, and leaves the user otherwise as it was', async () => {
          const alice = await someone();
          await store.users.setLastSeen(alice.id, new Date('2026-02-03T10:00:00.000Z'));
          await store.users.setLastSeen(alice.id, new Date('2026-02-03T09:00:00.000Z'));
          expect((await store.users.lastSeen([alice.id])).get(alice.id)).toBe('2026-02-03T10:00:00.000Z');
          await store.users.setLastSeen(alice.id, new Date('2026-02-03T11:00:00.000Z'));
          expect((await store.users.lastSeen([alice.id])).get(alice.id)).toBe('2026-02-03T11:00:00.000Z');
          expect(await store.users.findById(alice.id)).toEqual(alice);
          expect(await store.users.findByIds([alice.id])).toEqual([alice]);
        });

        it('ignores unknown and malformed ids', async () => {
          for (const id of [randomUUID(), unknownObjectIdHex(), 'nope']) await store.users.setLastSeen(id, new Date());
          expect(await store.users.lastSeen([randomUUID(), unknownObjectIdHex(), 'nope'])).toEqual(new Map());
        });
      });

      describe('searchByUsernamePrefix', () => {
        let tag: string;
        let byName: Map<string, User>;

        beforeEach(async () => {
          tag = uniqueTag('q');
          byName = new Map();
          // Created out of order; binary order of the names as typed (B < C < a < d) differs
          // from the lowercase order the contract asks for (a < B < C < d).
          for (const suffix of ['_Charlie', '_delta', '_alpha', '_Bravo', 'Xwild']) {
            const username = `${tag}${suffix}`;
            byName.set(suffix, await store.users.create({ username, passwordHash: passwordHash(), createdAt: new Date() }));
          }
          // Contains the tag, but does not start with it.
          byName.set('infix', await store.users.create({ username: `z${tag}_echo`, passwordHash: passwordHash(), createdAt: new Date() }));
        });

        const names = (users: User[]) => users.map((user) => user.username);

        it('returns matching users ordered by lowercase username, names as typed', async () => {
          const found = await store.users.searchByUsernamePrefix(`${tag}_`, 10);
          expect(names(found)).toEqual([`${tag}_alpha`, `${tag}_Bravo`, `${tag}_Charlie`, `${tag}_delta`]);
          expect(found[0]).toEqual(byName.get('_alpha'));
          for (const user of found) expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'username']);
        });

        it('is case-insensitive', async () => {
          const upper = await store.users.searchByUsernamePrefix(`${tag.toUpperCase()}_`, 10);
          const lower = await store.users.searchByUsernamePrefix(`${tag}_`, 10);
          expect(names(upper)).toEqual([`${tag}_alpha`, `${tag}_Bravo`, `${tag}_Charlie`, `${tag}_delta`]);
          expect(upper).toEqual(lower);
          expect(names(await store.users.searchByUsernamePrefix(`${tag}_b`, 10))).toEqual([`${tag}_Bravo`]);
          expect(names(await store.users.searchByUsernamePrefix(`${tag}_B`, 10))).toEqual([`${tag}_Bravo`]);
        });

        it('respects the limit, keeping the first users in order', async () => {
          expect(names(await store.users.searchByUsernamePrefix(`${tag}_`, 2))).toEqual([`${tag}_alpha`, `${tag}_Bravo`]);
          expect(names(await store.users.searchByUsernamePrefix(`${tag}_`, 1))).toEqual([`${tag}_alpha`]);
          // Five of the six names start with the tag; the infix one does not.
          expect(await store.users.searchByUsernamePrefix(tag, 100)).toHaveLength(5);
        });

        it('does not match substrings that are not a prefix, nor treat "_" as a wildcard', async () => {
          const infixId = byName.get('infix')?.id;
          expect(infixId).toBeDefined();
          expect((await store.users.searchByUsernamePrefix(tag, 100)).map((user) => user.id)).not.toContain(infixId);
          // A substring from the middle of the names matches none of them.
          const middle = await store.users.searchByUsernamePrefix(tag.slice(3), 100);
          const ours = new Set([...byName.values()].map((user) => user.id));
          expect(middle.filter((user) => ours.has(user.id))).toEqual([]);
          expect(await store.users.searchByUsernamePrefix(`${tag}_alphabet`, 10)).toEqual([]);
          // `${tag}Xwild` would match if "_" were a LIKE wildcard.
          expect(names(await store.users.searchByUsernamePrefix(`${tag}_`, 100))).not.toContain(`${tag}Xwild`);
        });

        it('with an empty prefix lists users in lowercase username order, at most limit', async () => {
          const all = await store.users.searchByUsernamePrefix('', 50);
          expect(all.length).toBeGreaterThan(0);
          expect(all.length).toBeLessThanOrEqual(50);
          const lowered = all.map((user) => user.username.toLowerCase());
          expect(lowered).toEqual([...lowered].sort());
          if (isolated) expect(all).toHaveLength(6);
        });
      });
    });

    describe('messages', () => {
      /** A direct conversation between two fresh random users. */
      function conversation() {
        const senderId = randomUUID();
        const receiverId = randomUUID();
        const conversationId = `dm:${uniqueTag('c')}:${senderId}:${receiverId}`;
        const message = (text: string, extra: Partial<NewMessage> = {}): NewMessage => ({
          conversationId,
          senderId,
          receiverId,
          message: text,
          createdAt: new Date(),
          ...extra,
        });
        return { senderId, receiverId, conversationId, message };
      }

      const list = (conversationId: string, limit = 1000, beforeSeq?: number) =>
        store.messages.listConversationNewestFirst(
          conversationId,
          beforeSeq === undefined ? { limit } : { limit, beforeSeq },
        );

      it('peerIds answers every other participant of the user\'s conversations once, never the user', async () => {
        const me = randomUUID();
        const [bob, carol, dave] = [randomUUID(), randomUUID(), randomUUID()];
        const send = (senderId: string, receiverId: string) =>
          store.messages.insert({ conversationId: `dm:${uniqueTag('c')}:${senderId}:${receiverId}`, senderId, receiverId, message: 'hi', createdAt: new Date() });
        expect(await store.conversations.peerIds(me)).toEqual([]);
        await send(me, bob);
        await send(carol, me);
        await send(me, me); // a conversation with oneself
        await send(bob, dave); // not mine
        expect((await store.conversations.peerIds(me)).sort()).toEqual([bob, carol].sort());
        expect(await store.conversations.peerIds(dave)).toEqual([bob]);
      });

      it('insert returns created:true and the stored message with every field as given', async () => {
        const chat = conversation();
        const createdAt = new Date('2024-03-04T05:06:07.089Z');
        const { message, created } = await store.messages.insert(chat.message('hello', { createdAt, clientMsgId: 'c-1' }));

        expect(created).toBe(true);
        expect(message).toEqual({
          id: expect.any(String),
          senderId: chat.senderId,
          receiverId: chat.receiverId,
          message: 'hello',
          createdAt: '2024-03-04T05:06:07.089Z',
          conversationId: chat.conversationId,
          clientMsgId: 'c-1',
          seq: expect.any(Number),
        });
        expect(message.id.length).toBeGreaterThan(0);
        expect(Number.isSafeInteger(message.seq)).toBe(true);
        expect(message.seq).toBeGreaterThan(0);
        expect(await list(chat.conversationId)).toEqual([message]);
      });

      it('keeps the text exactly as given: spaces, unicode, emoji, newlines, control characters', async () => {
        const chat = conversation();
        const texts = [
          '   leading and trailing spaces   ',
          '\t tabs \t',
          'line one\nline two\r\nline three\n',
          'Grüße, ça va? Ñandú. 日本語のテキスト. עברית. Ελληνικά',
          '👍🏽 👨‍👩‍👧‍👦 🇳🇴 ❤️ e\u0301 (combining accent)',
          'zero\u200bwidth\ufeffand NUL \u0000 inside',
          '<script>alert("x")</script> \' " \\ %_ $where',
          'x'.repeat(4000),
        ];
        const inserted: StoredMessage[] = [];
        for (const text of texts) {
          const { message } = await store.messages.insert(chat.message(text));
          expect(message.message).toBe(text);
          inserted.push(message);
        }
        const listed = await list(chat.conversationId);
        expect(listed.map((message) => message.message)).toEqual([...texts].reverse());
        expect(listed).toEqual([...inserted].reverse());
      });

      it('gives strictly increasing seq to sequential inserts, even many within the same millisecond', async () => {
        const chat = conversation();
        const sameInstant = new Date();
        const inserted: StoredMessage[] = [];
        for (let i = 0; i < 200; i += 1) {
          inserted.push((await store.messages.insert(chat.message(`burst ${i}`, { createdAt: sameInstant }))).message);
        }
        const seqs = inserted.map((message) => message.seq);
        expect(isStrictlyIncreasing(seqs)).toBe(true);
        for (const seq of seqs) expect(Number.isSafeInteger(seq) && seq > 0).toBe(true);
        expect(new Set(inserted.map((message) => message.id)).size).toBe(inserted.length);

        const listed = await list(chat.conversationId, 500);
        expect(listed.map((message) => message.message)).toEqual(inserted.map((message) => message.message).reverse());
        expect(listed.map((message) => message.seq)).toEqual([...seqs].reverse());
      });

      it('numbers a user’s feed in insertion order across conversations (positions strictly increase)', async () => {
        const first = conversation();
        const second = { ...conversation(), senderId: first.senderId };
        const texts: string[] = [];
        for (let i = 0; i < 10; i += 1) {
          const chat = i % 2 === 0 ? first : second;
          texts.push(`m${i}`);
          await store.messages.insert({ ...chat.message(`m${i}`), senderId: first.senderId });
        }
        const feed = await store.messages.listFeedAfter(first.senderId, { afterPosition: 0, limit: 100 });
        expect(feed.map((entry) => entry.message.message)).toEqual(texts);
        expect(isStrictlyIncreasing(feed.map((entry) => entry.position))).toBe(true);
        for (const { position } of feed) expect(Number.isSafeInteger(position) && position > 0).toBe(true);
      });

      it('stores (senderId, clientMsgId) once: a retry returns created:false and the original, unchanged', async () => {
        const chat = conversation();
        const original = await store.messages.insert(
          chat.message('first text', { clientMsgId: 'retry-1', createdAt: new Date('2024-01-01T00:00:00.000Z') }),
        );
        expect(original.created).toBe(true);

        const retry = await store.messages.insert(
          chat.message('second text, different', { clientMsgId: 'retry-1', createdAt: new Date('2025-01-01T00:00:00.000Z') }),
        );
        expect(retry.created).toBe(false);
        expect(retry.message).toEqual(original.message);
        expect(retry.message.message).toBe('first text');

        const again = await store.messages.insert(chat.message('first text', { clientMsgId: 'retry-1' }));
        expect(again).toEqual({ created: false, message: original.message });

        expect(await list(chat.conversationId)).toEqual([original.message]);
      });

      it('treats the same clientMsgId from another sender as a different message', async () => {
        const chat = conversation();
        const a = await store.messages.insert(chat.message('from sender', { clientMsgId: 'shared-id' }));
        const b = await store.messages.insert(
          chat.message('from receiver', { clientMsgId: 'shared-id', senderId: chat.receiverId, receiverId: chat.senderId }),
        );
        expect(a.created).toBe(true);
        expect(b.created).toBe(true);
        expect(b.message.id).not.toBe(a.message.id);
        expect(b.message.senderId).toBe(chat.receiverId);
        expect(b.message.message).toBe('from receiver');
        expect(await list(chat.conversationId)).toEqual([b.message, a.message]);
      });

      it('settles concurrent inserts of the same (senderId, clientMsgId): one created, all the same message', async () => {
        const chat = conversation();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.messages.insert(chat.message(`attempt ${i}`, { clientMsgId: 'race' }))),
        );
        expect(results.filter((result) => result.created)).toHaveLength(1);
        const winner = results.find((result) => result.created)?.message;
        for (const result of results) {
          expect(result.message.id).toBe(winner?.id);
          expect(result.message).toEqual(winner);
        }
        expect(await list(chat.conversationId)).toEqual([winner]);
      });

      it('stores concurrent inserts with distinct clientMsgIds as distinct messages with distinct seq', async () => {
        const chat = conversation();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.messages.insert(chat.message(`parallel ${i}`, { clientMsgId: `p-${i}` }))),
        );
        expect(results.every((result) => result.created)).toBe(true);
        expect(new Set(results.map((result) => result.message.seq)).size).toBe(10);
        expect(new Set(results.map((result) => result.message.id)).size).toBe(10);
        const listed = await list(chat.conversationId);
        expect(listed).toHaveLength(10);
        expect(isStrictlyIncreasing(listed.map((message) => message.seq).reverse())).toBe(true);
      });

      it('never deduplicates messages without a clientMsgId, and gives them no clientMsgId property', async () => {
        const chat = conversation();
        const withoutKey = await store.messages.insert(chat.message('same text'));
        const withUndefined = await store.messages.insert(chat.message('same text', { clientMsgId: undefined }));
        expect(withoutKey.created).toBe(true);
        expect(withUndefined.created).toBe(true);
        expect(withUndefined.message.id).not.toBe(withoutKey.message.id);

        const listed = await list(chat.conversationId);
        expect(listed).toHaveLength(2);
        for (const message of [withoutKey.message, withUndefined.message, ...listed]) {
          expect('clientMsgId' in message).toBe(false);
          expect(Object.keys(message).sort()).toEqual(
            ['conversationId', 'createdAt', 'id', 'message', 'receiverId', 'senderId', 'seq'],
          );
        }
      });

      it('lists a conversation newest first, honouring limit and beforeSeq (strictly less), only that conversation', async () => {
        const chat = conversation();
        const other = conversation();
        const mine: StoredMessage[] = [];
        for (let i = 0; i < 6; i += 1) {
          mine.push((await store.messages.insert(chat.message(`mine ${i}`))).message);
          // Interleaved messages of another conversation (also between the same two users, reversed).
          await store.messages.insert(other.message(`other ${i}`));
          await store.messages.insert(
            chat.message(`other direction ${i}`, {
              conversationId: other.conversationId,
              senderId: chat.receiverId,
              receiverId: chat.senderId,
            }),
          );
        }
        const newestFirst = [...mine].reverse();
        const seqOf = (index: number) => (mine[index] as StoredMessage).seq;

        expect(await list(chat.conversationId)).toEqual(newestFirst);
        expect(await list(chat.conversationId, 2)).toEqual(newestFirst.slice(0, 2));
        expect(await list(chat.conversationId, 1)).toEqual(newestFirst.slice(0, 1));

        // beforeSeq is exclusive: the message with that seq is not included.
        expect(await list(chat.conversationId, 10, seqOf(3))).toEqual([mine[2], mine[1], mine[0]]);
        expect(await list(chat.conversationId, 2, seqOf(3))).toEqual([mine[2], mine[1]]);
        expect(await list(chat.conversationId, 10, seqOf(0))).toEqual([]);
        expect(await list(chat.conversationId, 10, seqOf(5) + 1)).toEqual(newestFirst);
        expect(await list(chat.conversationId, 10, seqOf(5) + 1_000_000)).toEqual(newestFirst);

        // Paging with beforeSeq walks the whole conversation without gaps or repeats.
        const paged: StoredMessage[] = [];
        let before: number | undefined;
        for (;;) {
          const page = await list(chat.conversationId, 4, before);
          if (page.length === 0) break;
          paged.push(...page);
          before = (page[page.length - 1] as StoredMessage).seq;
        }
        expect(paged).toEqual(newestFirst);

        expect(await list(`dm:${uniqueTag('nobody')}`)).toEqual([]);
        const others = await list(other.conversationId);
        expect(others).toHaveLength(12);
        expect(others.every((message) => message.conversationId === other.conversationId)).toBe(true);
      });

      it('lists what a user sent or received after a feed position, oldest first, each once, self-messages included', async () => {
        const me = randomUUID();
        const peer = randomUUID();
        const stranger = randomUUID();
        const dm = (senderId: string, receiverId: string, text: string): NewMessage => ({
          conversationId: `dm:${uniqueTag('s')}`,
          senderId,
          receiverId,
          message: text,
          createdAt: new Date(),
        });
        const mine: StoredMessage[] = [];
        for (const [from, to] of [[me, peer], [peer, me], [me, me], [peer, stranger], [stranger, me]] as const) {
          const { message } = await store.messages.insert(dm(from, to, `${from}->${to}`));
          if (from === me || to === me) mine.push(message);
        }
        const feed = (afterPosition: number, limit: number) => store.messages.listFeedAfter(me, { afterPosition, limit });
        const all = await feed(0, 100);
        expect(all.map((entry) => entry.message)).toEqual(mine);
        const positions = all.map((entry) => entry.position);
        expect(isStrictlyIncreasing(positions)).toBe(true);
        expect((await feed(positions[0] as number, 2)).map((entry) => entry.message)).toEqual(mine.slice(1, 3));
        expect(await feed(positions.at(-1) as number, 100)).toEqual([]);
        // The other participants' feeds hold the same messages, each at a position of their own.
        expect((await store.messages.listFeedAfter(stranger, { afterPosition: 0, limit: 100 })).map((entry) => entry.message.message)).toEqual([
          `${peer}->${stranger}`,
          `${stranger}->${me}`,
        ]);
      });
    });

    describe('message changes', () => {
      async function sent(senderId = randomUUID(), receiverId = randomUUID(), text = 'original') {
        const { message } = await store.messages.insert({
          conversationId: `dm:${uniqueTag('e')}`,
          senderId,
          receiverId,
          message: text,
          clientMsgId: uniqueTag('cm'),
          createdAt: new Date(),
        });
        return message;
      }

      it('findById returns the message as stored, and undefined for unknown and malformed ids', async () => {
        const message = await sent();
        expect(await store.messages.findById(message.id)).toEqual(message);
        for (const id of [unknownObjectIdHex(), '99999999999', 'nope', '']) expect(await store.messages.findById(id), id).toBeUndefined();
      });

      it('edits the text with editedAt, and deletes by erasing the text with deletedAt; history keeps it in place', async () => {
        const first = await sent();
        const second = await store.messages.insert({ conversationId: first.conversationId, senderId: first.receiverId, receiverId: first.senderId, message: 'reply', createdAt: new Date() });
        const editedAt = new Date('2026-03-01T10:00:00.000Z');
        const edited = await store.messages.change(first.id, { kind: 'edit', message: 'corrected ✓', at: editedAt });
        expect(edited).toEqual({ changed: true, message: { ...first, message: 'corrected ✓', editedAt: editedAt.toISOString() } });
        const deletedAt = new Date('2026-03-01T11:00:00.000Z');
        const deleted = await store.messages.change(first.id, { kind: 'delete', at: deletedAt });
        expect(deleted).toEqual({ changed: true, message: { ...first, message: '', editedAt: editedAt.toISOString(), deletedAt: deletedAt.toISOString() } });
        expect(await store.messages.listConversationNewestFirst(first.conversationId, { limit: 10 })).toEqual([second.message, deleted?.message]);
        // A retry of the original send answers the tombstone.
        const retry = await store.messages.insert({ conversationId: first.conversationId, senderId: first.senderId, receiverId: first.receiverId, message: 'again', clientMsgId: first.clientMsgId, createdAt: new Date() });
        expect(retry).toEqual({ created: false, message: deleted?.message });
      });

      it('makes editedAt grow with every edit, even two in one millisecond or one stamped earlier', async () => {
        const message = await sent();
        const at = new Date('2026-03-01T10:00:00.000Z');
        const first = await store.messages.change(message.id, { kind: 'edit', message: 'one', at });
        const second = await store.messages.change(message.id, { kind: 'edit', message: 'two', at });
        const third = await store.messages.change(message.id, { kind: 'edit', message: '$three', at: new Date('2026-03-01T09:00:00.000Z') });
        expect([first, second, third].map((result) => result?.message.editedAt)).toEqual([
          '2026-03-01T10:00:00.000Z',
          '2026-03-01T10:00:00.001Z',
          '2026-03-01T10:00:00.002Z',
        ]);
        expect(third?.message.message).toBe('$three'); // text, never read as anything else
      });

      it('keeps a deleted message deleted: an edit is refused with message_deleted, a second delete changes nothing', async () => {
        const message = await sent();
        const { message: tombstone } = (await store.messages.change(message.id, { kind: 'delete', at: new Date() })) ?? {};
        await expect(store.messages.change(message.id, { kind: 'edit', message: 'back?', at: new Date() })).rejects.toMatchObject({ code: 'message_deleted', status: 409 });
        expect(await store.messages.change(message.id, { kind: 'delete', at: new Date() })).toEqual({ changed: false, message: tombstone });
        expect(await store.messages.findById(message.id)).toEqual(tombstone);
        expect(await store.messages.change(unknownObjectIdHex(), { kind: 'delete', at: new Date() })).toBeUndefined();
        expect(await store.messages.change('nope', { kind: 'delete', at: new Date() })).toBeUndefined();
      });

      it('never leaves an edited tombstone when an edit and a delete race', async () => {
        for (let round = 0; round < 5; round += 1) {
          const message = await sent();
          await Promise.allSettled([
            store.messages.change(message.id, { kind: 'edit', message: 'edit', at: new Date() }),
            store.messages.change(message.id, { kind: 'delete', at: new Date() }),
          ]);
          const after = await store.messages.findById(message.id);
          expect(after?.message).toBe('');
          expect(after?.deletedAt).toBeDefined();
        }
      });

      it('moves a changed message to the top of both feeds: a sync from any cursor returns it once, in its newest state', async () => {
        const alice = randomUUID();
        const bob = randomUUID();
        const first = await sent(alice, bob, 'first');
        const second = await sent(bob, alice, 'second');
        const feed = async (userId: string, afterPosition = 0) => store.messages.listFeedAfter(userId, { afterPosition, limit: 100 });
        const cursor = (await feed(alice)).at(-1)?.position as number;

        await store.messages.change(first.id, { kind: 'edit', message: 'first, edited', at: new Date() });
        await store.messages.change(first.id, { kind: 'edit', message: 'first, edited twice', at: new Date() });
        const third = await sent(alice, bob, 'third');
        for (const userId of [alice, bob]) {
          const all = await feed(userId);
          expect(all.map((entry) => entry.message.message)).toEqual(['second', 'first, edited twice', 'third']);
          expect(isStrictlyIncreasing(all.map((entry) => entry.position))).toBe(true);
        }
        const after = await feed(alice, cursor);
        expect(after.map((entry) => entry.message.id)).toEqual([first.id, third.id]);
        // From the last cursor again: nothing more, until the next change.
        expect(await feed(alice, after.at(-1)?.position as number)).toEqual([]);
        await store.messages.change(second.id, { kind: 'delete', at: new Date() });
        const changes = await feed(bob, after.at(-1)?.position as number);
        expect(changes.map((entry) => [entry.message.id, entry.message.message])).toEqual([[second.id, '']]);
      });
    });

    describe('blocks', () => {
      const someone = () => store.users.create({ username: uniqueTag('u'), passwordHash: passwordHash(), createdAt: new Date() });

      it('records a block one way: blocks is directional, eitherBlocks is not', async () => {
        const [alice, bob] = [await someone(), await someone()];
        expect(await store.blocks.eitherBlocks(alice.id, bob.id)).toBe(false);
        await store.blocks.block(alice.id, bob.id, new Date());
        expect(await store.blocks.blocks(alice.id, bob.id)).toBe(true);
        expect(await store.blocks.blocks(bob.id, alice.id)).toBe(false);
        expect(await store.blocks.eitherBlocks(alice.id, bob.id)).toBe(true);
        expect(await store.blocks.eitherBlocks(bob.id, alice.id)).toBe(true);
      });

      it('makes insert refuse a message between the two, either way, with AppError blocked, storing nothing; a message to oneself still goes', async () => {
        const [alice, bob] = [await someone(), await someone()];
        const conversationId = `dm:${uniqueTag('b')}`;
        const message = (senderId: string, receiverId: string) => ({ conversationId, senderId, receiverId, message: 'hi', createdAt: new Date() });
        const before = await store.messages.insert({ ...message(alice.id, bob.id), clientMsgId: 'before-the-block' });
        await store.blocks.block(bob.id, alice.id, new Date());
        // A retry of a send stored before the block answers its original, as every retry does; nothing new is stored.
        expect(await store.messages.insert({ ...message(alice.id, bob.id), clientMsgId: 'before-the-block' })).toEqual({ created: false, message: before.message });
        for (const [from, to] of [[alice.id, bob.id], [bob.id, alice.id]] as const) {
          await expect(store.messages.insert(message(from, to))).rejects.toMatchObject({ code: 'blocked', status: 403 });
        }
        expect(await store.messages.listConversationNewestFirst(conversationId, { limit: 10 })).toHaveLength(1);
        expect((await store.messages.insert({ ...message(alice.id, alice.id), conversationId: `dm:${uniqueTag('s')}` })).created).toBe(true);
        // Refused rows leave the rest of their batch alone.
        const carol = await someone();
        const results = await Promise.allSettled([store.messages.insert(message(alice.id, bob.id)), store.messages.insert({ ...message(alice.id, carol.id), conversationId: `dm:${uniqueTag('c')}` })]);
        expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
        await store.blocks.unblock(bob.id, alice.id);
        expect((await store.messages.insert(message(alice.id, bob.id))).created).toBe(true);
      });

      it('is idempotent both ways, also when blocks of one pair race', async () => {
        const [alice, bob] = [await someone(), await someone()];
        await Promise.all(Array.from({ length: 5 }, () => store.blocks.block(alice.id, bob.id, new Date())));
        expect(await store.blocks.listBlocked(alice.id)).toEqual([bob]);
        await store.blocks.unblock(alice.id, bob.id);
        await store.blocks.unblock(alice.id, bob.id);
        expect(await store.blocks.eitherBlocks(alice.id, bob.id)).toBe(false);
        expect(await store.blocks.listBlocked(alice.id)).toEqual([]);
      });

      it('blockersAmong answers those among the candidates who block the user, one way only', async () => {
        const [me, blocker, blocked, other] = [await someone(), await someone(), await someone(), await someone()];
        await store.blocks.block(blocker.id, me.id, new Date());
        await store.blocks.block(me.id, blocked.id, new Date());
        await store.blocks.block(other.id, blocked.id, new Date());
        expect(await store.blocks.blockersAmong(me.id, [blocker.id, blocked.id, other.id, blocker.id, 'nope'])).toEqual([blocker.id]);
        expect((await store.blocks.blockersAmong(blocked.id, [me.id, other.id, blocker.id])).sort()).toEqual([me.id, other.id].sort());
        expect(await store.blocks.blockersAmong(me.id, [])).toEqual([]);
      });

      it('lists the users a user blocks, most recently blocked first, and only theirs', async () => {
        const [me, first, second, other] = [await someone(), await someone(), await someone(), await someone()];
        await store.blocks.block(me.id, first.id, new Date('2026-01-01T00:00:00.000Z'));
        await store.blocks.block(me.id, second.id, new Date('2026-01-02T00:00:00.000Z'));
        await store.blocks.block(other.id, me.id, new Date('2026-01-03T00:00:00.000Z'));
        expect(await store.blocks.listBlocked(me.id)).toEqual([second, first]);
        expect(await store.blocks.listBlocked(other.id)).toEqual([me]);
      });
    });

    describe('revocations', () => {
      const credentialId = () => `jti-${randomUUID()}`;

      it('isRevoked is false before revoke and true after', async () => {
        const id = credentialId();
        const bystander = credentialId();
        expect(await store.revocations.isRevoked(id)).toBe(false);
        await store.revocations.revoke(id, new Date(Date.now() + HOUR_MS));
        expect(await store.revocations.isRevoked(id)).toBe(true);
        expect(await store.revocations.isRevoked(bystander)).toBe(false);
      });

      it('revoking the same credential twice is fine', async () => {
        const id = credentialId();
        await store.revocations.revoke(id, new Date(Date.now() + HOUR_MS));
        await expect(store.revocations.revoke(id, new Date(Date.now() + 2 * HOUR_MS))).resolves.toBeUndefined();
        expect(await store.revocations.isRevoked(id)).toBe(true);
      });

      it('purgeExpired removes only expired revocations and returns how many it removed', async () => {
        const now = new Date();
        const expiredLongAgo = credentialId();
        const expiredRecently = credentialId();
        const stillValid = credentialId();
        await store.revocations.revoke(expiredLongAgo, new Date(now.getTime() - 2 * HOUR_MS));
        await store.revocations.revoke(expiredRecently, new Date(now.getTime() - 1000));
        await store.revocations.revoke(stillValid, new Date(now.getTime() + HOUR_MS));

        const purged = await store.revocations.purgeExpired(now);
        expect(Number.isInteger(purged)).toBe(true);
        if (isolated) {
          expect(purged).toBe(2);
        } else {
          // A shared database may hold other expired revocations, and MongoDB's TTL monitor
          // may have removed ours first: only the outcome per credential is certain.
          expect(purged).toBeGreaterThanOrEqual(0);
        }
        expect(await store.revocations.isRevoked(expiredLongAgo)).toBe(false);
        expect(await store.revocations.isRevoked(expiredRecently)).toBe(false);
        expect(await store.revocations.isRevoked(stillValid)).toBe(true);

        if (isolated) expect(await store.revocations.purgeExpired(now)).toBe(0);
        expect(await store.revocations.isRevoked(stillValid)).toBe(true);
      });

      it('revokedBefore is undefined until revokeAllBefore, then the instant it was given, to the millisecond', async () => {
        const userId = uniqueTag('user');
        const bystander = uniqueTag('user');
        expect(await store.revocations.revokedBefore(userId)).toBeUndefined();
        const before = new Date('2026-12-01T10:11:12.345Z');
        await store.revocations.revokeAllBefore(userId, before, new Date(Date.now() + HOUR_MS));
        expect(await store.revocations.revokedBefore(userId)).toEqual(before);
        expect(await store.revocations.revokedBefore(bystander)).toBeUndefined();
      });

      it('keeps the latest instant of several revokeAllBefore calls, in whatever order they come', async () => {
        const userId = uniqueTag('user');
        const later = new Date(Date.now() - 1000);
        const earlier = new Date(later.getTime() - 60_000);
        await store.revocations.revokeAllBefore(userId, later, new Date(Date.now() + HOUR_MS));
        await store.revocations.revokeAllBefore(userId, earlier, new Date(Date.now() + 2 * HOUR_MS));
        expect(await store.revocations.revokedBefore(userId)).toEqual(later);
        const latest = new Date();
        await store.revocations.revokeAllBefore(userId, latest, new Date(Date.now() + HOUR_MS));
        expect(await store.revocations.revokedBefore(userId)).toEqual(latest);
      });

      it('purgeExpired forgets a user revocation once it has expired, and only then', async () => {
        const now = new Date();
        const expired = uniqueTag('user');
        const current = uniqueTag('user');
        await store.revocations.revokeAllBefore(expired, new Date(now.getTime() - 2 * HOUR_MS), new Date(now.getTime() - 1000));
        await store.revocations.revokeAllBefore(current, now, new Date(now.getTime() + HOUR_MS));
        const purged = await store.revocations.purgeExpired(now);
        if (isolated) expect(purged).toBe(1);
        expect(await store.revocations.revokedBefore(expired)).toBeUndefined();
        expect(await store.revocations.revokedBefore(current)).toEqual(now);
      });

      if (isolated) {
        // Only on a private store: purging "as of" a future instant would delete other tests' data.
        it('purgeExpired judges expiry by the instant it is given', async () => {
          const base = Date.now();
          const [a, b, c] = [credentialId(), credentialId(), credentialId()];
          await store.revocations.revoke(a, new Date(base + 1 * HOUR_MS));
          await store.revocations.revoke(b, new Date(base + 2 * HOUR_MS));
          await store.revocations.revoke(c, new Date(base + 3 * HOUR_MS));

          expect(await store.revocations.purgeExpired(new Date(base))).toBe(0);
          expect(await store.revocations.purgeExpired(new Date(base + 2.5 * HOUR_MS))).toBe(2);
          expect(await store.revocations.isRevoked(a)).toBe(false);
          expect(await store.revocations.isRevoked(b)).toBe(false);
          expect(await store.revocations.isRevoked(c)).toBe(true);
        });
      }
    });

    describe('ping', () => {
      it('resolves while the store is open', async () => {
        expect(['sqlite', 'mongodb']).toContain(store.kind);
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}
