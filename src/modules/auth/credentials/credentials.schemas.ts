import { z } from 'zod';
import { isWellFormedText } from '../../../shared/text.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export const usernameSchema = z
  .string()
  .min(3, 'must be 3-32 characters')
  .max(32, 'must be 3-32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"')
  .meta({ description: 'Unique in any letter case, kept as typed; sign-in accepts any letter case' });

/**
 * Any characters, but well-formed: the password is hashed as UTF-8, where every lone surrogate
 * becomes U+FFFD, so two different ill-formed passwords would be the same password.
 */
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`)
  .refine(isWellFormedText, 'must be well-formed Unicode (no lone surrogate)')
  .meta({ description: 'Well-formed Unicode (no lone surrogate); at registration not one of the most common passwords (weak_password)' });

export const credentialsSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
});

export type Credentials = z.infer<typeof credentialsSchema>;
