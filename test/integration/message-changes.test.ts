import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessageAck, ChatMessage } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const sockets: ClientSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function updates(url: string, user: RegisteredUser): Promise<{ socket: ClientSocket; seen: ChatMessage[] }> {
  const socket = await connectSocket(url, { token: user.token });
  sockets.push(socket);
  const seen: ChatMessage[] = [];
  socket.on('message_updated', (message) => seen.push(message));
  return { socket, seen };
}

const emit = (socket: ClientSocket, event: 'edit_message' | 'delete_message', payload: unknown): Promise<ChangeMessageAck> =>
  new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));

async function send(url: string, from: RegisteredUser, to: RegisteredUser, message = 'original'): Promise<ChatMessage> {
  const response = await request(url, 'POST', `/chats/${from.user.id}/send`, { token: from.token, body: { receiverId: to.user.id, message } });
  expect(response.status).toBe(201);
  return response.body.message;
}

const edit = (url: string, user: RegisteredUser, id: string, body: unknown) => request(url, 'PATCH', `/messages/${id}`, { token: user.token, body });
const remove = (url: string, user: RegisteredUser, id: string) => request(url, 'DELETE', `/messages/${id}`, { token: user.token });

describe('edit and delete on one instance', () => {
  let parley: TestParley;
  let url: string;
  beforeAll(async () => {
    parley = await startTestParley();
    url = parley.url;
  });
  afterAll(() => parley.dispose());

  it('edits: 200 with the new text and editedAt, pushed to both participants, shown by history and sync', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const original = await send(url, alice, bob);
    const cursor = (await request(url, 'GET', '/sync', { token: bob.token })).body.cursor;
    const [aliceSide, bobSide] = [await updates(url, alice), await updates(url, bob)];
    const response = await edit(url, alice, original.id, { message: 'corrected' });
    expect(response.status).toBe(200);
    expect(response.body.message).toEqual({ ...original, message: 'corrected', editedAt: expect.any(String) });
    await waitFor(() => aliceSide.seen.length === 1 && bobSide.seen.length === 1);
    expect(bobSide.seen).toEqual([response.body.message]);
    expect(aliceSide.seen).toEqual([response.body.message]);
    const history = await request(url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}`, { token: bob.token });
    expect(history.body.messages).toEqual([response.body.message]);
    const sync = await request(url, 'GET', `/sync?since=${cursor}`, { token: bob.token });
    expect(sync.body.messages).toEqual([response.body.message]);
    expect((await request(url, 'GET', `/sync?since=${sync.body.cursor}`, { token: bob.token })).body.messages).toEqual([]);
  });

  it('deletes: a tombstone with empty text and deletedAt, the same again on a repeat (pushed once), no edit afterwards', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const original = await send(url, alice, bob, 'regretted');
    const bobSide = await updates(url, bob);
    const first = await remove(url, alice, original.id);
    expect(first.status).toBe(200);
    expect(first.body.message).toEqual({ ...original, message: '', deletedAt: expect.any(String) });
    expect((await remove(url, alice, original.id)).body.message).toEqual(first.body.message);
    const refused = await edit(url, alice, original.id, { message: 'undo' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('message_deleted');
    // A change after the repeat arrives: by then the repeat would have been pushed, had it been.
    const other = await send(url, alice, bob, 'other');
    await edit(url, alice, other.id, { message: 'other, edited' });
    await waitFor(() => bobSide.seen.length >= 2);
    expect(bobSide.seen.map((message) => message.message)).toEqual(['', 'other, edited']);
    const inbox = await request(url, 'GET', '/conversations', { token: bob.token });
    expect(inbox.body.conversations[0].lastMessage.message).toBe('other, edited');
  });

  it('lets only the sender change a message: 403 for the receiver, 404 for others and unknown ids, 400 for bad input', async () => {
    const [alice, bob, eve] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    const message = await send(url, alice, bob);
    for (const [user, expected] of [
      [bob, 403],
      [eve, 404],
    ] as const) {
      expect((await edit(url, user, message.id, { message: 'mine now' })).status).toBe(expected);
      expect((await remove(url, user, message.id)).status).toBe(expected);
    }
    expect((await edit(url, alice, '987654321', { message: 'x' })).body.error.code).toBe('not_found');
    for (const body of [{ message: '' }, { message: '   ' }, { message: 'x'.repeat(4001) }, {}, { message: 5 }]) {
      const response = await edit(url, alice, message.id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
    expect((await edit(url, alice, 'bad id!', { message: 'x' })).status).toBe(400);
    expect((await request(url, 'GET', `/messages/${message.id}`, { token: alice.token })).status).toBe(404);
    expect((await request(url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}`, { token: bob.token })).body.messages).toEqual([message]);
  });

  it('edits and deletes over sockets with acks, with the same rules', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const message = await send(url, alice, bob);
    const { socket } = await updates(url, alice);
    expect(await emit(socket, 'edit_message', { messageId: message.id, message: 'via socket' })).toMatchObject({
      ok: true,
      message: { id: message.id, message: 'via socket' },
    });
    expect(await emit(socket, 'edit_message', { messageId: message.id, message: '' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await emit(socket, 'delete_message', { messageId: message.id })).toMatchObject({ ok: true, message: { message: '' } });
    const bobSocket = (await updates(url, bob)).socket;
    expect(await emit(bobSocket, 'delete_message', { messageId: message.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses an edit after EDIT_WINDOW with 409 edit_window_closed; deleting has no limit', async () => {
    const strict = await startTestParley({ env: { EDIT_WINDOW: '0' } });
    try {
      const [alice, bob] = [await registerUser(strict.url), await registerUser(strict.url)];
      const message = await send(strict.url, alice, bob);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const refused = await edit(strict.url, alice, message.id, { message: 'too late' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('edit_window_closed');
      expect((await remove(strict.url, alice, message.id)).status).toBe(200);
    } finally {
      await strict.dispose();
    }
  });
});

describe('edit and delete across two instances with Redis', () => {
  let cluster: TwoInstances;
  let a: TestParley;
  let b: TestParley;

  beforeAll(async () => {
    cluster = await startTwoInstances();
    ({ a, b } = cluster);
  });
  afterAll(() => cluster?.dispose());

  it('pushes message_updated to the other instance, and sync yields each change exactly once under concurrent writers', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const bobOnB = await updates(b.url, bob);
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 6; i += 1) sent.push(await send(i % 2 ? a.url : b.url, alice, bob, `m${i}`));

    // Bob syncs from his last cursor again and again while edits, deletes and sends run on both instances.
    const versions: string[] = [];
    let cursor: string | undefined;
    const syncOnce = async () => {
      const page = await request(b.url, 'GET', `/sync?limit=3${cursor ? `&since=${cursor}` : ''}`, { token: bob.token });
      for (const message of page.body.messages as ChatMessage[]) versions.push(`${message.id}:${message.message}`);
      cursor = page.body.cursor;
    };
    const writers = Promise.all(
      sent.map(async (message, i) => {
        const url = i % 2 ? b.url : a.url;
        await edit(url, alice, message.id, { message: `${message.message} edited` });
        if (i % 3 === 0) await remove(url, alice, message.id);
        await send(url, alice, bob, `late ${i}`);
      }),
    );
    let done = false;
    void writers.then(() => (done = true));
    while (!done) await syncOnce();
    for (let i = 0; i < 5; i += 1) await syncOnce(); // drain

    const final = new Map<string, string>();
    for (const version of versions) final.set(version.split(':')[0] as string, version);
    // Each message's last version is its current state, and no version came twice.
    expect(new Set(versions).size).toBe(versions.length);
    for (const message of sent) {
      const expected = sent.indexOf(message) % 3 === 0 ? '' : `${message.message} edited`;
      expect(final.get(message.id)).toBe(`${message.id}:${expected}`);
    }
    expect(versions.filter((version) => version.includes(':late')).length).toBe(6);
    await waitFor(() => bobOnB.seen.length >= 8);
  });
});
