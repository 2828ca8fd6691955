import { z } from 'zod';
import { userSchema } from '../users/index.js';

// The answers of /auth, for the API documents (src/modules/api-docs).

export const authResultSchema = z.object({
  user: userSchema,
  token: z.string().meta({ description: 'A JWT for `Authorization: Bearer` and the socket handshake (`auth: { token }`); valid for JWT_TTL' }),
});

export const currentUserSchema = z.object({ user: userSchema });
