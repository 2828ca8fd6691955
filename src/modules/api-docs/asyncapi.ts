import { z } from 'zod';
import type { ErrorCode } from '../../protocol/error-codes.js';
import { CLIENT_EVENTS, SERVER_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '../../protocol/events.js';
import { errorBodySchema } from '../../shared/schemas.js';
import { SESSION_COOKIE } from '../auth/index.js';
import {
  chatMessageSchema,
  conversationSchema,
  deleteMessagePayloadSchema,
  editMessagePayloadSchema,
  markPayloadSchema,
  messageErrorEventSchema,
  receiptEventSchema,
  sendMessageSchema,
  syncPageSchema,
  syncQuerySchema,
  typingEventSchema,
  typingPayloadSchema,
} from '../chats/index.js';
import { presenceEventSchema } from '../presence/index.js';
import { publicUserSchema } from '../users/index.js';
import { convertComponents, type JsonSchema } from './json-schema.js';

/** The parts of an AsyncAPI 3.0 document that Parley's has (and the docs page reads). */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string; license: { name: string } };
  defaultContentType: string;
  servers: Record<string, ServerObject>;
  channels: Record<string, ChannelObject>;
  operations: Record<string, OperationObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    messages: Record<string, MessageObject>;
    securitySchemes: Record<string, Record<string, string>>;
  };
}

interface Ref {
  $ref: string;
}

export interface ServerObject {
  host: string;
  protocol: string;
  pathname: string;
  description: string;
  variables: Record<string, { default: string; description: string }>;
  security: Ref[];
}

export interface ChannelObject {
  address: string;
  title: string;
  description: string;
  messages: Record<string, Ref>;
}

export interface OperationObject {
  action: 'send' | 'receive';
  channel: Ref;
  title: string;
  summary: string;
  description?: string;
  messages: Ref[];
  reply?: { channel: Ref; messages: Ref[] };
}

export interface MessageObject {
  name: string;
  title: string;
  summary: string;
  description?: string;
  /** A `$ref` to one of components.schemas. */
  payload: JsonSchema;
}

// --- Schemas ----------------------------------------------------------------------------------

const requestIdSchema = z
  .string()
  .optional()
  .meta({
    description:
      "A correlation id of the client's choosing, 1-128 characters of [A-Za-z0-9._:-] (like X-Request-Id): the server logs the event's work under it, or under one it makes up when it is absent or not of that form",
  });

/** A client-to-server payload as the handler's schema checks it, plus the requestId every payload may carry. */
const correlated = <Shape extends z.core.$ZodShape>(schema: z.ZodObject<Shape>) => schema.extend({ requestId: requestIdSchema });

export const ackFailureSchema = z.object({ ok: z.literal(false), error: errorBodySchema });

const ackOf = <Shape extends z.core.$ZodShape>(shape: Shape) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), ...shape }), ackFailureSchema]);

// Exported for the type test that holds each equal to its protocol type.
export const sendMessageAckSchema = ackOf({ message: chatMessageSchema });
export const syncAckSchema = ackOf(syncPageSchema.shape);
export const markAckSchema = ackOf({ conversation: conversationSchema });
export const changeMessageAckSchema = ackOf({ message: chatMessageSchema });
export const typingAckSchema = ackOf({});

/** The codes a refused handshake's connect_error carries, and when (README, "Realtime"). */
const CONNECT_ERRORS = {
  unauthorized: 'No credentials, a token that is not a non-empty string, invalid, expired or logged out, an unknown or ended session',
  forbidden: "The session cookie, from an origin that is neither Parley's own nor in CORS_ORIGINS",
  session_store_unavailable: 'The session cookie while Redis is unreachable (a token still works)',
  too_many_connections: 'The user has MAX_SOCKETS_PER_USER sockets open already (on any instance)',
  store_unavailable: 'The store could not be read to check the credentials',
  internal_error: 'Anything unexpected (logged with the cause)',
} satisfies Partial<Record<ErrorCode, string>>;

