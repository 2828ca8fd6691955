import { z } from 'zod';
import type { ChatMessage, Conversation, MessageErrorEvent, ReceiptEvent, TypingEvent } from '../../protocol/events.js';
import { errorBodySchema, idSchema, limitSchema } from '../../shared/schemas.js';
import { publicUserSchema } from '../users/index.js';
import { codePointLength, isBlankText, isWellFormedText } from '../../shared/text.js';

export const MAX_MESSAGE_CHARACTERS = 4000;

const TOO_LONG = `must be at most ${MAX_MESSAGE_CHARACTERS} characters`;

/**
 * The text is kept exactly as sent: validated, never trimmed or rewritten. So it must be
 * well-formed (a lone surrogate would be stored as U+FFFD, not as sent), and it must show
 * something: text of only whitespace and invisible characters (shared/text.ts) is empty.
 * Its length is counted in Unicode code points, so an emoji is one character.
 */
export const messageTextSchema = z
  .string()
  .refine((text) => codePointLength(text) <= MAX_MESSAGE_CHARACTERS, { message: TOO_LONG, abort: true })
  .refine(isWellFormedText, { message: 'must be well-formed Unicode (no lone surrogate)', abort: true })
  .refine((text) => !isBlankText(text), 'must not be empty or only whitespace or invisible characters')
  // The refinements above have no JSON Schema form: the API documents take these words instead.
  // JSON Schema counts a string's length in code points, as the first refinement does.
  .meta({
    description:
      'Well-formed Unicode (no lone surrogate), not only whitespace, invisible and control characters; stored exactly as sent',
    minLength: 1,
    maxLength: MAX_MESSAGE_CHARACTERS,
  });

export const clientMsgIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-64 printable ASCII characters')
  .meta({ description: "The sender's own id for the message: a retry with the same one is stored once" });

export const sendMessageSchema = z.object({
  receiverId: idSchema,
  message: messageTextSchema,
  clientMsgId: clientMsgIdSchema.optional(),
});

export type SendMessageInput = z.infer<typeof sendMessageSchema>;

export const userIdParamsSchema = z.object({ userId: idSchema });
export const conversationParamsSchema = z.object({ userId: idSchema, withUser: idSchema });

export const historyQuerySchema = z.object({
  limit: limitSchema(50, 200),
  before: z.string().min(1).max(64).optional(),
});

export const syncQuerySchema = z.object({
  since: z.string().min(1).max(64).optional(),
  limit: limitSchema(100, 500),
});

export type SyncQuery = z.infer<typeof syncQuerySchema>;

/** dm:<user>:<user>, as directConversationId writes it; which ones exist is the store's answer. */
export const conversationIdSchema = z
  .string()
  .max(140)
  .regex(/^dm:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/, 'must be a conversation id');

export const conversationIdParamsSchema = z.object({ id: conversationIdSchema });

export const inboxQuerySchema = z.object({
  limit: limitSchema(50, 200),
  before: z.string().min(1).max(96).optional(),
});

export type InboxQueryInput = z.infer<typeof inboxQuerySchema>;

export const markBodySchema = z.object({ upTo: idSchema });

export const markPayloadSchema = z.object({ conversationId: conversationIdSchema, upTo: idSchema });

export const typingPayloadSchema = z.object({ conversationId: conversationIdSchema, isTyping: z.boolean() });

export const messageIdParamsSchema = z.object({ id: idSchema });
export const editBodySchema = z.object({ message: messageTextSchema });
export const editMessagePayloadSchema = z.object({ messageId: idSchema, message: messageTextSchema });
export const deleteMessagePayloadSchema = z.object({ messageId: idSchema });

// Answers and server-to-client events. The API documents (src/modules/api-docs) are generated from
// these; a type test holds them equal to the protocol's types.

export const chatMessageSchema = z.object({
  id: z.string(),
  conversationId: z.string().meta({ description: 'The same opaque id for both participants, stable forever' }),
  senderId: z.string(),
  receiverId: z.string(),
  message: z.string().meta({ description: 'The text as sent; "" once deleted' }),
  createdAt: z.iso.datetime(),
  clientMsgId: z.string().optional().meta({ description: 'Present when the sender gave one' }),
  editedAt: z.iso.datetime().optional().meta({ description: 'When its text was last edited; grows with every edit' }),
  deletedAt: z.iso.datetime().optional().meta({ description: 'When it was deleted (its text is then "")' }),
}) satisfies z.ZodType<ChatMessage>;

export const messageResultSchema = z.object({ message: chatMessageSchema });

export const historyPageSchema = z.object({
  messages: z.array(chatMessageSchema).meta({ description: 'Oldest first: the newest messages older than `before`' }),
  nextCursor: z.string().nullable().meta({ description: '`before` for the next older page; null on the oldest page' }),
});

export const syncPageSchema = z.object({
  messages: z.array(chatMessageSchema).meta({ description: 'In commit order; an edited or deleted message comes again, in its new state' }),
  cursor: z.string().meta({ description: '`since` for the next sync' }),
  hasMore: z.boolean().meta({ description: 'The limit cut the page: sync again at once from the new cursor' }),
});

const watermarkSchema = (description: string) => z.string().nullable().meta({ description });

export const conversationSchema = z.object({
  id: z.string(),
  peer: publicUserSchema,
  lastMessage: chatMessageSchema,
  unreadCount: z.number().int().min(0).meta({ description: "The peer's messages after readUpTo" }),
  readUpTo: watermarkSchema('The caller has read up to this message'),
  peerReadUpTo: watermarkSchema("The peer has read the caller's messages up to this one"),
  peerDeliveredUpTo: watermarkSchema("A device of the peer has the caller's messages up to this one"),
}) satisfies z.ZodType<Conversation>;

export const conversationResultSchema = z.object({ conversation: conversationSchema });

export const inboxPageSchema = z.object({
  conversations: z.array(conversationSchema).meta({ description: 'Newest activity first' }),
  nextCursor: z.string().nullable().meta({ description: '`before` for the next page; null on the last page' }),
});

export const receiptEventSchema = z.object({
  conversationId: z.string(),
  userId: z.string().meta({ description: 'Whose watermark moved' }),
  type: z.enum(['delivered', 'read']),
  upTo: z.string().meta({ description: 'The message the watermark moved to' }),
  at: z.iso.datetime().meta({ description: 'When it moved' }),
}) satisfies z.ZodType<ReceiptEvent>;

export const typingEventSchema = z.object({
  conversationId: z.string(),
  userId: z.string().meta({ description: 'Who is typing' }),
  isTyping: z.boolean(),
}) satisfies z.ZodType<TypingEvent>;

export const messageErrorEventSchema = z.object({
  clientMsgId: z.string().optional().meta({ description: 'The failed send_message payload\'s clientMsgId, when it had one' }),
  error: errorBodySchema,
}) satisfies z.ZodType<MessageErrorEvent>;
