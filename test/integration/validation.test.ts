import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/modules/auth/credentials/password-hasher.js';
import { registerUser, request, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { collect, connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';

let parley: TestParley;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => parley.dispose());

async function open(user: RegisteredUser): Promise<ClientSocket> {
  const socket = await connectSocket(url, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** The sync cursor after everything the user has now. */
async function cursorOf(user: RegisteredUser): Promise<string> {
  let cursor: string | undefined;
  for (let more = true; more; ) {
    const page = await request(url, 'GET', `/sync?limit=500${cursor ? `&since=${cursor}` : ''}`, { token: user.token });
    ({ cursor, hasMore: more } = page.body);
  }
  return cursor as string;
}

/** What was stored for the user after the cursor. */
async function newSince(user: RegisteredUser, cursor: string) {
  return (await request(url, 'GET', `/sync?since=${cursor}`, { token: user.token })).body.messages;
}

/** Runs the action and expects neither user to have a new message afterwards. */
async function expectNothingStored(alice: RegisteredUser, bob: RegisteredUser, action: () => Promise<void>): Promise<void> {
  const [aliceCursor, bobCursor] = [await cursorOf(alice), await cursorOf(bob)];
  await action();
  expect(await newSince(alice, aliceCursor)).toEqual([]);
  expect(await newSince(bob, bobCursor)).toEqual([]);
}

function restSend(from: RegisteredUser, to: RegisteredUser, message: string) {
  return request(url, 'POST', `/chats/${from.user.id}/send`, { token: from.token, body: { receiverId: to.user.id, message } });
}

const ILL_FORMED = [
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00b'],
  ['a high surrogate at the end', 'hello \ud83d'],
  ['a pair in the wrong order', '\ude00\ud83d'],
];

// Each of these shows nothing: only Unicode White_Space, Default_Ignorable_Code_Point and control characters.
const BLANK = [
  ['empty text', ''],
  ['spaces and line breaks', ' \n\t '],
  ['a zero-width space', '\u200b'],
  ['ZWJ', '\u200d'],
  ['a word joiner', '\u2060'],
  ['a byte order mark', '\ufeff'],
  ['a soft hyphen', '\u00ad'],
  ['a Hangul filler', '\u3164'],
  ['variation selectors', '\ufe0f\ufe0e\u{e0100}'],
  ['NBSP and ideographic space', '\u00a0\u3000'],
  ['NUL and ESC', '\u0000\u001b'],
  ['a mix of them', ' \u200b\u3164\u2060\ufe0f\u00ad\n'],
];

// Visible text is stored byte for byte, invisible characters, spaces and all.
const KEPT = [
  ['leading and trailing invisible characters', '\u200b \u3164 hi \u2060\ufeff\n'],
  ['an emoji ZWJ sequence', '👩‍👩‍👧‍👦'],
  ['a combining mark, not normalised', 'e\u0301 vs \u00e9'],
  ['a lone combining mark', '\u0301'],
  ['the braille blank', '\u2800'],
  ['an emoji with its variation selector', '❤\ufe0f'],
];

describe('message text over REST', () => {
  it.each(ILL_FORMED)('refuses %s with 400 validation_failed naming the field, storing nothing', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await expectNothingStored(alice, bob, async () => {
      const response = await restSend(alice, bob, text);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'validation_failed', message: expect.stringMatching(/^message: .*well-formed/) } });
    });
  });

  it.each(BLANK)('refuses %s as empty with 400 validation_failed, storing nothing', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    await expectNothingStored(alice, bob, async () => {
      const response = await restSend(alice, bob, text);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'validation_failed', message: expect.stringMatching(/^message: .*empty/) } });
    });
  });

  it('counts the 4000 character limit in code points, invisible ones included', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    expect((await restSend(alice, bob, '😀'.repeat(4000))).status).toBe(201);
    expect((await restSend(alice, bob, `${'\u200b'.repeat(3999)}x`)).status).toBe(201);
    await expectNothingStored(alice, bob, async () => {
      const tooLong = await restSend(alice, bob, `x${'😀'.repeat(4000)}`);
      expect(tooLong.body).toEqual({ error: { code: 'validation_failed', message: 'message: must be at most 4000 characters' } });
    });
  });

  it.each(KEPT)('stores %s exactly as sent', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const bobCursor = await cursorOf(bob);
    const response = await restSend(alice, bob, text);
    expect(response.status).toBe(201);
    expect(response.body.message.message).toBe(text);
    const [synced] = await newSince(bob, bobCursor);
    expect(Buffer.from(synced.message, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
    const history = await request(url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}`, { token: bob.token });
    expect(history.body.messages.map((message: { message: string }) => message.message)).toEqual([text]);
  });
});

describe('message text over a socket', () => {
  it.each(ILL_FORMED)('refuses %s with a failed ack and message_error, storing nothing', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const socket = await open(alice);
    const errors: unknown[] = [];
    socket.on('message_error', (event) => errors.push(event));
    await expectNothingStored(alice, bob, async () => {
      const ack = await sendMessage(socket, { receiverId: bob.user.id, message: text, clientMsgId: 'ill-formed-1' });
      expect(ack).toEqual({ ok: false, error: { code: 'validation_failed', message: expect.stringMatching(/^message: .*well-formed/) } });
    });
    expect(errors).toEqual([{ clientMsgId: 'ill-formed-1', error: expect.objectContaining({ code: 'validation_failed' }) }]);
    expect(socket.connected).toBe(true);
  });

  it.each(BLANK)('refuses %s as empty with a failed ack, storing nothing', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const socket = await open(alice);
    await expectNothingStored(alice, bob, async () => {
      const ack = await sendMessage(socket, { receiverId: bob.user.id, message: text });
      expect(ack).toEqual({ ok: false, error: { code: 'validation_failed', message: expect.stringMatching(/^message: .*empty/) } });
    });
  });

  it.each(KEPT)('acks and delivers %s exactly as sent', async (_case, text) => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const [aliceSocket, bobSocket] = [await open(alice), await open(bob)];
    const received = collect(bobSocket, 'receive_message');
    const ack = await sendMessage(aliceSocket, { receiverId: bob.user.id, message: text });
    expect(ack.ok && ack.message.message).toBe(text);
    const history = await request(url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token });
    expect(history.body.messages.map((message: { message: string }) => message.message)).toEqual([text]);
    await expect.poll(() => received.map((message) => message.message)).toEqual([text]);
  });
});

describe('passwords', () => {
  it.each(ILL_FORMED)('refuses %s in a password at register and at login with 400 validation_failed', async (_case, text) => {
    const password = `long enough ${text}`;
    const username = uniqueUsername();
    const registered = await request(url, 'POST', '/auth/register', { body: { username, password } });
    expect(registered.status).toBe(400);
    expect(registered.body).toEqual({ error: { code: 'validation_failed', message: expect.stringMatching(/^password: .*well-formed/) } });
    const login = await request(url, 'POST', '/auth/login', { body: { username, password } });
    expect(login.status).toBe(400);
    expect(login.body.error.code).toBe('validation_failed');
  });

  it.each(['password', '12345678', 'PASSWORD', 'Password1', 'qwertyuiop', 'iloveyou', 'password123'])(
    'refuses the common password %j at register with 400 weak_password, creating nobody',
    async (password) => {
      const username = uniqueUsername();
      const response = await request(url, 'POST', '/auth/register', { body: { username, password } });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'weak_password', message: expect.stringMatching(/^password: /) } });
      expect(response.sessionCookie).toBeUndefined();
      const search = await request(url, 'GET', `/users?query=${username}`, { token: (await registerUser(url)).token });
      expect(search.body.users).toEqual([]);
    },
  );

  it('still validates before it judges the password: a bad username is validation_failed', async () => {
    const response = await request(url, 'POST', '/auth/register', { body: { username: 'a b', password: 'password' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('lets an existing user with a common password log in', async () => {
    const username = uniqueUsername();
    const hasher = createPasswordHasher({ threads: 1 });
    try {
      const passwordHash = await hasher.hash('password');
      await parley.container.store.users.create({ username, passwordHash, createdAt: new Date() });
    } finally {
      await hasher.close();
    }
    const login = await request(url, 'POST', '/auth/login', { body: { username, password: 'password' } });
    expect(login.status).toBe(200);
    expect(login.body.user.username).toBe(username);
  });
});

describe('bodies that are not UTF-8', () => {
  it('are refused with 400 invalid_json, storing nothing, instead of being read with U+FFFD in place of the bad bytes', async () => {
    const parley = await startTestParley();
    try {
      const alice = await registerUser(parley.url);
      const bob = await registerUser(parley.url);
      const body = Buffer.concat([Buffer.from(`{"receiverId":"${bob.user.id}","message":"hi `), Buffer.from([0xff]), Buffer.from('"}')]);
      const response = await fetch(`${parley.url}/chats/${alice.user.id}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
      const history = await request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token });
      expect(history.body.messages).toEqual([]);
    } finally {
      await parley.dispose();
    }
  });
});

describe('socket events with extra arguments', () => {
  it('are still acknowledged: the ack is the last argument, whatever comes between', async () => {
    const parley = await startTestParley();
    try {
      const alice = await registerUser(parley.url);
      const bob = await registerUser(parley.url);
      const socket = await connectSocket(parley.url, { token: alice.token });
      try {
        const emit = socket.emit as (...args: unknown[]) => void;
        const sent = await new Promise((resolve) => emit.call(socket, 'send_message', { receiverId: bob.user.id, message: 'hi' }, 'extra', 42, resolve));
        expect(sent).toMatchObject({ ok: true, message: { message: 'hi' } });
        const refused = await new Promise((resolve) => emit.call(socket, 'send_message', { receiverId: bob.user.id }, 'extra', resolve));
        expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      } finally {
        socket.close();
      }
    } finally {
      await parley.dispose();
    }
  });
});
