import { z } from 'zod';
import { idSchema, limitSchema } from '../../shared/schemas.js';

export const MAX_MESSAGE_CHARACTERS = 4000;

/** Counted in Unicode code points, so an emoji is one character. */
const characterCount = (text: string) => [...text].length;

/** The text is kept exactly as sent: validated, never trimmed or rewritten. */
export const messageTextSchema = z
  .string()
  .max(MAX_MESSAGE_CHARACTERS * 2)
  .refine((text) => text.trim().length > 0, 'must not be empty or only whitespace')
  .refine((text) => characterCount(text) <= MAX_MESSAGE_CHARACTERS, `must be at most ${MAX_MESSAGE_CHARACTERS} characters`);

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
