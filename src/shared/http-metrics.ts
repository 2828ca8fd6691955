import type { Request, RequestHandler } from 'express';
import { secondsSince, type Metrics } from './metrics.js';

const segments = (path: string) => path.split('/').filter(Boolean);

/**
 * The route template a request matched ("/chats/:userId/send"), never its raw path: an unmatched
 * request (404) is "unmatched", so scanning for paths cannot grow the label set. The mount point is
 * the URL's leading segments before the route's own (once the request has left its router, as an
 * error answer has, Express no longer says where the router was mounted).
 */
function routeOf(req: Request): string {
  const routePath = (req as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof routePath !== 'string') return 'unmatched';
  const own = segments(routePath);
  const url = segments(req.originalUrl.split('?')[0] ?? '');
  return `/${[...url.slice(0, Math.max(0, url.length - own.length)), ...own].join('/')}`;
}

/** Express: times every request into parley_http_request_duration_seconds, and counts rate-limit refusals. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  const rateLimited = metrics.rateLimited.labels('http');
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      metrics.httpRequestDuration.labels(req.method, routeOf(req), String(res.statusCode)).observe(secondsSince(started));
      if (res.locals['errorCode'] === 'rate_limited') rateLimited.inc();
    });
    next();
  };
}
