/**
 * The reference (R): a bare Socket.IO relay speaking Parley's realtime protocol
 * (src/realtime/events.ts) with nothing else: no authentication (auth.token is the user id),
 * no validation, no persistence, no logging. It is the floor Parley's costs are compared to.
 *
 *   send_message -> receive_message to room user:{receiverId}, message_sent to room user:{senderId},
 *                   ack { ok: true, message } with a generated id and createdAt.
 *   typing       -> typing { conversationId, userId, isTyping } to room user:{peer} (the other user
 *                   named in the conversation id), with the same throttle as Parley's: at most one
 *                   `isTyping: true` per user and conversation per second (a false in between does
 *                   not reset it), every false; the optional ack answered { ok: true }. The throttle is there so
 *                   that R forwards the events Parley forwards and the two do the same work (S9):
 *                   without it R would emit every true of a flood, dozens of times what Parley
 *                   emits. It is a plain Map (no bound, no validation, no block check).
 *
 * Env: HOST, PORT, REDIS_URL (optional: @socket.io/redis-adapter for several instances).
 * GET /health/live answers 200 once listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import type {
  ChatMessage,
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
} from '../src/protocol/events.js';

/** The relay knows only who a socket claims to be. */
interface SocketData {
  userId: string;
}

const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 0);
const redisUrl = process.env['REDIS_URL'] || undefined;

const httpServer = http.createServer((req, res) => {
  if (req.url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});

const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, {
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});

const closers: (() => Promise<unknown>)[] = [];
if (redisUrl) {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  pub.on('error', (error: Error) => console.error('redis pub:', error.message));
  sub.on('error', (error: Error) => console.error('redis sub:', error.message));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
  closers.push(
    () => pub.close(),
    () => sub.close(),
  );
}

const idPrefix = `${process.pid.toString(36)}-`;
/** Parley's TYPING_THROTTLE_MS. */
const typingThrottleMs = 1000;
const lastTyping = new Map<string, number>();
let nextId = 0;

io.use((socket, next) => {
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || token.length === 0) {
    next(new Error('auth.token (the user id) required'));
    return;
  }
  socket.data.userId = token;
  socket.join(`user:${token}`);
  next();
});

io.on('connection', (socket) => {
  const senderId = socket.data.userId;
  socket.on('send_message', (payload, ack) => {
    const message: ChatMessage = {
      id: `${idPrefix}${++nextId}`,
      // The same payload as Parley's, so the bytes on the wire compare fairly.
      conversationId: senderId < payload.receiverId ? `dm:${senderId}:${payload.receiverId}` : `dm:${payload.receiverId}:${senderId}`,
      senderId,
      receiverId: payload.receiverId,
      message: payload.message,
      createdAt: new Date().toISOString(),
    };
    if (payload.clientMsgId !== undefined) message.clientMsgId = payload.clientMsgId;
    io.to(`user:${message.receiverId}`).emit('receive_message', message);
    io.to(`user:${senderId}`).emit('message_sent', message);
    ack?.({ ok: true, message });
  });
  socket.on('typing', (payload, ack) => {
    const { conversationId, isTyping } = payload;
    const [, first, second] = conversationId.split(':');
    const peerId = first === senderId ? second : first;
    if (isTyping) {
      const key = `${senderId} ${conversationId}`;
      const now = performance.now();
      const last = lastTyping.get(key);
      if (last !== undefined && now - last < typingThrottleMs) {
        ack?.({ ok: true });
        return;
      }
      lastTyping.set(key, now);
    }
    io.to(`user:${peerId}`).emit('typing', { conversationId, userId: senderId, isTyping });
    ack?.({ ok: true });
  });
  socket.on('sync', (_request, ack) => ack({ ok: true, messages: [], cursor: '0', hasMore: false }));
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await io.close();
  await Promise.allSettled(closers.map((close) => close()));
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

httpServer.listen(port, host, () => {
  const address = httpServer.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'reference relay listening', host: address.address, port: address.port, redis: Boolean(redisUrl) }));
});
