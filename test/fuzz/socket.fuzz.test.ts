import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ChatMessage, MessageErrorEvent } from '../../src/protocol/events.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { cursorValue, limitValue, sendBody } from './chats.arbitraries.js';
import { check, checkAck, checkAlive, checkEqual, checkMessageShape, checkSameText } from './expectations.js';
import { isCursor, isPlainObject, isValidClientMsgId, isValidId, isValidMessageText } from './oracles.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { emitStyle as style, emitStyled, emitWithAck } from './socket-client.js';
import { DANGEROUS_KEYS, fieldValue, mutatedObject, nastyNumber } from './values.js';
import { FuzzWorld } from './world.js';

let world: FuzzWorld;
const sockets: ClientSocket[] = [];
/** What each user's socket heard since the last input. */
const heard = new Map<string, { received: ChatMessage[]; sent: ChatMessage[]; errors: MessageErrorEvent[] }>();
const storedByClientMsgId = new Map<string, ChatMessage>();
const syncCursors: string[] = [];

beforeAll(async () => {
  world = await FuzzWorld.start(3);
  for (const user of world.users) {
    const socket = await connectSocket(world.url, { token: user.token });
    const log = { received: [] as ChatMessage[], sent: [] as ChatMessage[], errors: [] as MessageErrorEvent[] };
    socket.on('receive_message', (message) => log.received.push(message));
    socket.on('message_sent', (message) => log.sent.push(message));
    socket.on('message_error', (event) => log.errors.push(event));
    heard.set(user.user.id, log);
    sockets.push(socket);
  }
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await world?.dispose();
});

function clearHeard(): void {
  for (const log of heard.values()) {
    log.received.length = 0;
    log.sent.length = 0;
    log.errors.length = 0;
  }
}

const REQUEST_IDS = fc.option(fc.oneof(fc.constantFrom('app-1', 'x'.repeat(128), 'x'.repeat(129), '', 'has space', '__proto__'), fc.integer(), fc.constant({ $ne: null })), {
  nil: undefined,
});

const SEND_STYLES = { pollution: { receiverId: 'x', message: 'polluted', limit: 1 }, binaryField: 'message' };

