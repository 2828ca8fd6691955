import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** What every log line written while handling one REST request or one socket event carries. */
export interface RequestContext {
  /** The correlation id: the caller's X-Request-Id or payload requestId when sane, else made up. */
  requestId: string;
  userId?: string;
  socketId?: string;
}

// One per process, like the async context it follows; each request or event runs in its own store.
const storage = new AsyncLocalStorage<RequestContext>();

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is trusted only when it looks like an id, so logs cannot be forged through it.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is sane, else a new one. */
export function correlationId(given: unknown): string {
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

/** Runs `work` (and everything it starts, however asynchronous) in this context. */
export function runInContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Records who the caller is, once authenticated, on the context of the work under way. */
export function setContextUser(userId: string): void {
  const context = storage.getStore();
  if (context) context.userId = userId;
}

/** Express: a correlation id per request, echoed as X-Request-Id, and the request handled in its context. */
export const requestContext: RequestHandler = (req, res, next) => {
  const requestId = correlationId(req.headers['x-request-id']);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  runInContext({ requestId }, next);
};
