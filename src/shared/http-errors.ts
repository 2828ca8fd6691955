import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, errors, isExpectedRefusal, toPublicError } from './errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The HTTP edge's own errors (body-parser's, and any other 4xx from Express), as AppErrors; anything else passes unchanged. */
function translateBodyParserError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { type, status } = (error ?? {}) as BodyParserError;
  if (type === 'entity.parse.failed' || type === 'entity.verify.failed') return errors.invalidJson(); // verify: not UTF-8
  if (type === 'entity.too.large') return errors.payloadTooLarge();
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return errors.unsupportedMediaType();
  if (typeof status === 'number' && status >= 400 && status < 500) return errors.badRequest(status);
  return error;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(errors.routeNotFound(req.method, req.path));
};

/** The central HTTP error handler: one shape for every error, a log line for every 5xx. */
export const errorHandler: ErrorRequestHandler = (thrown, req, res, next) => {
  if (res.headersSent) return next(thrown);
  const { status, body, error } = toPublicError(translateBodyParserError(thrown));
  if (status >= 500 && !isExpectedRefusal(body.code)) req.log.error({ err: thrown, code: body.code }, 'request failed');
  else req.log.debug({ code: body.code }, 'request rejected');
  res.locals['errorCode'] = body.code;
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(status).json({ error: body });
};
