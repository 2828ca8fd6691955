import { z } from 'zod';
import type { PublicUser } from '../../protocol/events.js';
import { idSchema, limitSchema } from '../../shared/schemas.js';
import type { User } from './users.repository.js';

export const searchUsersQuerySchema = z.object({
  query: z
    .string()
    .max(32)
    .regex(/^[A-Za-z0-9_.-]*$/, 'may contain only letters, digits, "_", "." and "-"')
    .default('')
    .meta({ description: 'A username prefix, any letter case; empty lists from the start' }),
  limit: limitSchema(20, 100),
});

export const userParamsSchema = z.object({ id: idSchema });

// Answers. The API documents (src/modules/api-docs) are generated from these; a type test holds
// them equal to the types the code answers with.

/** A user as every answer shows them. */
export const userSchema = z.object({
  id: z.string().meta({ description: 'Opaque id' }),
  username: z.string().meta({ description: 'As typed at registration' }),
  createdAt: z.iso.datetime(),
}) satisfies z.ZodType<User>;

/** A user with presence, as GET /users/:id and a conversation's peer show them. */
export const publicUserSchema = userSchema.extend({
  online: z.boolean().meta({ description: 'Has a socket open on some instance; false while presence cannot be read' }),
  lastSeenAt: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'When their last socket closed; null while online, if never seen offline, and toward a user they block' }),
}) satisfies z.ZodType<PublicUser>;

export const userListSchema = z.object({ users: z.array(userSchema) });
export const userResultSchema = z.object({ user: publicUserSchema });
