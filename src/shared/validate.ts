import type { z } from 'zod';
import { describeZodError, errors } from './errors.js';

/** Parses untrusted input, turning a schema mismatch into a 400 validation_failed. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw errors.validation(describeZodError(result.error));
  return result.data;
}
