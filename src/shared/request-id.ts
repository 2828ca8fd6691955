import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is trusted only when it looks like an id, so logs cannot be forged through it.
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new one; echoed on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, requestId);
  return requestId;
}