describe('fuzz: socket events', () => {
  it(`send_message ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'socket send_message';
    const ids = world.users.map(({ user }) => user.id);
    const sender = world.user(0);
    const socket = sockets[0] as ClientSocket;
    const input = fc.record({
      payload: fc.tuple(sendBody(ids), REQUEST_IDS).map(([body, requestId]) => (isPlainObject(body) && requestId !== undefined ? { ...body, requestId } : body)),
      style,
    });

    await fc.assert(
      fc.asyncProperty(input, async ({ payload, style: how }) => {
        clearHeard();
        const { ack, parsed, known } = await emitStyled(socket, 'send_message', how, payload, SEND_STYLES);
        const sent = { event: 'send_message', how, payload };
        checkAck(ack, sent);
        world.tally.record(route, ack.ok ? 'ok' : `failed ${ack.error.code}`);
        const evidence = { sent, ack };
        const stored = await world.takeNewMessages();

        const fields = isPlainObject(parsed) ? parsed : {};
        if (known) {
          const valid =
            isPlainObject(parsed) &&
            isValidId(fields['receiverId']) &&
            isValidMessageText(fields['message']) &&
            (!('clientMsgId' in fields) || isValidClientMsgId(fields['clientMsgId']));
          const expected = !valid ? 'failed validation_failed' : !ids.includes(fields['receiverId'] as string) ? 'failed user_not_found' : 'ok';
          check((ack.ok ? 'ok' : `failed ${ack.error.code}`) === expected, `expected ${expected}`, evidence);
        }

        if (ack.ok) {
          const message = ack.message as ChatMessage;
          checkMessageShape(message, evidence);
          const original = message.clientMsgId === undefined ? undefined : storedByClientMsgId.get(message.clientMsgId);
          if (original) {
            checkEqual(message, original, 'a retry did not answer the original message', evidence);
            checkEqual([...stored.values()].flat(), [], 'a retry stored something', evidence);
          } else {
            if (known) checkSameText(message.message, fields['message'] as string, 'the ack', evidence);
            if (message.clientMsgId !== undefined) storedByClientMsgId.set(message.clientMsgId, message);
            for (const id of ids) {
              const involved = id === message.senderId || id === message.receiverId;
              checkEqual(stored.get(id), involved ? [message] : [], `sync of ${id} does not show exactly the new message`, evidence);
            }
            const receiver = heard.get(message.receiverId);
            const senderLog = heard.get(sender.user.id);
            await waitFor(() => (receiver?.received.length ?? 0) > 0 && (senderLog?.sent.length ?? 0) > 0, 5000, 10).catch(() => undefined);
            checkEqual(receiver?.received, [message], 'the receiver socket did not get exactly the message', evidence);
            checkEqual(senderLog?.sent, [message], 'the sender socket did not get exactly message_sent', evidence);
          }
        } else {
          checkEqual([...stored.values()].flat(), [], 'a refused send stored something', evidence);
          const clientMsgId = isPlainObject(parsed) && typeof parsed['clientMsgId'] === 'string' ? parsed['clientMsgId'] : undefined;
          const expectedEvent = clientMsgId === undefined ? { error: ack.error } : { clientMsgId, error: ack.error };
          if (known) checkEqual(heard.get(sender.user.id)?.errors, [expectedEvent], 'message_error does not match the ack', evidence);
          else check(heard.get(sender.user.id)?.errors.length === 1, 'no message_error', evidence);
        }
        check(socket.connected, 'the socket was disconnected', evidence);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`sync ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'socket sync';
    const reader = world.user(1);
    const socket = sockets[1] as ClientSocket;
    const limit = fc.oneof(limitValue, limitValue.map(Number), nastyNumber, fc.constantFrom(true, false, null, [5], ['7'], [[3]], {}));
    const payload = fc.oneof(
      { weight: 6, arbitrary: mutatedObject({ since: fieldValue(cursorValue(() => syncCursors)), limit: fieldValue(limit), requestId: REQUEST_IDS }) },
      { weight: 1, arbitrary: fc.record({ since: cursorValue(() => syncCursors) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'since', 42, [], ...DANGEROUS_KEYS) },
    );

    await fc.assert(
      fc.asyncProperty(fc.record({ payload, style }), async ({ payload: body, style: how }) => {
        const { ack, parsed, known } = await emitStyled(socket, 'sync', how, body, SEND_STYLES);
        const sent = { event: 'sync', how, payload: body };
        checkAck(ack, sent);
        world.tally.record(route, ack.ok ? 'ok' : `failed ${ack.error.code}`);
        const evidence = { sent, ack };

        if (known) {
          const expected = expectedSyncOutcome(parsed);
          check((ack.ok ? 'ok' : `failed ${ack.error.code}`) === expected, `expected ${expected}`, evidence);
        }
        if (ack.ok) {
          checkEqual(Object.keys(ack).sort(), ['cursor', 'hasMore', 'messages', 'ok'], 'a sync ack with other keys', evidence);
          check(isCursor(ack.cursor, 's1') && typeof ack.hasMore === 'boolean', 'a sync ack of another shape', evidence);
          for (const message of ack.messages as ChatMessage[]) {
            checkMessageShape(message, evidence);
            check(message.senderId === reader.user.id || message.receiverId === reader.user.id, "another user's message", evidence);
          }
          syncCursors.push(ack.cursor);
        }
        await world.checkNothingStored(sent);
        check(socket.connected, 'the socket was disconnected', evidence);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`unknown and reserved-looking events ${runsLabel(0.5)}`, { timeout: fuzzTimeout(0.5) }, async () => {
    const route = 'socket unknown events';
    const socket = sockets[2] as ClientSocket;
    const event = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'SEND_MESSAGE', 'send_message ', 'sync\u0000', 'logout', ''), fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(event, nastyNumber, async (name, value) => {
        if (name === 'connect' || name === 'disconnect' || name === 'disconnecting' || name === 'newListener' || name === 'removeListener' || name === 'connect_error') return;
        (socket.emit as (...args: unknown[]) => void)(name, { value });
        world.tally.record(route, 'sent');
        // The socket still answers its own events afterwards.
        const ack = await emitWithAck(socket, 'sync', [{ limit: 1 }]);
        checkAck(ack, { name, value });
        check(ack.ok && socket.connected, 'the socket stopped answering after an unknown event', { name, ack });
        await checkAlive(world.url, { name });
      }),
      fuzzOptions(0.5),
    );
    console.log(world.tally.report(route));
  });
});

/** The README's sync: no payload, or { since?, limit? } with since a sync cursor and limit 1-500 (coerced). */
function expectedSyncOutcome(payload: unknown): string {
  if (payload === undefined) return 'ok';
  if (!isPlainObject(payload)) return 'failed validation_failed';
  const { since, limit } = payload;
  if (since !== undefined && !isCursor(since, 's1')) return 'failed validation_failed';
  if (limit === undefined) return 'ok';
  let number: number;
  try {
    number = Number(limit); // z.coerce.number(); {"toString": ""} cannot be converted at all
  } catch {
    return 'failed validation_failed';
  }
  return Number.isInteger(number) && number >= 1 && number <= 500 ? 'ok' : 'failed validation_failed';
}
