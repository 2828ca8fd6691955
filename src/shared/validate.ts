import type { z, ZodError } from 'zod';
import { errors } from './errors.js';

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Parses untrusted input, turning a schema mismatch into a 400 validation_failed. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw errors.validation(describeZodError(result.error));
  return result.data;
}
