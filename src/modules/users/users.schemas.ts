import { z } from 'zod';
import { idSchema, limitSchema } from '../../shared/schemas.js';

export const searchUsersQuerySchema = z.object({
  query: z
    .string()
    .max(32)
    .regex(/^[A-Za-z0-9_.-]*$/, 'may contain only letters, digits, "_", "." and "-"')
    .default(''),
  limit: limitSchema(20, 100),
});

export const userParamsSchema = z.object({ id: idSchema });
