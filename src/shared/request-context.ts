import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Who and what a log line written while handling one REST request or socket event is about. */
export interface RequestContext {
  /** The correlation id: the caller's X-Request-Id or payload requestId when sane, else made up. */
  requestId: string;
  userId?: string;
  socketId?: string;
}

// One per process, like the async context it follows; each request or event runs in a store of its own.
const storage = new AsyncLocalStorage<RequestContext>();
let carried = false;

/**
 * Carries the context through everything a request or event starts, however asynchronous, so
 * that services and stores (which never see the request) log under its ids. Node 20 does this
 * with async hooks that run for every async resource of the process (+10% CPU per message in
 * the S1 benchmark), so it is turned on only when the lines that need it are written (debug).
 * Once on, it stays on for the process.
 */
export function carryRequestContext(): void {
  carried = true;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is trusted only when it looks like an id, so logs cannot be forged through it.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's correlation id when it is sane, else a new one. */
export function correlationId(given: unknown): string {
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}

/** Whether contexts are carried (debug): only then is one worth making before it is needed. */
export function isContextCarried(): boolean {
  return carried;
}

/** Runs `work` in this context (carried into everything it starts, once carryRequestContext was called). */
export function runInContext<T>(context: RequestContext, work: () => T): T {
  return carried ? storage.run(context, work) : work();
}

/** The context of the request or event under way, when it is carried. */
export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Records who the caller is, once authenticated, on the context of the work under way. */
export function setContextUser(userId: string): void {
  const context = storage.getStore();
  if (context) context.userId = userId;
}

/** Express: a correlation id per request (req.id), echoed as X-Request-Id; the request runs in its context. */
export const requestContext: RequestHandler = (req, res, next) => {
  const requestId = correlationId(req.headers['x-request-id']);
  (req as { id?: string }).id = requestId;
  res.setHeader(REQUEST_ID_HEADER, requestId);
  runInContext({ requestId }, next);
};