const connectErrorDataSchema = errorBodySchema.extend({
  code: z.enum(Object.keys(CONNECT_ERRORS) as (keyof typeof CONNECT_ERRORS)[]),
});

export const sendMessagePayloadSchema = correlated(sendMessageSchema);
export const syncRequestSchema = correlated(syncQuerySchema);
export const markPayloadDocSchema = correlated(markPayloadSchema);
export const editMessagePayloadDocSchema = correlated(editMessagePayloadSchema);
export const deleteMessagePayloadDocSchema = correlated(deleteMessagePayloadSchema);
export const typingPayloadDocSchema = correlated(typingPayloadSchema);

const INPUT_SCHEMAS = {
  SendMessagePayload: sendMessagePayloadSchema,
  SyncRequest: syncRequestSchema,
  MarkPayload: markPayloadDocSchema,
  EditMessagePayload: editMessagePayloadDocSchema,
  DeleteMessagePayload: deleteMessagePayloadDocSchema,
  TypingPayload: typingPayloadDocSchema,
};

const OUTPUT_SCHEMAS = {
  ErrorBody: errorBodySchema,
  ConnectErrorData: connectErrorDataSchema,
  ChatMessage: chatMessageSchema,
  PublicUser: publicUserSchema,
  Conversation: conversationSchema,
  AckFailure: ackFailureSchema,
  SendMessageAck: sendMessageAckSchema,
  SyncAck: syncAckSchema,
  MarkAck: markAckSchema,
  ChangeMessageAck: changeMessageAckSchema,
  TypingAck: typingAckSchema,
  MessageErrorEvent: messageErrorEventSchema,
  ReceiptEvent: receiptEventSchema,
  TypingEvent: typingEventSchema,
  PresenceEvent: presenceEventSchema,
};

type InputName = keyof typeof INPUT_SCHEMAS;
type OutputName = keyof typeof OUTPUT_SCHEMAS;

// --- Events -----------------------------------------------------------------------------------

interface ClientEventDoc {
  summary: string;
  description?: string;
  payload: InputName;
  ack: OutputName;
}

interface ServerEventDoc {
  summary: string;
  description?: string;
  payload: OutputName;
}

/** Every client-to-server event (the mapped type makes a missing one a compile error). */
const CLIENT_EVENT_DOCS: { [Event in keyof ClientToServerEvents]: ClientEventDoc } = {
  send_message: {
    summary: 'Send a direct message (as POST /chats/{userId}/send)',
    description:
      'Stored once per (sender, `clientMsgId`): a resend is acked with the stored message and delivered nothing again. A failure is acked and also emitted as `message_error` to this socket (not for `overloaded` when the send has an ack callback). Counts against SEND_RATE_LIMIT with REST sends. The ack callback is optional.',
    payload: 'SendMessagePayload',
    ack: 'SendMessageAck',
  },
  sync: {
    summary: 'Everything sent or received after a cursor (as GET /sync)',
    description: 'In commit order; `hasMore: true`: sync again at once from the new cursor. The payload may be left out (from the start, 100 at most).',
    payload: 'SyncRequest',
    ack: 'SyncAck',
  },
  mark_read: {
    summary: 'Read up to a message (as POST /conversations/{id}/read)',
    description: "Moves the caller's read watermark (and delivered with it) forward; both participants get `receipt`.",
    payload: 'MarkPayload',
    ack: 'MarkAck',
  },
  mark_delivered: {
    summary: 'A device has the messages up to one (as POST /conversations/{id}/delivered)',
    description: "Moves the caller's delivered watermark forward; both participants get `receipt`.",
    payload: 'MarkPayload',
    ack: 'MarkAck',
  },
  edit_message: {
    summary: "Edit one's own message (as PATCH /messages/{id})",
    description: 'Both participants get `message_updated`.',
    payload: 'EditMessagePayload',
    ack: 'ChangeMessageAck',
  },
  delete_message: {
    summary: "Delete one's own message (as DELETE /messages/{id})",
    description: 'Both participants get `message_updated` (not for a repeated delete).',
    payload: 'DeleteMessagePayload',
    ack: 'ChangeMessageAck',
  },
  typing: {
    summary: 'The caller is typing, or stopped',
    description:
      'Repeat `isTyping: true` every few seconds while typing. Never stored. The ack is optional; `not_found` when the caller is not in the conversation.',
    payload: 'TypingPayload',
    ack: 'TypingAck',
  },
};

