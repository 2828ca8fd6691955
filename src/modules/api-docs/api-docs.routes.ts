import fs from 'node:fs';
import { Router } from 'express';
import helmet from 'helmet';
import { buildAsyncApiDocument } from './asyncapi.js';
import { DOCS_STYLESHEET, renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument } from './openapi.js';

/** The page is markup and one stylesheet of Parley's own: nothing else may load or run. */
const DOCS_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  styleSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/** package.json's version (two levels above this folder in src/ and in dist/ alike), or "unknown". */
function packageVersion(): string {
  try {
    const { version } = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * GET /openapi.json, /asyncapi.json, /docs (and /docs/style.css): the API documents, generated once,
 * here at start-up, from the zod schemas the routes and socket handlers validate with. Public, no
 * session needed. A schema that cannot be documented stops start-up (and fails the tests).
 */
export function apiDocsRoutes({ version = packageVersion() }: { version?: string } = {}): Router {
  const openapi = buildOpenApiDocument({ version });
  const asyncapi = buildAsyncApiDocument({ version });
  const openapiJson = JSON.stringify(openapi);
  const asyncapiJson = JSON.stringify(asyncapi);
  const page = renderDocsPage(openapi, asyncapi);

  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapiJson);
  });
  router.get('/asyncapi.json', (_req, res) => {
    res.type('application/json').send(asyncapiJson);
  });
  router.get('/docs', helmet.contentSecurityPolicy({ useDefaults: false, directives: DOCS_CSP_DIRECTIVES }), (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/style.css', (_req, res) => {
    res.type('css').send(DOCS_STYLESHEET);
  });
  return router;
}
