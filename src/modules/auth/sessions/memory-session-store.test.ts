import type { SessionData } from 'express-session';
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-session-store.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sessionData(userId: string, expires?: Date): SessionData {
  return { userId, createdAt: Date.now(), cookie: { originalMaxAge: expires ? expires.getTime() - Date.now() : null, expires } };
}

const inFuture = (ms = 60_000) => new Date(Date.now() + ms);
/** A lifetime that outlasts a set and a get on a busy machine, and is over soon after. */
const SHORT_MS = 400;

function get(store: MemorySessionStore, sid: string): Promise<SessionData | null | undefined> {
  return new Promise((resolve, reject) => {
    store.get(sid, (error, session) => (error ? reject(error) : resolve(session)));
  });
}

function set(store: MemorySessionStore, sid: string, data: SessionData): Promise<void> {
  return new Promise((resolve, reject) => {
    store.set(sid, data, (error) => (error ? reject(error) : resolve()));
  });
}

function destroy(store: MemorySessionStore, sid: string): Promise<void> {
  return new Promise((resolve, reject) => {
    store.destroy(sid, (error) => (error ? reject(error) : resolve()));
  });
}

function touch(store: MemorySessionStore, sid: string, data: SessionData): Promise<void> {
  return new Promise((resolve) => {
    store.touch(sid, data, () => resolve());
  });
}

describe('MemorySessionStore', () => {
  it('gets what was set, and null for an unknown session id', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const data = sessionData('user-1', inFuture());
    await set(store, 'sid-1', data);
    expect(await get(store, 'sid-1')).toEqual(data);
    expect(await get(store, 'sid-unknown')).toBeNull();
    expect(store.size).toBe(1);
  });

  it('replaces a session that is set again', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-1', sessionData('user-1', inFuture()));
    await set(store, 'sid-1', sessionData('user-2', inFuture()));
    expect((await get(store, 'sid-1'))?.userId).toBe('user-2');
    expect(store.size).toBe(1);
  });

  it('destroy forgets the session, and destroying an unknown one is fine', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-1', sessionData('user-1', inFuture()));
    await set(store, 'sid-2', sessionData('user-2', inFuture()));
    await destroy(store, 'sid-1');
    expect(await get(store, 'sid-1')).toBeNull();
    expect((await get(store, 'sid-2'))?.userId).toBe('user-2');
    await destroy(store, 'sid-never-existed');
    expect(store.size).toBe(1);
  });

  it('touch updates a stored session but does not create one', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-1', sessionData('user-1', inFuture(1000)));
    const extended = sessionData('user-1', inFuture(120_000));
    await touch(store, 'sid-1', extended);
    expect(await get(store, 'sid-1')).toEqual(extended);

    await touch(store, 'sid-absent', sessionData('user-9', inFuture()));
    expect(await get(store, 'sid-absent')).toBeNull();
    expect(store.size).toBe(1);
  });

  it('touch with a later cookie expiry keeps the session past its first expiry', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-1', sessionData('user-1', inFuture(40)));
    await touch(store, 'sid-1', sessionData('user-1', inFuture(60_000)));
    await sleep(80);
    expect((await get(store, 'sid-1'))?.userId).toBe('user-1');
  });

  it('keeps at most maxSessions, evicting the oldest first', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000, maxSessions: 3 });
    for (const n of [1, 2, 3, 4, 5]) await set(store, `sid-${n}`, sessionData(`user-${n}`, inFuture()));
    expect(store.size).toBe(3);
    expect(await get(store, 'sid-1')).toBeNull();
    expect(await get(store, 'sid-2')).toBeNull();
    for (const n of [3, 4, 5]) expect((await get(store, `sid-${n}`))?.userId).toBe(`user-${n}`);
  });

  it('evicts the least recently used session, not one that was just read', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000, maxSessions: 2 });
    await set(store, 'sid-a', sessionData('a', inFuture()));
    await set(store, 'sid-b', sessionData('b', inFuture()));
    await get(store, 'sid-a'); // sid-b is now the least recently used
    await set(store, 'sid-c', sessionData('c', inFuture()));
    expect((await get(store, 'sid-a'))?.userId).toBe('a');
    expect(await get(store, 'sid-b')).toBeNull();
    expect((await get(store, 'sid-c'))?.userId).toBe('c');
  });

  it('does not return a session whose cookie expired meanwhile', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-short', sessionData('user-1', inFuture(SHORT_MS)));
    await set(store, 'sid-long', sessionData('user-2', inFuture()));
    expect((await get(store, 'sid-short'))?.userId).toBe('user-1');
    await sleep(SHORT_MS + 100);
    expect(await get(store, 'sid-short')).toBeNull();
    expect((await get(store, 'sid-long'))?.userId).toBe('user-2');
  });

  it('does not return a session older than ttlMs when its cookie has no expiry', async () => {
    const store = new MemorySessionStore({ ttlMs: SHORT_MS });
    await set(store, 'sid-1', sessionData('user-1'));
    expect((await get(store, 'sid-1'))?.userId).toBe('user-1');
    await sleep(SHORT_MS + 100);
    expect(await get(store, 'sid-1')).toBeNull();
  });

  it('reads cookie.expires given as an ISO string (as a serialized session has it)', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const data = sessionData('user-1', inFuture(SHORT_MS));
    const serialized = JSON.parse(JSON.stringify(data)) as SessionData;
    await set(store, 'sid-1', serialized);
    await sleep(SHORT_MS + 100);
    expect(await get(store, 'sid-1')).toBeNull();
  });

  it('does not return a session whose cookie had already expired when it was stored', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-live', sessionData('user-live', inFuture()));
    await get(store, 'sid-live');
    await set(store, 'sid-expired', sessionData('user-1', new Date(Date.now() - 60_000)));
    expect(await get(store, 'sid-expired')).toBeNull();
    await sleep(20);
    expect(await get(store, 'sid-expired')).toBeNull();
  });

  it('does not return a session touched with a cookie expiry in the past', async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    await set(store, 'sid-1', sessionData('user-1', inFuture()));
    await touch(store, 'sid-1', sessionData('user-1', new Date(Date.now() - 1000)));
    expect(await get(store, 'sid-1')).toBeNull();
  });
});