/** Every server-to-client event. */
const SERVER_EVENT_DOCS: { [Event in keyof ServerToClientEvents]: ServerEventDoc } = {
  receive_message: {
    summary: 'A message for this user',
    description: 'To every socket of the receiver, on every instance.',
    payload: 'ChatMessage',
  },
  message_sent: {
    summary: 'A message this user sent',
    description: 'To every socket of the sender, on every instance, the sending one included; also for REST sends.',
    payload: 'ChatMessage',
  },
  message_error: {
    summary: "This socket's send_message failed",
    description: 'The same error as its ack.',
    payload: 'MessageErrorEvent',
  },
  message_updated: {
    summary: 'A message was edited or deleted (its new state)',
    description: 'To every socket of both participants, on every instance.',
    payload: 'ChatMessage',
  },
  receipt: {
    summary: "A conversation's watermark moved",
    description: 'To every socket of both participants, on every instance. A read that also moves delivered sends both, delivered first.',
    payload: 'ReceiptEvent',
  },
  typing: {
    summary: 'The peer is typing, or stopped',
    description:
      'At most one `isTyping: true` per second per user and conversation is forwarded, every `false` is. Treat typing as stopped after 6 s without a repeat. Dropped while either user blocks the other.',
    payload: 'TypingEvent',
  },
  presence: {
    summary: 'A contact came online or went offline',
    description:
      'To every socket of each contact (users sharing a conversation, none blocked either way), once per transition across instances: online at their first socket anywhere, offline when the last one closed and none reopened within PRESENCE_GRACE seconds.',
    payload: 'PresenceEvent',
  },
};

// --- The document -----------------------------------------------------------------------------

const SCHEMA_REFS = '#/components/schemas/';
const CHANNEL = 'parley';

const schemaRef = (name: string): JsonSchema => ({ $ref: `${SCHEMA_REFS}${name}` });
const channelRef: Ref = { $ref: `#/channels/${CHANNEL}` };
const channelMessageRef = (key: string): Ref => ({ $ref: `#/channels/${CHANNEL}/messages/${key}` });

const connectErrorTable = Object.entries(CONNECT_ERRORS)
  .map(([code, when]) => `- \`${code}\`: ${when}`)
  .join('\n');

const DESCRIPTION = `Parley's realtime protocol: Socket.IO 4 on the REST API's port (path \`/socket.io/\`), default namespace. Each event is a message here; its \`name\` is the Socket.IO event name. The types are in \`src/protocol/events.ts\` (\`parley/events\`); the client library \`parley/client\` speaks it for you.

This document describes a **client** of Parley: it sends the client-to-server events (each with an acknowledgement, the operation's reply: \`{ ok: true, ... }\` or \`{ ok: false, error }\`) and receives the server-to-client events.

**Authentication** happens once, in the handshake: \`auth: { token }\` (from any origin; when given it alone decides), or the session cookie \`${SESSION_COOKIE}\` (from Parley's own origin or one in CORS_ORIGINS). A refused handshake ends in \`connect_error\`. Credentials are checked again every CREDENTIAL_CHECK_INTERVAL; a socket whose login ended is disconnected (\`io server disconnect\`).

**Payloads** are validated with the REST API's zod schemas: a bad one is acked \`validation_failed\` and the socket stays connected. Every client-to-server payload may carry \`requestId\`. A packet over 64 KiB drops the connection.

**Live delivery is best effort**: after every (re)connect, \`sync\` from the last cursor and de-duplicate by \`id\`.`;

