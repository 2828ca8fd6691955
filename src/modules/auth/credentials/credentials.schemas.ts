import { z } from 'zod';

export const usernameSchema = z
  .string()
  .min(3, 'must be 3-32 characters')
  .max(32, 'must be 3-32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');

export const credentialsSchema = z.object({
  username: usernameSchema,
  password: z.string().min(8, 'must be 8-128 characters').max(128, 'must be 8-128 characters'),
});

export type Credentials = z.infer<typeof credentialsSchema>;
