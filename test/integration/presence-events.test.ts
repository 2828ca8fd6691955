import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceEvent } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { makeDataDir, startTestParley, type TestParley } from '../helpers/parley.js';
import { spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * `presence` events to a user's contacts (users they share a conversation with): online at the
 * first socket anywhere, offline once no socket is left PRESENCE_GRACE seconds after the last one
 * closed (or its instance died), each exactly once across instances.
 */
const GRACE_SECONDS = 1;
/** Long enough past the grace that an event due would have arrived. */
const QUIET_MS = GRACE_SECONDS * 1000 + 1500;

const sockets: ClientSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

interface Listener {
  socket: ClientSocket;
  /** Presence events heard, about anyone. */
  heard: PresenceEvent[];
}

async function open(url: string, user: RegisteredUser): Promise<Listener> {
  const socket = await connectSocket(url, { token: user.token });
  sockets.push(socket);
  const heard: PresenceEvent[] = [];
  socket.on('presence', (event) => heard.push(event));
  return { socket, heard };
}

const about = (listener: Listener, user: RegisteredUser) => listener.heard.filter((event) => event.userId === user.user.id);

/** Closes a client socket (the server sees it go at once). */
function close(listener: Listener): void {
  listener.socket.close();
}

/** Makes two users contacts: a conversation between them. */
async function converse(url: string, from: RegisteredUser, to: RegisteredUser): Promise<void> {
  const sent = await request(url, 'POST', `/chats/${from.user.id}/send`, { token: from.token, body: { receiverId: to.user.id, message: 'hi' } });
  expect(sent.status).toBe(201);
}

const lookup = async (url: string, viewer: RegisteredUser, user: RegisteredUser) =>
  (await request(url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user as { online: boolean; lastSeenAt: string | null };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('presence events, one instance (memory presence)', () => {
  let parley: TestParley;
  let url: string;

  beforeAll(async () => {
    parley = await startTestParley({ env: { PRESENCE_GRACE: String(GRACE_SECONDS) } });
    url = parley.url;
  });
  afterAll(() => parley?.dispose());

  it('tells contacts online once at the first socket and offline once after the grace, with lastSeenAt; a non-contact hears nothing', { timeout: 40_000 }, async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    await converse(url, alice, bob);
    const bobHears = await open(url, bob);
    const carolHears = await open(url, carol);

    const aliceFirst = await open(url, alice);
    await waitFor(() => about(bobHears, alice).length === 1);
    expect(about(bobHears, alice)).toEqual([{ userId: alice.user.id, online: true, lastSeenAt: null }]);
    expect(await lookup(url, bob, alice)).toMatchObject({ online: true, lastSeenAt: null });

    const aliceSecond = await open(url, alice); // a second device: nothing new
    close(aliceFirst);
    await sleep(QUIET_MS); // one socket still open: no offline
    expect(about(bobHears, alice)).toHaveLength(1);

    const closedAt = Date.now();
    close(aliceSecond);
    await waitFor(() => about(bobHears, alice).length === 2);
    const offline = about(bobHears, alice)[1] as PresenceEvent;
    expect(offline).toMatchObject({ userId: alice.user.id, online: false });
    expect(offline.lastSeenAt).toMatch(ISO_UTC);
    expect(Math.abs(Date.parse(offline.lastSeenAt as string) - closedAt)).toBeLessThan(1000);
    // Stored before it was announced: a lookup shows it.
    expect(await lookup(url, bob, alice)).toMatchObject({ online: false, lastSeenAt: offline.lastSeenAt });

    await sleep(QUIET_MS);
    expect(about(bobHears, alice)).toHaveLength(2);
    expect(carolHears.heard).toEqual([]); // not a contact of alice's, nor of bob's
  });

  it('tells nothing for a reconnect within the grace (a page reload)', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await converse(url, bob, alice);
    const bobHears = await open(url, bob);
    const aliceHears = await open(url, alice);
    await waitFor(() => about(bobHears, alice).length === 1);

    close(aliceHears);
    await open(url, alice);
    await sleep(QUIET_MS);
    expect(about(bobHears, alice)).toEqual([{ userId: alice.user.id, online: true, lastSeenAt: null }]);
    expect(await lookup(url, bob, alice)).toMatchObject({ online: true, lastSeenAt: null });
  });

  it('tells neither of two users who block each other of the other, and hides a blocker in the blocked user\'s inbox', { timeout: 40_000 }, async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    await converse(url, alice, bob);
    await converse(url, alice, carol);
    await converse(url, bob, carol);
    expect((await request(url, 'POST', `/users/${bob.user.id}/block`, { token: alice.token })).status).toBe(204);

    // Carol, a contact of both who blocks nobody, hears each transition: the control.
    const carolHears = await open(url, carol);
    const bobHears = await open(url, bob);
    const aliceHears = await open(url, alice);
    await waitFor(() => about(carolHears, alice).length === 1 && about(carolHears, bob).length === 1);
    close(aliceHears);
    await waitFor(() => about(carolHears, alice).length === 2);
    expect(about(bobHears, alice)).toEqual([]); // bob is blocked by alice

    const aliceListens = await open(url, alice);
    close(bobHears);
    await waitFor(() => about(carolHears, bob).length === 2);
    await open(url, bob);
    await waitFor(() => about(carolHears, bob).length === 3);
    expect(about(aliceListens, bob)).toEqual([]); // alice blocks bob: hears nothing of him either

    // Alice (online) shows offline and never seen to bob; bob as usual to alice; alice online to carol.
    const peerIn = async (viewer: RegisteredUser, peer: RegisteredUser) =>
      ((await request(url, 'GET', '/conversations', { token: viewer.token })).body.conversations as { peer: { id: string } }[]).find(
        (conversation) => conversation.peer.id === peer.user.id,
      )?.peer;
    expect(await peerIn(bob, alice)).toMatchObject({ online: false, lastSeenAt: null });
    expect(await lookup(url, bob, alice)).toMatchObject({ online: false, lastSeenAt: null });
    expect(await peerIn(alice, bob)).toMatchObject({ online: true, lastSeenAt: null });
    expect(await peerIn(carol, alice)).toMatchObject({ online: true, lastSeenAt: null });
    // Once alice is offline, bob still sees no lastSeenAt for her; carol does.
    close(aliceListens);
    await waitFor(() => about(carolHears, alice).length === 4);
    expect(await peerIn(bob, alice)).toMatchObject({ online: false, lastSeenAt: null });
    expect(await peerIn(carol, alice)).toMatchObject({ online: false, lastSeenAt: (about(carolHears, alice)[3] as PresenceEvent).lastSeenAt });
    expect(about(bobHears, alice)).toEqual([]);
  });

  it('shows lastSeenAt on a conversation\'s peer once offline', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await converse(url, alice, bob);
    const bobHears = await open(url, bob);
    close(await open(url, alice));
    await waitFor(() => about(bobHears, alice).length === 2);
    const { lastSeenAt } = about(bobHears, alice)[1] as PresenceEvent;
    const inbox = (await request(url, 'GET', '/conversations', { token: bob.token })).body.conversations as { peer: unknown }[];
    expect(inbox[0]?.peer).toEqual({ ...alice.user, online: false, lastSeenAt });
  });
});

