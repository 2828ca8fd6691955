import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisPresence, type PresenceStore } from '../../src/modules/presence/index.js';
import type { ChatMessage } from '../../src/protocol/events.js';
import { createRedisClient, type RedisClient } from '../../src/redis/redis-client.js';
import { libfaketime, skewedClockEnv } from '../helpers/faketime.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { makeDataDir } from '../helpers/parley.js';
import { spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { collect, connectSocket, type ClientSocket, type ConnectOptions } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * Issue 11, scenario 5: the instances' clocks disagree. Three real Parley processes share one
 * redis-server of the test's own and one SQLite file; libfaketime sets one instance's wall clock 5
 * minutes ahead and another's 5 minutes behind (the third is exact, as are Redis and the test).
 * Whatever one instance writes with its clock and another reads with its own must still mean the
 * same thing: presence, revocations, rate-limit windows, cursors. Where Parley does depend on the
 * clocks (a credential's lifetime is counted by whoever checks it), the stated tolerance is tested.
 */
const SKEW_SECONDS = 300;
/** Shorter than the 600 s between the instance behind and the one ahead, so that tolerance shows. */
const JWT_TTL_SECONDS = 540;
const PRESENCE_TTL_SECONDS = 3;
const HEARTBEAT_MS = (PRESENCE_TTL_SECONDS * 1000) / 3;
const MAX_SOCKETS_PER_USER = 3;
const LOGIN_FAILURES_PER_HOUR = 3;

interface Instance {
  name: 'ahead' | 'exact' | 'behind';
  offsetSeconds: number;
  url: string;
  process: ParleyProcess;
}

/** A credential issued by `minter` is within its lifetime on `checker` only while their clocks differ by less than it. */
const withinLifetime = (minter: Instance, checker: Instance) => checker.offsetSeconds - minter.offsetSeconds < JWT_TTL_SECONDS;

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  try {
    await waitFor(condition, timeoutMs, 100);
  } catch {
    throw new Error(`not within ${timeoutMs} ms: ${what}`);
  }
}

describe.skipIf(!libfaketime)(
  libfaketime
    ? 'clock skew: three instances 5 minutes apart (ahead, exact, behind) share Redis and the store'
    : 'clock skew: three instances 5 minutes apart (skipped: libfaketime not installed)',
  () => {
    let redis: TestRedis;
    let dataDir: string;
    let ahead: Instance;
    let exact: Instance;
    let behind: Instance;
    let all: Instance[];
    const sockets: ClientSocket[] = [];
    const summary: string[] = [];

    async function spawn(name: Instance['name'], offsetSeconds: number, env: Record<string, string>): Promise<Instance> {
      const child = await spawnParley({ ...env, ...(offsetSeconds === 0 ? {} : skewedClockEnv(offsetSeconds)) });
      return { name, offsetSeconds, url: child.url, process: child };
    }

    beforeAll(async () => {
      const started = Date.now();
      redis = await startTestRedis();
      dataDir = makeDataDir();
      const env = {
        REDIS_URL: redis.url,
        DATA_DIR: dataDir,
        JWT_TTL: String(JWT_TTL_SECONDS),
        PRESENCE_TTL: String(PRESENCE_TTL_SECONDS),
        MAX_SOCKETS_PER_USER: String(MAX_SOCKETS_PER_USER),
        LOGIN_FAILURES_PER_HOUR: String(LOGIN_FAILURES_PER_HOUR),
      };
      // One first: instances opening a fresh SQLite file at the same instant can fail with SQLITE_BUSY.
      exact = await spawn('exact', 0, env);
      [ahead, behind] = await Promise.all([spawn('ahead', SKEW_SECONDS, env), spawn('behind', -SKEW_SECONDS, env)]);
      all = [ahead, exact, behind];
      summary.push(`started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 60_000);

    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.close();
    });

    afterAll(async () => {
      console.log(`[clock-skew] instances ${SKEW_SECONDS} s ahead, exact, ${SKEW_SECONDS} s behind: ${summary.join('; ')}`);
      await Promise.all([ahead, exact, behind].map((instance) => instance?.process.kill('SIGKILL')));
      await redis?.dispose();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function open(instance: Instance, options: ConnectOptions): Promise<ClientSocket> {
      const socket = await connectSocket(instance.url, options);
      sockets.push(socket);
      return socket;
    }

    /** 'accepted' (the socket is closed again at once), or the connect_error's code. */
    async function handshake(instance: Instance, options: ConnectOptions): Promise<string> {
      try {
        (await connectSocket(instance.url, options)).close();
        return 'accepted';
      } catch (error) {
        return (error as { data?: { code?: string } }).data?.code ?? String(error);
      }
    }

    const me = async (instance: Instance, credentials: { token?: string; cookie?: string }) =>
      (await request(instance.url, 'GET', '/auth/me', credentials)).status;

    async function login(instance: Instance, user: RegisteredUser): Promise<{ token: string; cookie: string }> {
      const response = await request(instance.url, 'POST', '/auth/login', { body: { username: user.user.username, password: user.password } });
      if (response.status !== 200 || !response.sessionCookie) throw new Error(`login on ${instance.name}: ${response.status} ${JSON.stringify(response.body)}`);
      return { token: response.body.token, cookie: response.sessionCookie };
    }

    /** { ahead: 200, exact: 401, ... }: how each instance answers /auth/me with these credentials. */
    async function meEverywhere(credentials: { token?: string; cookie?: string }): Promise<Record<string, number>> {
      const statuses = await Promise.all(all.map(async (instance) => [instance.name, await me(instance, credentials)] as const));
      return Object.fromEntries(statuses);
    }

    it('runs each instance on its own clock (the Date header each one sends)', async () => {
      for (const instance of all) {
        const response = await fetch(`${instance.url}/health/live`);
        const offset = (Date.parse(response.headers.get('date') ?? '') - Date.now()) / 1000;
        expect(Math.abs(offset - instance.offsetSeconds), `${instance.name}'s clock is ${offset.toFixed(0)} s off`).toBeLessThan(5);
      }
    });

    it('accepts a token and a session minted by any instance on every instance whose clock is less than JWT_TTL ahead of the minter, and refuses it beyond', async () => {
      let refused = 0;
      for (const minter of all) {
        const user = await registerUser(minter.url);
        for (const checker of all) {
          const expected = withinLifetime(minter, checker) ? 200 : 401;
          if (expected === 401) refused += 1;
          const pair = `minted on ${minter.name}, checked on ${checker.name}`;
          expect(await me(checker, { token: user.token }), `token ${pair}`).toBe(expected);
          expect(await me(checker, { cookie: user.cookie }), `session ${pair}`).toBe(expected);
          expect(await handshake(checker, { token: user.token }), `socket with a token ${pair}`).toBe(expected === 200 ? 'accepted' : 'unauthorized');
        }
      }
      expect(refused).toBe(1); // only behind -> ahead: 600 s apart, more than the 540 s lifetime
      summary.push(`credentials minted on any instance accepted on every other within JWT_TTL minus the skew (${refused} of 9 pairs past it refused)`);
    });

    it('ends a token and its session on every instance when it logs out on another instance', async () => {
      const user = await registerUser(exact.url);
      const credentials = await login(ahead, user);
      const socketOnBehind = await open(behind, { token: credentials.token });
      const cookieSocketOnExact = await open(exact, { cookie: credentials.cookie });
      expect((await request(behind.url, 'POST', '/auth/logout', { token: credentials.token })).status).toBe(204);
      await until('the sockets of the logged-out token are closed', () => !socketOnBehind.connected && !cookieSocketOnExact.connected);
      expect(await meEverywhere({ token: credentials.token })).toEqual({ ahead: 401, exact: 401, behind: 401 });
      expect(await meEverywhere({ cookie: credentials.cookie })).toEqual({ ahead: 401, exact: 401, behind: 401 });
    });

    it('ends, on every instance, a login made on the instance ahead a moment before the user logs out everywhere on the instance behind', async () => {
      const user = await registerUser(exact.url);
      const justBefore = await login(ahead, user); // its iat is 10 minutes later than the clock behind reads
      expect(await meEverywhere({ token: justBefore.token })).toEqual({ ahead: 200, exact: 200, behind: 200 });
      const socket = await open(exact, { token: justBefore.token });
      expect((await request(behind.url, 'POST', '/auth/logout-all', { token: user.token })).status).toBe(204);
      await until('the socket of the earlier login is closed', () => !socket.connected);
      expect(await meEverywhere({ token: justBefore.token }), 'token issued before log-out-everywhere').toEqual({ ahead: 401, exact: 401, behind: 401 });
      expect(await meEverywhere({ cookie: justBefore.cookie }), 'session started before log-out-everywhere').toEqual({ ahead: 401, exact: 401, behind: 401 });
      expect(await meEverywhere({ token: user.token }), 'the token that logged out everywhere').toEqual({ ahead: 401, exact: 401, behind: 401 });
      for (const instance of all) expect(await handshake(instance, { token: justBefore.token }), `socket on ${instance.name}`).toBe('unauthorized');
      summary.push('log-out-everywhere on the instance behind ends a login made just before on the instance ahead');
    });

    it('accepts, on every instance, a login made a moment after the user logged out everywhere on the instance ahead, and a second log-out-everywhere still ends it', async () => {
      const user = await registerUser(exact.url);
      expect((await request(ahead.url, 'POST', '/auth/logout-all', { token: user.token })).status).toBe(204);
      for (const minter of [exact, behind]) {
        const justAfter = await login(minter, user);
        for (const checker of all.filter((instance) => withinLifetime(minter, instance))) {
          const pair = `login on ${minter.name} after log-out-everywhere on ahead, checked on ${checker.name}`;
          expect(await me(checker, { token: justAfter.token }), `token: ${pair}`).toBe(200);
          expect(await me(checker, { cookie: justAfter.cookie }), `session: ${pair}`).toBe(200);
        }
        // The next log out everywhere, wherever it happens, ends this login too.
        const other = await login(exact, user);
        expect((await request(minter.url, 'POST', '/auth/logout-all', { token: other.token })).status).toBe(204);
        expect(await meEverywhere({ token: justAfter.token }), `token of the login on ${minter.name} after the second log-out-everywhere`).toEqual({
          ahead: 401,
          exact: 401,
          behind: 401,
        });
        expect(await meEverywhere({ cookie: justAfter.cookie }), `session of the login on ${minter.name} after the second log-out-everywhere`).toEqual({
          ahead: 401,
          exact: 401,
          behind: 401,
        });
      }
      summary.push('a login just after log-out-everywhere on the instance ahead works everywhere, and the next log-out-everywhere ends it');
    });

    it('shows a user connected to any instance online from every instance, through several heartbeats, and offline once disconnected', async () => {
      const viewer = await registerUser(exact.url);
      // One user per instance: the one connected to `host` is users[i] for all[i].
      const users = await Promise.all(all.map(() => registerUser(exact.url)));
      const onlineEverywhere = async () =>
        Promise.all(
          users.map(async (user) =>
            Promise.all(all.map(async (instance) => (await request(instance.url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online as boolean)),
          ),
        );
      const hosted = await Promise.all(all.map((host, i) => open(host, { token: (users[i] as RegisteredUser).token })));
      await until('users connected to ahead, exact and behind show online on every instance', async () => (await onlineEverywhere()).flat().every(Boolean));
      await sleep(2 * HEARTBEAT_MS); // every instance's heartbeat runs (each drops the entries it thinks expired)
      const afterHeartbeats = await onlineEverywhere();
      all.forEach((host, i) => expect(afterHeartbeats[i], `online on [ahead, exact, behind] after heartbeats, connected to ${host.name}`).toEqual([true, true, true]));
      for (const socket of hosted) socket.close();
      await until('users who left show offline on every instance', async () => (await onlineEverywhere()).flat().every((online) => !online));
      summary.push('presence correct from every instance for a user on any instance');
    });

    it('counts a user’s sockets on all instances together against MAX_SOCKETS_PER_USER, also after heartbeats', async () => {
      const user = await registerUser(exact.url);
      for (const host of all) await open(host, { token: user.token });
      for (const round of ['at once', 'after heartbeats']) {
        if (round === 'after heartbeats') await sleep(2 * HEARTBEAT_MS);
        for (const instance of all) {
          expect(await handshake(instance, { token: user.token }), `a fourth socket on ${instance.name}, ${round}`).toBe('too_many_connections');
        }
      }
      summary.push(`${MAX_SOCKETS_PER_USER} sockets on three clocks counted together`);
    });

    it('counts failed logins on every instance in one window whose end (Retry-After) every instance tells alike', async () => {
      const user = await registerUser(exact.url);
      for (const instance of all) {
        const response = await request(instance.url, 'POST', '/auth/login', { body: { username: user.user.username, password: 'wrong horse battery' } });
        expect(response.status, `failed login on ${instance.name}`).toBe(401);
      }
      const retryAfter: number[] = [];
      for (const instance of all) {
        const response = await request(instance.url, 'POST', '/auth/login', { body: { username: user.user.username, password: user.password } });
        expect(response.status, `login on ${instance.name} after ${LOGIN_FAILURES_PER_HOUR} failures`).toBe(429);
        expect(response.body.error.code).toBe('rate_limited');
        retryAfter.push(response.body.error.retryAfter);
      }
      // An hour's window, counted by Redis: not 55 or 65 minutes depending on who answers.
      for (const seconds of retryAfter) expect(seconds).toBeGreaterThan(3600 - 60);
      for (const seconds of retryAfter) expect(seconds).toBeLessThanOrEqual(3600);
      expect(Math.max(...retryAfter) - Math.min(...retryAfter)).toBeLessThanOrEqual(5);
      summary.push(`login throttle counted across instances, Retry-After ${retryAfter.join('/')} s`);
    });

    it('syncs and pages history through any instance: every message exactly once, in send order, though createdAt jumps by the skew', async () => {
      const alice = await registerUser(exact.url);
      const bob = await registerUser(exact.url);
      const bobLive = collect(await open(behind, { token: bob.token }), 'receive_message');
      const sent: ChatMessage[] = [];
      for (let i = 0; i < 9; i++) {
        const via = all[i % 3] as Instance;
        const response = await request(via.url, 'POST', `/chats/${alice.user.id}/send`, {
          token: alice.token,
          body: { receiverId: bob.user.id, message: `message ${i} via ${via.name}`, clientMsgId: `skew-${i}` },
        });
        expect(response.status, `send ${i} via ${via.name}`).toBe(201);
        sent.push(response.body.message);
      }
      const sentIds = sent.map((message) => message.id);
      // The clocks show in the data: each message is stamped by the instance that accepted it, so
      // createdAt goes 5 minutes back from one message to the next (ahead, exact, behind) while the
      // order is commit order (seq), never createdAt.
      const stamped = sent.map((message) => Date.parse(message.createdAt));
      for (let i = 0; i + 1 < stamped.length; i++) {
        if (i % 3 === 2) continue; // behind, then ahead: forward
        expect((stamped[i] as number) - (stamped[i + 1] as number), `createdAt of message ${i} minus ${i + 1}`).toBeGreaterThan((SKEW_SECONDS - 60) * 1000);
      }

      const synced: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const via = all[page % 3] as Instance;
        const response = await request(via.url, 'GET', `/sync?limit=2${cursor ? `&since=${cursor}` : ''}`, { token: bob.token });
        expect(response.status, `sync page ${page} via ${via.name}`).toBe(200);
        synced.push(...(response.body.messages as ChatMessage[]).map((message) => message.id));
        cursor = response.body.cursor;
        if (!response.body.hasMore) break;
      }
      expect(synced, 'sync pages through rotating instances').toEqual(sentIds);

      const pages: string[][] = [];
      let before: string | null = null;
      for (let page = 0; page < 20; page++) {
        const via = all[(page + 1) % 3] as Instance;
        const query: string = `limit=2${before ? `&before=${before}` : ''}`;
        const response = await request(via.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}?${query}`, { token: alice.token });
        expect(response.status, `history page ${page} via ${via.name}`).toBe(200);
        pages.unshift((response.body.messages as ChatMessage[]).map((message) => message.id));
        before = response.body.nextCursor;
        if (!before) break;
      }
      expect(pages.flat(), 'history pages through rotating instances').toEqual(sentIds);

      await until('every message reaches the recipient live on the instance behind', () => bobLive.length >= sent.length);
      expect(new Set(bobLive.map((message) => message.id))).toEqual(new Set(sentIds));
      summary.push('sync and history cursors from one instance used on another: 9 of 9 once, in order');
    });

    // Last: it kills the instance ahead.
    it('stops counting the sockets of an instance that dies once PRESENCE_TTL has passed, however far ahead its clock was', async () => {
      const viewer = await registerUser(exact.url);
      const user = await registerUser(exact.url);
      const onlineOn = async (instance: Instance) =>
        (await request(instance.url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online as boolean;
      // One socket on a live instance keeps the user's presence entry alive (each heartbeat extends
      // it); the two on the instance ahead fill MAX_SOCKETS_PER_USER.
      await open(exact, { token: user.token });
      const doomed = [await open(ahead, { token: user.token }), await open(ahead, { token: user.token })];
      expect(await handshake(behind, { token: user.token }), 'a fourth socket while all three are open').toBe('too_many_connections');
      const killedAt = Date.now();
      await ahead.process.kill('SIGKILL'); // no disconnect handler runs: only the TTL can clear its entries
      for (const socket of doomed) socket.close();
      await until(
        `the dead instance's two sockets stop counting within PRESENCE_TTL (${PRESENCE_TTL_SECONDS} s) and a little`,
        async () => (await handshake(behind, { token: user.token })) === 'accepted',
        (PRESENCE_TTL_SECONDS + 5) * 1000,
      );
      const freedAfter = (Date.now() - killedAt) / 1000;
      expect(await onlineOn(behind), 'still online through the live socket').toBe(true);
      summary.push(`a dead instance's (clock ahead) sockets stopped counting after ${freedAfter.toFixed(1)} s`);
    });
  },
);

/*
 * The same for presence in this process, where libfaketime is not needed: each call is made with
 * Date.now() reading as a skewed instance's would, against a real redis-server.
 */
describe('clock skew: presence entries written and read on clocks 5 minutes apart (in process)', () => {
  const TTL_MS = 600;
  let redis: TestRedis;
  let client: RedisClient;
  let presence: PresenceStore;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = createRedisClient({ url: redis.url, logger: silentLogger, role: 'test', answerDeadlineMs: 2000 });
    await client.connect();
    presence = createRedisPresence(client, TTL_MS);
  });
  afterAll(async () => {
    await client?.close();
    await redis?.dispose();
  });

  /** Starts the call with the wall clock `offsetMs` off (what the call reads synchronously), then awaits it. */
  function onClock<T>(offsetMs: number, call: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + offsetMs);
    try {
      return call();
    } finally {
      clock.mockRestore();
    }
  }
  const ahead = SKEW_SECONDS * 1000;
  const behind = -SKEW_SECONDS * 1000;

  it('counts a socket added on a clock behind as online for readers on any clock', async () => {
    await onClock(behind, () => presence.add('p1', 'socket-behind'));
    for (const offset of [ahead, 0, behind]) {
      expect(await onClock(offset, () => presence.isOnline('p1')), `read ${offset / 1000} s off`).toBe(true);
      expect(await onClock(offset, () => presence.countSockets('p1'))).toBe(1);
    }
  });

  it('keeps other instances’ live sockets when an instance whose clock is ahead refreshes its own', async () => {
    await onClock(0, () => presence.add('p2', 'socket-exact'));
    await onClock(behind, () => presence.add('p2', 'socket-behind'));
    await onClock(ahead, () => presence.refresh([{ userId: 'p2', socketId: 'socket-ahead' }]));
    expect(await onClock(0, () => presence.countSockets('p2'))).toBe(3);
  });

  it('stops counting the socket of an instance ahead that stopped refreshing once the TTL has passed', async () => {
    await onClock(ahead, () => presence.add('p3', 'socket-of-a-dead-instance'));
    const deadline = Date.now() + 2 * TTL_MS;
    while (Date.now() < deadline) {
      await onClock(0, () => presence.refresh([{ userId: 'p3', socketId: 'socket-live' }])); // keeps the key itself alive
      await sleep(TTL_MS / 6);
    }
    expect(await onClock(0, () => presence.countSockets('p3'))).toBe(1);
    expect(await onClock(behind, () => presence.countSockets('p3'))).toBe(1);
  });
});