/** Builds the AsyncAPI 3.0 document from the protocol's events and the modules' zod schemas. */
export function buildAsyncApiDocument({ version }: { version: string }): AsyncApiDocument {
  const schemas = {
    ...convertComponents(INPUT_SCHEMAS, { io: 'input', target: 'draft-07', refPrefix: SCHEMA_REFS }),
    ...convertComponents(OUTPUT_SCHEMAS, { io: 'output', target: 'draft-07', refPrefix: SCHEMA_REFS }),
  };
  const messages: Record<string, MessageObject> = {};
  const operations: Record<string, OperationObject> = {};

  for (const event of CLIENT_EVENTS) {
    const doc = CLIENT_EVENT_DOCS[event];
    const key = `client.${event}`;
    messages[key] = { name: event, title: event, summary: doc.summary, payload: schemaRef(doc.payload) };
    messages[`${key}.ack`] = {
      name: `${event} ack`,
      title: `${event} acknowledgement`,
      summary: `The answer to ${event}: { ok: true, ... } or { ok: false, error }`,
      payload: schemaRef(doc.ack),
    };
    operations[`emit_${event}`] = {
      action: 'send',
      channel: channelRef,
      title: event,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      messages: [channelMessageRef(key)],
      reply: { channel: channelRef, messages: [channelMessageRef(`${key}.ack`)] },
    };
  }

  for (const event of SERVER_EVENTS) {
    const doc = SERVER_EVENT_DOCS[event];
    const key = `server.${event}`;
    messages[key] = { name: event, title: event, summary: doc.summary, payload: schemaRef(doc.payload) };
    operations[`on_${event}`] = {
      action: 'receive',
      channel: channelRef,
      title: event,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      messages: [channelMessageRef(key)],
    };
  }

  messages['server.connect_error'] = {
    name: 'connect_error',
    title: 'connect_error',
    summary: 'The handshake was refused',
    description: `Socket.IO's \`connect_error\` with \`err.data\` = this payload and \`err.message\` its message; the client does not retry by itself then. (A \`connect_error\` without \`data\` is a network error, retried.) Codes:\n\n${connectErrorTable}`,
    payload: schemaRef('ConnectErrorData'),
  };
  operations['on_connect_error'] = {
    action: 'receive',
    channel: channelRef,
    title: 'connect_error',
    summary: 'The handshake was refused, and why',
    messages: [channelMessageRef('server.connect_error')],
  };

  return {
    asyncapi: '3.0.0',
    info: { title: 'Parley realtime API (Socket.IO)', version, description: DESCRIPTION, license: { name: 'MIT' } },
    defaultContentType: 'application/json',
    servers: {
      parley: {
        host: '{host}',
        protocol: 'ws',
        pathname: '/socket.io/',
        description:
          'Socket.IO 4 (Engine.IO over WebSocket, or HTTP long-polling upgraded to it) on the REST API\'s host and port. With several instances and polling, the load balancer needs sticky sessions.',
        variables: { host: { default: 'localhost:3000', description: "Parley's host and port" } },
        security: [{ $ref: '#/components/securitySchemes/token' }, { $ref: '#/components/securitySchemes/sessionCookie' }],
      },
    },
    channels: {
      [CHANNEL]: {
        address: '/',
        title: 'Default namespace',
        description: 'Every Parley event travels on the default namespace of the socket; a message\'s name is its Socket.IO event name.',
        messages: Object.fromEntries(Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }])),
      },
    },
    operations,
    components: {
      schemas,
      messages,
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `token` of `/auth/register` or `/auth/login`, given in the Socket.IO handshake as `auth: { token }` (`io(url, { auth: { token } })`), not as an HTTP header. Accepted from any origin.',
        },
        sessionCookie: {
          type: 'httpApiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            "The session cookie: a browser sends it by itself (`withCredentials: true`), Node in `extraHeaders`. Accepted only from Parley's own origin or one in CORS_ORIGINS, or without an Origin header.",
        },
      },
    },
  };
}
