import { z } from 'zod';

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
    .default(defaultValue);
