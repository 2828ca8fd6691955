import type { ErrorBody } from '../protocol/events.js';
import type { ParleyErrorLike } from './types.js';

/** Every failure the client reports: a Parley error code, or `network`, `timeout`, `closed` of its own. */
export class ParleyError extends Error implements ParleyErrorLike {
  override readonly name = 'ParleyError';
  constructor(
    readonly code: ParleyErrorLike['code'],
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  static from(body: ErrorBody): ParleyError {
    return new ParleyError(body.code, body.message, body.retryAfter);
  }
}

/**
 * Answers worth sending again, after `retryAfter` or a short wait: the server could not take the
 * request now. Every other error code is a definite refusal.
 */
const TRANSIENT = new Set<ParleyErrorLike['code']>([
  'overloaded',
  'rate_limited',
  'store_unavailable',
  'session_store_unavailable',
  'internal_error',
  'network',
  'timeout',
]);

export function isTransient(error: ParleyErrorLike): boolean {
  return TRANSIENT.has(error.code);
}
