import { z } from 'zod';

/** Ids are opaque strings: UUIDs from SQLite, ObjectIds from MongoDB. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/** A positive whole number from a query string, bounded. */
export const limitSchema = (defaultValue: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(defaultValue);
