import { isDeepStrictEqual } from 'node:util';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from '../../src/protocol/events.js';
import { isConversationId, isPlainObject, isValidId } from './oracles.js';
import { rawRequest, type RawResponse } from './raw-http.js';

/** A property failure that shows what was sent and what came back. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

export function check(condition: unknown, reason: string, evidence: unknown): asserts condition {
  if (!condition) throw new FuzzFailure(`${reason}\n${JSON.stringify(evidence, null, 2)?.slice(0, 4000)}`);
}

export function checkEqual(actual: unknown, expected: unknown, reason: string, evidence: unknown): void {
  check(isDeepStrictEqual(actual, expected), reason, { ...(evidence as object), actual, expected });
}

/**
 * The one error body of the README: { code, message }, plus retryAfter for rate_limited only,
 * with a code of the catalogue whose status is the one answered (bad_request carries its own 4xx).
 */
export function checkErrorBody(error: unknown, status: number | undefined, evidence: unknown): asserts error is { code: ErrorCode } {
  check(isPlainObject(error), 'the error is not an object', evidence);
  const keys = Object.keys(error).sort();
  const expectedKeys = error['code'] === 'rate_limited' ? ['code', 'message', 'retryAfter'] : ['code', 'message'];
  check(JSON.stringify(keys) === JSON.stringify(expectedKeys), `the error has keys ${keys.join(', ')}`, evidence);
  check(ERROR_CODES.includes(error['code'] as ErrorCode), `the code ${String(error['code'])} is not in the catalogue`, evidence);
  check(typeof error['message'] === 'string' && error['message'] !== '', 'the error has no message', evidence);
  const code = error['code'] as ErrorCode;
  check(ERROR_CATALOGUE[code].status < 500, `a server error: ${code}`, evidence);
  if (status === undefined) return;
  if (code === 'bad_request') check(status >= 400 && status < 500, `bad_request with status ${status}`, evidence);
  else check(status === ERROR_CATALOGUE[code].status, `${code} answered with status ${status}`, evidence);
}

/** Never a 5xx, always a correlation id, and every error in the documented shape. */
export function checkRestAnswer(sent: { method: string }, response: RawResponse): void {
  const evidence = { sent, status: response.status, body: response.json ?? response.text.slice(0, 2000) };
  check(response.status < 500, `server error ${response.status}`, evidence);
  check(typeof response.headers['x-request-id'] === 'string', 'no X-Request-Id header', evidence);
  if (response.status < 400 || sent.method === 'HEAD') return; // a HEAD answer has no body
  check(isPlainObject(response.json), 'an error without a JSON object body', evidence);
  check(JSON.stringify(Object.keys(response.json)) === '["error"]', 'the error body has other keys than "error"', evidence);
  checkErrorBody(response.json.error, response.status, evidence);
}

