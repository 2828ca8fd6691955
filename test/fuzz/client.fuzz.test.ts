import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParleyClient, type ChatMessage, type MessageChange, type ParleyClient } from '../../src/client/index.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';

/*
 * parley/client against whatever the network does: the sender sends, edits and deletes while both
 * clients' connections are cut at random moments. Afterwards the receiver must have seen every
 * stored message once as new, then only newer versions, ending at the stored state; and every send
 * must have been stored exactly once.
 */
type Step =
  | { kind: 'send'; text: string }
  | { kind: 'edit'; index: number; text: string }
  | { kind: 'delete'; index: number }
  | { kind: 'cut'; who: 'sender' | 'receiver' | 'both' }
  | { kind: 'pause'; ms: number };

const text = fc.string({ minLength: 1, maxLength: 20 }).map((value) => `t:${value}`);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: text.map((value) => ({ kind: 'send' as const, text: value })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), index: fc.nat(30), text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), who: fc.constantFrom('sender' as const, 'receiver' as const, 'both' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 150 }) }) },
);

const SHARE = 0.2;
let parley: TestParley;

beforeAll(async () => {
  parley = await startTestParley({ env: { EDIT_WINDOW: '3600' } });
});
afterAll(() => parley?.dispose());

function versionRank(message: ChatMessage): string {
  return message.deletedAt ? `2:${message.deletedAt}` : message.editedAt ? `1:${message.editedAt}` : '0:';
}

async function run(steps: Step[]): Promise<void> {
  const alice: RegisteredUser = await registerUser(parley.url);
  const bob: RegisteredUser = await registerUser(parley.url);
  const proxies: Record<'sender' | 'receiver', TcpProxy> = { sender: await startTcpProxy(parley.port), receiver: await startTcpProxy(parley.port) };
  const options = { reconnectDelay: 50, reconnectDelayMax: 200, sendTimeout: 2, settleDelay: 100 };
  const sender: ParleyClient = createParleyClient({ url: `http://127.0.0.1:${proxies.sender.port}`, token: alice.token, ...options });
  const receiver: ParleyClient = createParleyClient({ url: `http://127.0.0.1:${proxies.receiver.port}`, token: bob.token, ...options });
  const seen: Array<{ message: ChatMessage; change: MessageChange }> = [];
  receiver.on('message', (message, change) => seen.push({ message, change }));
  try {
    await waitFor(() => sender.connection.get() === 'online' && receiver.connection.get() === 'online');
    const sends: Array<Promise<ChatMessage>> = [];
    const changes: Array<Promise<unknown>> = [];
    for (const action of steps) {
      if (action.kind === 'send') sends.push(sender.send(bob.user.id, action.text));
      else if (action.kind === 'pause') await sleep(action.ms);
      else if (action.kind === 'cut') {
        if (action.who !== 'receiver') proxies.sender.cut();
        if (action.who !== 'sender') proxies.receiver.cut();
      } else if (sends.length > 0) {
        const target = sends[action.index % sends.length] as Promise<ChatMessage>;
        const change = target.then((message) => (action.kind === 'edit' ? sender.edit(message.id, action.text) : sender.delete(message.id)));
        changes.push(change);
      }
    }
    const stored = await Promise.all(sends);
    // An edit of a deleted message is refused (message_deleted); every other change succeeds.
    const refusals = (await Promise.allSettled(changes)).flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code?: string }).code] : []));
    expect(refusals.filter((code) => code !== 'message_deleted')).toEqual([]);
    expect(stored.map((message) => message.message)).toEqual(steps.flatMap((action) => (action.kind === 'send' ? [action.text] : [])));

    // The store's final word: every message of the conversation as it is now.
    const history = await request(parley.url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}?limit=200`, { token: bob.token });
    const final = new Map<string, ChatMessage>(history.body.messages.map((message: ChatMessage) => [message.id, message]));
    expect(final.size).toBe(stored.length); // each send stored once
    await waitFor(
      () => receiver.connection.get() === 'online' && [...final.values()].every((message) => seen.some((event) => event.message.id === message.id && versionRank(event.message) === versionRank(message))),
      15_000,
    );
    await sleep(250); // a settle sync may still run: it must add nothing

    const byId = new Map<string, Array<{ message: ChatMessage; change: MessageChange }>>();
    for (const event of seen) byId.set(event.message.id, [...(byId.get(event.message.id) ?? []), event]);
    expect([...byId.keys()].sort()).toEqual([...final.keys()].sort());
    for (const [id, events] of byId) {
      expect(events.map((event) => event.change)).toEqual(['new', ...Array(events.length - 1).fill('updated')]);
      const ranks = events.map((event) => versionRank(event.message));
      expect([...new Set(ranks)]).toEqual(ranks); // no version twice
      expect([...ranks].sort()).toEqual(ranks); // never an older version after a newer one
      expect(events.at(-1)?.message).toEqual(final.get(id));
    }
    // In feed order: messages first seen as sent arrive in commit order (SQLite ids grow with it). One
    // first seen after a change (missed while away) comes where sync puts it: at its latest change.
    const firstSeen = seen.filter((event) => event.change === 'new' && versionRank(event.message) === '0:').map((event) => Number(event.message.id));
    expect(firstSeen).toEqual([...firstSeen].sort((x, y) => x - y));
  } finally {
    sender.close();
    receiver.close();
    await proxies.sender.close();
    await proxies.receiver.close();
  }
}

describe('parley/client under random connection cuts', () => {
  it(
    `every message and version reaches the receiver once, in order, ending at the stored state ${runsLabel(SHARE)}`,
    async () => {
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), run), fuzzOptions(SHARE));
    },
    fuzzTimeout(SHARE) * 4,
  );
});