describe('presence events, two instances sharing a redis-server', () => {
  let cluster: TwoInstances;
  let a: TestParley;
  let b: TestParley;

  beforeAll(async () => {
    cluster = await startTwoInstances({ PRESENCE_GRACE: String(GRACE_SECONDS) });
    ({ a, b } = cluster);
  });
  afterAll(() => cluster?.dispose());

  it('two devices of one user on two instances: contacts hear online once and offline once; a non-contact nothing', { timeout: 40_000 }, async () => {
    const [alice, bob, carol] = [await registerUser(a.url), await registerUser(a.url), await registerUser(a.url)];
    await converse(a.url, alice, bob);
    const bobOnA = await open(a.url, bob);
    const bobOnB = await open(b.url, bob);
    const carolHears = await open(b.url, carol);

    const aliceOnA = await open(a.url, alice);
    const aliceOnB = await open(b.url, alice);
    await waitFor(() => about(bobOnA, alice).length >= 1 && about(bobOnB, alice).length >= 1);
    expect(await lookup(b.url, bob, alice)).toMatchObject({ online: true, lastSeenAt: null });

    close(aliceOnA);
    await sleep(QUIET_MS);
    close(aliceOnB);
    await waitFor(() => about(bobOnA, alice).length >= 2 && about(bobOnB, alice).length >= 2);
    await sleep(QUIET_MS);
    for (const listener of [bobOnA, bobOnB]) {
      const events = about(listener, alice);
      expect(events).toHaveLength(2);
      expect(events[0]).toEqual({ userId: alice.user.id, online: true, lastSeenAt: null });
      expect(events[1]).toMatchObject({ userId: alice.user.id, online: false, lastSeenAt: expect.stringMatching(ISO_UTC) });
    }
    const lastSeenAt = (about(bobOnA, alice)[1] as PresenceEvent).lastSeenAt;
    for (const instance of [a, b]) expect(await lookup(instance.url, bob, alice)).toMatchObject({ online: false, lastSeenAt });
    expect(carolHears.heard).toEqual([]);
  });

  it('tells nothing when the last socket closes on one instance and the user reconnects on the other within the grace', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    await converse(a.url, bob, alice);
    const bobHears = await open(b.url, bob);
    const aliceOnA = await open(a.url, alice);
    await waitFor(() => about(bobHears, alice).length === 1);

    close(aliceOnA);
    await open(b.url, alice);
    await sleep(QUIET_MS);
    expect(about(bobHears, alice)).toEqual([{ userId: alice.user.id, online: true, lastSeenAt: null }]);
  });

  it('tells a blocked contact nothing across instances', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    await converse(a.url, bob, alice);
    expect((await request(a.url, 'POST', `/users/${alice.user.id}/block`, { token: bob.token })).status).toBe(204);
    const bobHears = await open(b.url, bob);
    close(await open(a.url, alice));
    await sleep(QUIET_MS);
    expect(about(bobHears, alice)).toEqual([]);
  });
});