/** A failed socket ack: { ok: false, error: { code, message } } with a client (4xx) code. */
export function checkAck(ack: unknown, sent: unknown): asserts ack is { ok: boolean; [key: string]: any } {
  const evidence = { sent, ack };
  check(isPlainObject(ack) && typeof ack['ok'] === 'boolean', 'the ack has no boolean ok', evidence);
  if (ack['ok']) return;
  check(JSON.stringify(Object.keys(ack).sort()) === '["error","ok"]', 'a failed ack with other keys than ok and error', evidence);
  checkErrorBody(ack['error'], undefined, evidence);
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A message as the README documents it; with `changes`, also as an edit or deletion may leave it
 * (editedAt, deletedAt: ISO-8601 UTC, present only when set).
 */
export function checkMessageShape(message: unknown, evidence: unknown, { changes = false }: { changes?: boolean } = {}): asserts message is Record<string, string> {
  check(isPlainObject(message), 'a message that is not an object', evidence);
  const keys = Object.keys(message).sort();
  const expected = ['conversationId', 'createdAt', 'id', 'message', 'receiverId', 'senderId'];
  if ('clientMsgId' in message) expected.unshift('clientMsgId');
  for (const key of changes ? ['editedAt', 'deletedAt'] : []) {
    if (!(key in message)) continue;
    expected.push(key);
    check(typeof message[key] === 'string' && ISO_UTC.test(message[key]), `${key} is not an ISO-8601 UTC time`, evidence);
  }
  check(JSON.stringify(keys) === JSON.stringify(expected.sort()), `a message with keys ${keys.join(', ')}`, evidence);
  for (const key of keys) check(typeof message[key] === 'string', `message.${key} is not a string`, evidence);
  check(ISO_UTC.test(message['createdAt'] as string), 'createdAt is not an ISO-8601 UTC time', evidence);
  const [low, high] = [message['senderId'], message['receiverId']].sort() as [string, string];
  check(message['conversationId'] === `dm:${low}:${high}`, 'conversationId is not the pair’s', evidence);
}

/**
 * A conversation as the README documents it: its peer as others see them, its last message (of
 * this conversation, with the peer in it), a non-negative unread count, watermarks null or ids.
 */
export function checkConversationShape(conversation: unknown, evidence: unknown): asserts conversation is Record<string, any> {
  check(isPlainObject(conversation), 'a conversation that is not an object', evidence);
  const keys = Object.keys(conversation).sort();
  const expected = ['id', 'lastMessage', 'peer', 'peerDeliveredUpTo', 'peerReadUpTo', 'readUpTo', 'unreadCount'];
  check(JSON.stringify(keys) === JSON.stringify(expected), `a conversation with keys ${keys.join(', ')}`, evidence);
  check(isConversationId(conversation['id']), 'a conversation id of another form', evidence);
  const peer = conversation['peer'];
  check(isPlainObject(peer), 'a peer that is not an object', evidence);
  check(JSON.stringify(Object.keys(peer).sort()) === '["createdAt","id","lastSeenAt","online","username"]', `a peer with keys ${Object.keys(peer).join(', ')}`, evidence);
  check(typeof peer['id'] === 'string' && typeof peer['username'] === 'string', 'a peer without a string id and username', evidence);
  check(typeof peer['createdAt'] === 'string' && ISO_UTC.test(peer['createdAt']), 'peer.createdAt is not an ISO-8601 UTC time', evidence);
  check(typeof peer['online'] === 'boolean', 'peer.online is not a boolean', evidence);
  check(peer['lastSeenAt'] === null || (typeof peer['lastSeenAt'] === 'string' && ISO_UTC.test(peer['lastSeenAt'])), 'peer.lastSeenAt is neither null nor an ISO-8601 UTC time', evidence);
  const last = conversation['lastMessage'];
  checkMessageShape(last, evidence);
  check(last['conversationId'] === conversation['id'], 'a last message of another conversation', evidence);
  check(last['senderId'] === peer['id'] || last['receiverId'] === peer['id'], 'a peer who is not in the conversation', evidence);
  const unread = conversation['unreadCount'];
  check(typeof unread === 'number' && Number.isSafeInteger(unread) && unread >= 0, 'unreadCount is not a non-negative integer', evidence);
  for (const key of ['readUpTo', 'peerReadUpTo', 'peerDeliveredUpTo']) {
    check(conversation[key] === null || isValidId(conversation[key]), `${key} is neither null nor a message id`, evidence);
  }
}

/** The server is still up and ready after an input: the health check answers 200. */
export async function checkAlive(baseUrl: string, after: unknown): Promise<void> {
  const health = await rawRequest(baseUrl, { method: 'GET', path: '/health' });
  check(health.status === 200 && health.json?.status === 'ok', 'the health check failed after this input', {
    after,
    health: health.json ?? health.text,
  });
}

/** Same text, same UTF-16 code units, so the same UTF-8 bytes: nothing trimmed, normalised or replaced. */
export function checkSameText(actual: unknown, expected: string, where: string, evidence: unknown): void {
  check(actual === expected, `the text came back altered in ${where}`, {
    ...(evidence as object),
    expectedUtf16: [...expected].map((c) => c.codePointAt(0)?.toString(16)),
    actualUtf16: typeof actual === 'string' ? [...actual].map((c) => c.codePointAt(0)?.toString(16)) : actual,
  });
}
