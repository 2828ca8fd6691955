import type { RequestHandler } from 'express';
import { errors } from '../../shared/errors.js';

/** Same-origin (the page was served by this host) or on the allowlist; a request without Origin is not a browser's. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true; // not a browser: no ambient cookie to abuse
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery, refused by the server rather than left to SameSite alone: an unsafe
 * request without a Bearer token (so one the browser may have sent with its cookie, login included)
 * is refused with 403 when its Origin is neither Parley's own nor in CORS_ORIGINS, or when the
 * browser says it is cross-site (Sec-Fetch-Site). Token-authenticated requests carry no ambient
 * credential and pass.
 */
export function refuseCrossSiteRequests(allowedOrigins: string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization !== undefined) return next();
    const crossSite =
      req.headers['sec-fetch-site'] === 'cross-site' || !originAllowed(req.headers.origin, req.headers.host, allowedOrigins);
    if (crossSite) throw errors.forbidden('Cross-site request refused: send it from an allowed origin or with a Bearer token');
    next();
  };
}
