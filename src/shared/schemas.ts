import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from '../protocol/error-codes.js';

/** Ids are opaque strings: UUIDs from SQLite, ObjectIds from MongoDB. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/**
 * A positive whole number, bounded: a JSON number (socket payloads), or decimal digits (query
 * strings). Not whatever Number() accepts: `1e2`, `0x10`, ` 5`, `true` are refused.
 */
export const limitSchema = (defaultValue: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number)])
    .pipe(z.number().int().min(1).max(max))
    .default(defaultValue)
    .meta({ description: 'A whole number (in a socket payload, a JSON number or a string of digits)' });

/** An error as every client sees it (REST `{ error }` bodies, socket acks, message_error, connect_error). */
export const errorBodySchema = z.object({
  code: z.enum(ERROR_CODES).meta({ description: 'What went wrong, from the error catalogue (src/protocol/error-codes.ts); clients switch on it' }),
  message: z.string().meta({ description: 'For people; not stable' }),
  retryAfter: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Seconds to wait before trying again (rate_limited, overloaded)' }),
}) satisfies z.ZodType<ErrorBody>;
