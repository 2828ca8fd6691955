/** The one application error: a stable snake_case code, an HTTP status and a message safe to show. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The catalogue of errors Parley answers with, in one place. */
export const errors = {
  validation: (message: string) => new AppError('validation_failed', 400, message),
  invalidJson: () => new AppError('invalid_json', 400, 'Request body is not valid JSON'),
  unauthorized: (message = 'Authentication required') => new AppError('unauthorized', 401, message),
  invalidCredentials: () => new AppError('invalid_credentials', 401, 'Invalid username or password'),
  forbidden: (message = 'Not allowed') => new AppError('forbidden', 403, message),
  userNotFound: () => new AppError('user_not_found', 404, 'User not found'),
  routeNotFound: (method: string, path: string) => new AppError('route_not_found', 404, `No route for ${method} ${path}`),
  usernameTaken: () => new AppError('username_taken', 409, 'Username is already taken'),
  payloadTooLarge: () => new AppError('payload_too_large', 413, 'Request body is too large'),
  unsupportedMediaType: () => new AppError('unsupported_media_type', 415, 'Request body must be application/json'),
  rateLimited: (retryAfterSeconds: number) =>
    Object.assign(new AppError('rate_limited', 429, `Too many requests, retry in ${retryAfterSeconds}s`), {
      retryAfterSeconds,
    }),
  storeUnavailable: (cause?: unknown) =>
    new AppError('store_unavailable', 503, 'The message store is unavailable, try again', { cause }),
  sessionStoreUnavailable: (cause?: unknown) =>
    new AppError('session_store_unavailable', 503, 'Sessions are unavailable right now; use a Bearer token or retry', {
      cause,
    }),
  internal: () => new AppError('internal_error', 500, 'Internal server error'),
} as const;

export interface ErrorPayload {
  error: { code: string; message: string };
}

export function toErrorPayload(error: AppError): ErrorPayload {
  return { error: { code: error.code, message: error.message } };
}
