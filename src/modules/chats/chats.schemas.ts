import { z } from 'zod';
import { idSchema, limitSchema } from '../../shared/schemas.js';
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
  .refine((text) => !isBlankText(text), 'must not be empty or only whitespace or invisible characters');

export const clientMsgIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'must be 1-64 printable ASCII characters');

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
