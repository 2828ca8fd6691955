import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createChatService, MessageEvents, type ChatService } from '../../src/modules/chats/index.js';
import { createRateLimiter } from '../../src/redis/index.js';
import type { Message } from '../../src/modules/chats/index.js';
import type { Store } from '../../src/store/index.js';
import { openMongoStore } from '../../src/store/mongo/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { silentLogger } from '../helpers/silent-logger.js';

/*
 * Any interleaving of writers (two store handles on one database, as two instances would have,
 * some sends racing each other) and readers syncing with small pages from their last
 * cursor: every reader ends up with every message involving it exactly once, in the order
 * the store committed them (a send that finished before another began comes before it). On
 * SQLite always; on MongoDB when MONGODB_URI is set (reported by name as skipped otherwise).
 */
const USERS = 3;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const noLimit = createRateLimiter({ keyPrefix: 'unused', points: 0, windowSeconds: 1 });

type OpenTwo = () => Promise<Store[]>;

async function twoSqliteHandles(): Promise<Store[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sync-prop-'));
  dirs.push(dir);
  const file = path.join(dir, 'parley.db');
  return [await openSqliteStore({ file, logger: silentLogger }), await openSqliteStore({ file, logger: silentLogger })];
}

const mongoUri = process.env['MONGODB_URI'];
async function twoMongoHandles(): Promise<Store[]> {
  const dbName = `parley-sync-prop-${randomBytes(4).toString('hex')}`;
  const first = await openMongoStore({ uri: mongoUri as string, dbName, logger: silentLogger });
  return [first, await openMongoStore({ uri: mongoUri as string, dbName, logger: silentLogger })];
}

async function setUp(openTwo: OpenTwo): Promise<{ stores: Store[]; services: ChatService[]; userIds: string[] }> {
  const stores = await openTwo();
  const userIds: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await (stores[0] as Store).users.create({ username: `u${i}_${randomBytes(3).toString('hex')}`, passwordHash: 'x', createdAt: new Date() });
    userIds.push(user.id);
  }
  const services = stores.map((store) =>
    createChatService({
      users: store.users,
      messages: store.messages,
      events: new MessageEvents(),
      sendRateLimiter: noLimit,
      readRateLimiter: noLimit,
      loadShedder: { shouldShed: () => false, begin: () => 0, end: () => undefined },
      logger: silentLogger,
    }),
  );
  return { stores, services, userIds };
}

const send = fc.record({ kind: fc.constant('send' as const), via: fc.nat(1), from: fc.nat(USERS - 1), to: fc.nat(USERS - 1) });
const race = fc.record({ kind: fc.constant('race' as const), sends: fc.array(send, { minLength: 2, maxLength: 5 }) });
const sync = fc.record({ kind: fc.constant('sync' as const), via: fc.nat(1), reader: fc.nat(USERS - 1), limit: fc.integer({ min: 1, max: 3 }) });
const operations = fc.array(fc.oneof(send, race, sync), { minLength: 1, maxLength: 40 });

const targets: { name: string; openTwo: OpenTwo; skip: boolean; numRuns: number }[] = [
  { name: 'SQLite (two handles on one file)', openTwo: twoSqliteHandles, skip: false, numRuns: 40 },
  {
    name: mongoUri ? 'MongoDB (two handles on one database)' : 'MongoDB (skipped: set MONGODB_URI to run)',
    openTwo: twoMongoHandles,
    skip: !mongoUri,
    numRuns: 15,
  },
];

for (const { name, openTwo, skip, numRuns } of targets) describe(`sync cursor (property): ${name}`, () => {
  it.skipIf(skip)('delivers every message to each of its users once, in commit order, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(operations, async (ops) => {
        const { stores, services, userIds } = await setUp(openTwo);
        // A logical clock: a send that finished before another began must come first in every feed.
        let clock = 0;
        const span = new Map<string, { began: number; finished: number }>();
        const cursors: (string | undefined)[] = userIds.map(() => undefined);
        const received: Message[][] = userIds.map(() => []);
        const stored: Message[] = [];
        const user = (index: number) => userIds[index] as string;

        const doSend = async ({ via, from, to }: { via: number; from: number; to: number }) => {
          const began = ++clock;
          const { message } = await (services[via] as ChatService).sendMessage(user(from), {
            receiverId: user(to),
            message: `${from}->${to}`,
          });
          span.set(message.id, { began, finished: ++clock });
          stored.push(message);
        };
        const doSync = async (via: number, reader: number, limit: number) => {
          const page = await (services[via] as ChatService).sync(user(reader), { since: cursors[reader], limit });
          (received[reader] as Message[]).push(...page.messages);
          cursors[reader] = page.cursor;
          return page.hasMore;
        };

        for (const op of ops) {
          if (op.kind === 'send') await doSend(op);
          else if (op.kind === 'race') await Promise.all(op.sends.map(doSend));
          else await doSync(op.via, op.reader, op.limit);
        }
        for (let reader = 0; reader < USERS; reader++) {
          while (await doSync(reader % 2, reader, 3));
        }

        for (let reader = 0; reader < USERS; reader++) {
          const mine = stored.filter((message) => message.senderId === user(reader) || message.receiverId === user(reader));
          const ids = (received[reader] as Message[]).map((message) => message.id);
          expect(new Set(ids).size).toBe(ids.length); // exactly once
          expect([...ids].sort()).toEqual(mine.map((message) => message.id).sort()); // every one
          ids.forEach((listedFirst, index) => {
            for (const listedAfter of ids.slice(index + 1)) {
              // Listed after it, so it must not have finished before the first one began.
              expect((span.get(listedAfter) as { finished: number }).finished > (span.get(listedFirst) as { began: number }).began).toBe(true);
            }
          });
        }
        await Promise.all(stores.map((store) => store.close()));
      }),
      { numRuns },
    );
  }, 120_000);
});
