import { ZodError } from 'zod';
import { ERROR_CATALOGUE, type ErrorBody, type ErrorCode } from '../protocol/error-codes.js';

export interface AppErrorOptions {
  cause?: unknown;
  /** Seconds after which trying again makes sense; sent as retryAfter (and Retry-After over HTTP). */
  retryAfterSeconds?: number;
  /** Only for bad_request, which carries the status its source gave it. */
  status?: number;
}

/** The one application error: a code from the catalogue, its HTTP status and a message safe to show. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { cause, retryAfterSeconds, status }: AppErrorOptions = {},
  ) {
    super(message, { cause });
    this.status = status ?? ERROR_CATALOGUE[code].status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Errors raised by the thousand under load, where a stack trace would cost more than the refusal. */
function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A 5xx that is not a fault: shedding load is the server working as designed, summarised by
 * the load shedder's own log line instead of one line per refusal (which would add to the load).
 */
export const isExpectedRefusal = (code: ErrorCode): boolean => code === 'overloaded';

/** The errors Parley raises, by use; codes and statuses come from the catalogue in protocol/. */
export const errors = {
  validation: (message: string) => new AppError('validation_failed', message),
  invalidJson: () => new AppError('invalid_json', 'Request body is not valid JSON'),
  weakPassword: () => new AppError('weak_password', 'password: too common, choose another one'),
  badRequest: (status: number) => new AppError('bad_request', 'Bad request', { status }),
  unauthorized: (message = 'Authentication required') => new AppError('unauthorized', message),
  invalidCredentials: () => new AppError('invalid_credentials', 'Invalid username or password'),
  forbidden: (message = 'Not allowed') => new AppError('forbidden', message),
  blocked: () => new AppError('blocked', 'One of you blocks the other: nothing passes between you'),
  editWindowClosed: (seconds: number) => new AppError('edit_window_closed', `A message can be edited only within ${seconds} s of being sent`),
  messageDeleted: () => new AppError('message_deleted', 'The message was deleted'),
  userNotFound: () => new AppError('user_not_found', 'User not found'),
  notFound: (what: string) => new AppError('not_found', `${what} not found`),
  routeNotFound: (method: string, path: string) => new AppError('route_not_found', `No route for ${method} ${path}`),
  usernameTaken: () => new AppError('username_taken', 'Username is already taken'),
  payloadTooLarge: () => new AppError('payload_too_large', 'Request body is too large'),
  unsupportedMediaType: () => new AppError('unsupported_media_type', 'Request body must be application/json'),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', `Too many requests, retry in ${retryAfterSeconds}s`, { retryAfterSeconds }),
  tooManyConnections: (limit: number) =>
    new AppError('too_many_connections', `At most ${limit} sockets per user; close one first`),
  storeUnavailable: (cause?: unknown) =>
    new AppError('store_unavailable', 'The message store is unavailable, try again', { cause }),
  sessionStoreUnavailable: (cause?: unknown) =>
    new AppError('session_store_unavailable', 'Sessions are unavailable right now; use a Bearer token or retry', { cause }),
  overloaded: () => withoutStack(() => new AppError('overloaded', 'The server is overloaded, retry in 1s', { retryAfterSeconds: 1 })),
  internal: (cause?: unknown) => new AppError('internal_error', 'Internal server error', { cause }),
} as const;

export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Anything thrown, as an AppError. Each edge translates its own errors before they get here
 * (store drivers, the HTTP body parser); what is still unknown is a bug: internal_error.
 */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return errors.validation(describeZodError(error));
  return errors.internal(error);
}

export interface PublicError {
  status: number;
  body: ErrorBody;
  /** The AppError behind it, with the original error as its cause (for logs). */
  error: AppError;
}

/** The one way any error reaches a client: HTTP bodies, socket acks and connect_error data alike. */
export function toPublicError(thrown: unknown): PublicError {
  const error = toAppError(thrown);
  const body: ErrorBody = { code: error.code, message: error.message };
  if (error.retryAfterSeconds !== undefined) body.retryAfter = error.retryAfterSeconds;
  return { status: error.status, body, error };
}
