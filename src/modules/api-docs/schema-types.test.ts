import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  ChangeMessageAck,
  ChatMessage,
  Conversation,
  DeleteMessagePayload,
  EditMessagePayload,
  ErrorBody,
  MarkAck,
  MarkPayload,
  MessageErrorEvent,
  PresenceEvent,
  PublicUser,
  ReceiptEvent,
  SendMessageAck,
  SendMessagePayload,
  SyncAck,
  SyncRequest,
  TypingAck,
  TypingEvent,
  TypingPayload,
} from '../../protocol/events.js';
import type { errorBodySchema } from '../../shared/schemas.js';
import type { authResultSchema, currentUserSchema } from '../auth/index.js';
import type {
  chatMessageSchema,
  conversationSchema,
  historyPageSchema,
  inboxPageSchema,
  messageErrorEventSchema,
  receiptEventSchema,
  syncPageSchema,
  typingEventSchema,
} from '../chats/index.js';
import type { HealthReport } from '../health/index.js';
import type { healthReportSchema } from '../health/index.js';
import type { presenceEventSchema } from '../presence/index.js';
import type { publicUserSchema, User, userSchema, UserWithPresence } from '../users/index.js';
import type {
  changeMessageAckSchema,
  deleteMessagePayloadDocSchema,
  editMessagePayloadDocSchema,
  markAckSchema,
  markPayloadDocSchema,
  sendMessageAckSchema,
  sendMessagePayloadSchema,
  syncAckSchema,
  syncRequestSchema,
  typingAckSchema,
  typingPayloadDocSchema,
} from './asyncapi.js';

type Out<Schema extends z.ZodType> = z.output<Schema>;

/**
 * The API documents are generated from zod schemas; the code answers with TypeScript types. These
 * checks (run by `tsc`, through `npm run typecheck`) hold the two equal, so neither can change alone.
 */
describe('the documented schemas are the protocol types', () => {
  it('answers and server-to-client events: exactly the types the code sends', () => {
    expectTypeOf<Out<typeof errorBodySchema>>().toEqualTypeOf<ErrorBody>();
    expectTypeOf<Out<typeof userSchema>>().toEqualTypeOf<User>();
    expectTypeOf<Out<typeof publicUserSchema>>().toEqualTypeOf<PublicUser>();
    expectTypeOf<Out<typeof publicUserSchema>>().toEqualTypeOf<UserWithPresence>();
    expectTypeOf<Out<typeof chatMessageSchema>>().toEqualTypeOf<ChatMessage>();
    expectTypeOf<Out<typeof conversationSchema>>().toEqualTypeOf<Conversation>();
    expectTypeOf<Out<typeof historyPageSchema>>().toEqualTypeOf<{ messages: ChatMessage[]; nextCursor: string | null }>();
    expectTypeOf<Out<typeof syncPageSchema>>().toEqualTypeOf<{ messages: ChatMessage[]; cursor: string; hasMore: boolean }>();
    expectTypeOf<Out<typeof inboxPageSchema>>().toEqualTypeOf<{ conversations: Conversation[]; nextCursor: string | null }>();
    expectTypeOf<Out<typeof authResultSchema>>().toEqualTypeOf<{ user: User; token: string }>();
    expectTypeOf<Out<typeof currentUserSchema>>().toEqualTypeOf<{ user: User }>();
    expectTypeOf<Out<typeof healthReportSchema>>().toEqualTypeOf<HealthReport>();
    expectTypeOf<Out<typeof receiptEventSchema>>().toEqualTypeOf<ReceiptEvent>();
    expectTypeOf<Out<typeof typingEventSchema>>().toEqualTypeOf<TypingEvent>();
    expectTypeOf<Out<typeof presenceEventSchema>>().toEqualTypeOf<PresenceEvent>();
    expectTypeOf<Out<typeof messageErrorEventSchema>>().toEqualTypeOf<MessageErrorEvent>();
  });

  it('acks: the protocol ack types, each assignable to the other (an intersection in a union defeats toEqualTypeOf)', () => {
    expectTypeOf<Out<typeof sendMessageAckSchema>>().toExtend<SendMessageAck>();
    expectTypeOf<SendMessageAck>().toExtend<Out<typeof sendMessageAckSchema>>();
    expectTypeOf<Out<typeof syncAckSchema>>().toExtend<SyncAck>();
    expectTypeOf<SyncAck>().toExtend<Out<typeof syncAckSchema>>();
    expectTypeOf<Out<typeof markAckSchema>>().toExtend<MarkAck>();
    expectTypeOf<MarkAck>().toExtend<Out<typeof markAckSchema>>();
    expectTypeOf<Out<typeof changeMessageAckSchema>>().toExtend<ChangeMessageAck>();
    expectTypeOf<ChangeMessageAck>().toExtend<Out<typeof changeMessageAckSchema>>();
    expectTypeOf<Out<typeof typingAckSchema>>().toExtend<TypingAck>();
    expectTypeOf<TypingAck>().toExtend<Out<typeof typingAckSchema>>();
  });

  it('client-to-server payloads: the schema accepts every payload the protocol type allows, and parses to it', () => {
    expectTypeOf<SendMessagePayload>().toExtend<z.input<typeof sendMessagePayloadSchema>>();
    expectTypeOf<Out<typeof sendMessagePayloadSchema>>().toEqualTypeOf<SendMessagePayload>();
    expectTypeOf<SyncRequest>().toExtend<z.input<typeof syncRequestSchema>>();
    expectTypeOf<MarkPayload>().toEqualTypeOf<Out<typeof markPayloadDocSchema>>();
    expectTypeOf<EditMessagePayload>().toEqualTypeOf<Out<typeof editMessagePayloadDocSchema>>();
    expectTypeOf<DeleteMessagePayload>().toEqualTypeOf<Out<typeof deleteMessagePayloadDocSchema>>();
    expectTypeOf<TypingPayload>().toEqualTypeOf<Out<typeof typingPayloadDocSchema>>();
  });
});
