import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, errors, toErrorPayload } from './errors.js';
import { isStoreUnavailableError } from '../store/store-errors.js';
import { describeZodError } from './validate.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps anything thrown to the AppError the client sees; unknown errors become internal_error. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return errors.validation(describeZodError(error));
  if (isStoreUnavailableError(error)) return errors.storeUnavailable(error);
  const { type, status } = (error ?? {}) as BodyParserError;
  if (type === 'entity.parse.failed') return errors.invalidJson();
  if (type === 'entity.too.large') return errors.payloadTooLarge();
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return errors.unsupportedMediaType();
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('bad_request', status, 'Bad request');
  }
  return errors.internal();
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(errors.routeNotFound(req.method, req.path));
};

/** The central HTTP error handler: one shape for every error, a log line for every 5xx. */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  const appError = toAppError(error);
  if (appError.status >= 500) req.log.error({ err: error, code: appError.code }, 'request failed');
  else req.log.debug({ code: appError.code }, 'request rejected');
  const retryAfter = (appError as { retryAfterSeconds?: number }).retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(appError.status).json(toErrorPayload(appError));
};
