import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The web app's Content-Security-Policy: Parley's own script and style files and nothing else. No
 * inline script or style, no eval, no plugin, no frame, no foreign connection (the WebSocket is
 * same-origin, which 'self' covers), no string reaching an HTML sink (Trusted Types, with no policy
 * allowed). No upgrade-insecure-requests: it would break http://localhost.
 */
export const WEB_APP_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  requireTrustedTypesFor: ["'script'"],
  trustedTypes: ["'none'"],
};

/** Content-hashed file names never change content: a year, and no revalidation. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app of `webDir` (`npm run build` makes dist/web): `GET /` is its index.html
 * (revalidated on every load, so a new release is picked up), `/assets/*` its content-hashed
 * bundles. Only these two: every other path stays the API's (an unknown one a JSON 404). Returns
 * undefined when there is no app to serve (no webDir, or no index.html in it).
 */
export function webRoutes({ webDir }: { webDir: string | null }): Router | undefined {
  if (webDir === null) return undefined;
  const indexFile = path.join(webDir, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;

  const router = Router();
  const csp = helmet.contentSecurityPolicy({ useDefaults: false, directives: WEB_APP_CSP_DIRECTIVES });
  const sendIndex: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile, { cacheControl: false }, (error) => {
      if (error) next(error);
    });
  };
  router.get('/', csp, sendIndex);
  router.use(
    '/assets',
    express.static(path.join(webDir, 'assets'), {
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE),
    }),
  );
  return router;
}
