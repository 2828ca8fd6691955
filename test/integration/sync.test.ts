import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, SyncAck } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { connectSocket } from '../helpers/socket.js';

let parley: TestParley;
let url: string;

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterAll(() => parley.dispose());

async function send(from: RegisteredUser, to: RegisteredUser, message: string): Promise<ChatMessage> {
  const response = await request(url, 'POST', `/chats/${from.user.id}/send`, {
    token: from.token,
    body: { receiverId: to.user.id, message },
  });
  return response.body.message;
}

function sync(as: RegisteredUser, query = '') {
  return request(url, 'GET', `/sync${query}`, { token: as.token });
}

describe('GET /sync', () => {
  it('answers every message the caller sent or received, in commit order, and nobody else’s', async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    const sent = [await send(alice, bob, 'a->b'), await send(carol, alice, 'c->a'), await send(alice, alice, 'a->a')];
    await send(bob, carol, 'b->c');
    const response = await sync(alice);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ messages: sent, cursor: expect.any(String), hasMore: false });
  });

  it('pages with limit and cursor: no gap, no repeat, hasMore until the end', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) sent.push((await send(i % 2 ? bob : alice, i % 2 ? alice : bob, `m${i}`)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    const hasMores: boolean[] = [];
    for (;;) {
      const page = await sync(alice, `?limit=3${cursor ? `&since=${cursor}` : ''}`);
      seen.push(...page.body.messages.map((message: ChatMessage) => message.id));
      hasMores.push(page.body.hasMore);
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    expect(seen).toEqual(sent);
    expect(hasMores).toEqual([true, true, false]);
  });

  it('answers nothing new with the same cursor, then only what came after it', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await send(alice, bob, 'before');
    const first = await sync(bob);
    const again = await sync(bob, `?since=${first.body.cursor}`);
    expect(again.body).toEqual({ messages: [], cursor: first.body.cursor, hasMore: false });
    const later = await send(alice, bob, 'after');
    const next = await sync(bob, `?since=${first.body.cursor}`);
    expect(next.body.messages).toEqual([later]);
  });

  it.each(['?since=garbage', '?limit=0', '?limit=501'])('answers 400 for %s', async (query) => {
    const alice = await registerUser(url);
    const response = await sync(alice, query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('refuses a history cursor as a sync cursor', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    for (let i = 0; i < 3; i++) await send(alice, bob, `m${i}`);
    const history = await request(url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}?limit=1`, { token: alice.token });
    expect((await sync(alice, `?since=${history.body.nextCursor}`)).status).toBe(400);
  });

  it('answers 401 without credentials', async () => {
    expect((await request(url, 'GET', '/sync')).status).toBe(401);
  });
});

describe('socket sync', () => {
  it('acks the same page as GET /sync', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await send(alice, bob, 'one');
    await send(bob, alice, 'two');
    const socket = await connectSocket(url, { token: alice.token });
    try {
      const ack = await new Promise<SyncAck>((resolve) => socket.emit('sync', { limit: 1 }, resolve));
      const rest = await sync(alice, '?limit=1');
      expect(ack).toEqual({ ok: true, ...rest.body });
      const rest2 = await sync(alice, `?since=${rest.body.cursor}`);
      const ack2 = await new Promise<SyncAck>((resolve) => socket.emit('sync', { since: rest.body.cursor }, resolve));
      expect(ack2).toEqual({ ok: true, ...rest2.body });
      const bad = await new Promise<SyncAck>((resolve) => socket.emit('sync', { since: 'nope' }, resolve));
      expect(bad).toEqual({ ok: false, error: { code: 'validation_failed', message: expect.any(String) } });
    } finally {
      socket.close();
    }
  });
});