describe('presence events: an instance that dies without cleaning up', () => {
  const TTL_SECONDS = 2;
  let redis: TestRedis;
  let survivor: TestParley;
  let doomed: ParleyProcess | undefined;
  let dataDir: string;
  const env = () => ({ REDIS_URL: redis.url, PRESENCE_TTL: String(TTL_SECONDS), PRESENCE_GRACE: String(GRACE_SECONDS) });

  beforeAll(async () => {
    redis = await startTestRedis();
    dataDir = makeDataDir();
    survivor = await startTestParley({ env: env(), dataDir });
    doomed = await spawnParley({ ...env(), DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await survivor?.dispose();
    await redis?.dispose();
  });

  it('its users go offline for their contacts once, after the TTL, announced by a surviving instance', { timeout: 40_000 }, async () => {
    const process = doomed as ParleyProcess;
    const [alice, bob] = [await registerUser(survivor.url), await registerUser(survivor.url)];
    await converse(survivor.url, alice, bob);
    const bobHears = await open(survivor.url, bob);
    await open(process.url, alice);
    await waitFor(() => about(bobHears, alice).length === 1);
    expect(about(bobHears, alice)[0]).toEqual({ userId: alice.user.id, online: true, lastSeenAt: null });

    const killedAt = Date.now();
    await process.kill('SIGKILL');
    await waitFor(() => about(bobHears, alice).length >= 2, 20_000);
    await sleep(TTL_SECONDS * 1000);
    const events = about(bobHears, alice);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ userId: alice.user.id, online: false, lastSeenAt: expect.stringMatching(ISO_UTC) });
    // Last seen: the dead instance's last heartbeat, before it died.
    expect(Date.parse((events[1] as PresenceEvent).lastSeenAt as string)).toBeLessThanOrEqual(killedAt + 100);
    expect(await lookup(survivor.url, bob, alice)).toMatchObject({ online: false, lastSeenAt: (events[1] as PresenceEvent).lastSeenAt });
  });
});
