import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../test/helpers/redis-server.js';
import { silentLogger } from '../../../test/helpers/silent-logger.js';
import { createRedisClient, type RedisClient } from '../../redis/redis-client.js';
import { createMemoryPresence } from './presence.memory.js';
import { ANNOUNCED_KEY, createRedisPresence } from './presence.redis.js';
import type { PresenceStore } from './presence.store.js';

/** The transitions every PresenceStore decides: online once, offline once, nothing while a socket lives. */
function describeTransitions(name: string, stores: () => PresenceStore[]) {
  describe(name, () => {
    const user = () => `u-${randomUUID()}`;

    it('announces online for the first socket only, on whichever instance adds it', async () => {
      const [a, b] = stores() as [PresenceStore, PresenceStore];
      const alice = user();
      expect(await a.add(alice, 's1')).toBe(true);
      expect(await b.add(alice, 's2')).toBe(false);
      expect(await a.add(alice, 's3')).toBe(false);
      expect(await a.countSockets(alice)).toBe(3);
    });

    it('counts the live sockets left on remove, and settles offline once, only with none left', async () => {
      const [a, b] = stores() as [PresenceStore, PresenceStore];
      const alice = user();
      await a.add(alice, 's1');
      await b.add(alice, 's2');
      expect(await a.remove(alice, 's1')).toBe(1);
      expect(await a.settleOffline(alice)).toBe(false); // s2 lives
      expect(await b.remove(alice, 's2')).toBe(0);
      const settled = await Promise.all([a.settleOffline(alice), b.settleOffline(alice), a.settleOffline(alice)]);
      expect(settled.filter(Boolean)).toHaveLength(1);
      expect(await a.isOnline(alice)).toBe(false);
      // Next time is a new transition.
      expect(await b.add(alice, 's3')).toBe(true);
    });

    it('announces nothing for a reconnect before the offline check (within the grace)', async () => {
      const [a, b] = stores() as [PresenceStore, PresenceStore];
      const alice = user();
      expect(await a.add(alice, 's1')).toBe(true);
      expect(await a.remove(alice, 's1')).toBe(0);
      expect(await b.add(alice, 's2')).toBe(false); // reconnected elsewhere
      expect(await a.settleOffline(alice)).toBe(false);
      expect(await b.remove(alice, 's2')).toBe(0);
      expect(await b.settleOffline(alice)).toBe(true);
    });

    it('settles nothing for a user never announced', async () => {
      const [a] = stores() as [PresenceStore];
      expect(await a.settleOffline(user())).toBe(false);
      expect(await a.remove(user(), 'nope')).toBe(0);
    });
  });
}

describeTransitions('memory presence', () => {
  const shared = createMemoryPresence(); // one process: every "instance" is the same store
  return [shared, shared];
});

describe('memory presence: nothing expires', () => {
  it('sweeps nothing', async () => {
    const presence = createMemoryPresence();
    await presence.add('alice', 's1');
    expect(await presence.sweep()).toEqual([]);
  });
});

describe('Redis presence (a real redis-server)', () => {
  let redis: TestRedis;
  const clients: RedisClient[] = [];
  const TTL_MS = 600;
  const GRACE_MS = 300;

  beforeAll(async () => {
    redis = await startTestRedis();
    for (let i = 0; i < 2; i += 1) {
      const client = createRedisClient({ url: redis.url, logger: silentLogger, role: 'test', answerDeadlineMs: 2000 });
      await client.connect();
      clients.push(client);
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await redis?.dispose();
  });

  // Two instances: two connections to one Redis. A long TTL, so nothing expires in these.
  describeTransitions('transitions across two instances', () => clients.map((client) => createRedisPresence(client, 60_000, GRACE_MS)));

  it('sweeps a user whose entries all expired (their instance died) once, after the grace, with when they were last seen', async () => {
    const [dead, alive] = clients.map((client) => createRedisPresence(client, TTL_MS, GRACE_MS)) as [PresenceStore, PresenceStore];
    const alice = `u-${randomUUID()}`;
    const bob = `u-${randomUUID()}`;
    const before = Date.now();
    expect(await dead.add(alice, 's1')).toBe(true);
    expect(await alive.add(bob, 's2')).toBe(true);
    expect(await alive.sweep()).toEqual([]); // nothing expired yet
    // The dead instance stops refreshing; the live one keeps bob's socket fresh.
    const deadline = Date.now() + TTL_MS + GRACE_MS + 2000;
    const swept: { userId: string; lastSeenAt: Date }[] = [];
    while (Date.now() < deadline && swept.length === 0) {
      await alive.refresh([{ userId: bob, socketId: 's2' }]);
      swept.push(...(await Promise.all([alive.sweep(), dead.sweep()])).flat());
      await sleep(100);
    }
    expect(swept.map((entry) => entry.userId)).toEqual([alice]);
    // Its last heartbeat (here: its add), in Redis's clock: close to this process's.
    expect(Math.abs((swept[0] as { lastSeenAt: Date }).lastSeenAt.getTime() - before)).toBeLessThan(1000);
    expect(await alive.sweep()).toEqual([]);
    expect(await alive.settleOffline(alice)).toBe(false); // already announced offline
    expect(await alive.isOnline(bob)).toBe(true);
    expect(await alive.add(alice, 's3')).toBe(true); // back: a new transition
  });

  it('leaves a user the sweep until the grace has passed after their deadline', async () => {
    const presence = createRedisPresence(clients[0] as RedisClient, TTL_MS, 60_000);
    const alice = `u-${randomUUID()}`;
    await presence.add(alice, 's1');
    await sleep(TTL_MS + 200);
    expect(await presence.isOnline(alice)).toBe(false);
    expect((await presence.sweep()).map((entry) => entry.userId)).not.toContain(alice);
  });

  it('re-marks refreshed users announced when Redis lost the mark, without announcing them again', async () => {
    const presence = createRedisPresence(clients[0] as RedisClient, 60_000, GRACE_MS);
    const alice = `u-${randomUUID()}`;
    await presence.add(alice, 's1');
    await (clients[0] as RedisClient).zRem(ANNOUNCED_KEY, alice);
    await presence.refresh([{ userId: alice, socketId: 's1' }]);
    expect(await presence.add(alice, 's2')).toBe(false);
    await presence.remove(alice, 's1');
    expect(await presence.remove(alice, 's2')).toBe(0);
    expect(await presence.settleOffline(alice)).toBe(true);
  });
});
