import cors from 'cors';
import express, { type Express, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Container } from './container.js';
import { apiDocsRoutes } from './modules/api-docs/index.js';
import { authenticate, authRoutes, refuseCrossSiteRequests, whenCookieSent } from './modules/auth/index.js';
import { chatsRoutes, conversationsRoutes, messagesRoutes, syncRoutes } from './modules/chats/index.js';
import { healthRoutes, metricsRoutes } from './modules/health/index.js';
import { usersRoutes } from './modules/users/index.js';
import { webRoutes } from './modules/web/index.js';
import { errorHandler, notFoundHandler } from './shared/http-errors.js';
import { httpMetrics } from './shared/http-metrics.js';
import { boundToRequest } from './shared/logger.js';
import { redactUrl } from './shared/redact-url.js';
import { requestContext } from './shared/request-context.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * body-parser would decode invalid UTF-8 as U+FFFD: the text stored would not be the one sent,
 * and two different passwords would be one. Refused instead (400 invalid_json).
 */
function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding)) utf8.decode(body);
}

/** Builds the Express app. It never listens: server.ts does. */
export function createApp(container: Container): Express {
  const { config, logger } = container;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  // Every request timed by route template and status, whatever answers it (METRICS=on).
  if (container.metrics) app.use(httpMetrics(container.metrics));
  // A correlation id per request (X-Request-Id); the request's own lines (req.log) carry it and, once
  // known, the user's id; services and stores called for it get them from the request context.
  app.use(requestContext);
  app.use(
    pinoHttp({
      logger: boundToRequest(logger.child({ component: 'http' })),
      genReqId: (req) => String(req.id),
      // req.log binds only requestId (and authenticate adds userId); the completion line adds the
      // request and, once known, the user.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customProps: (req) => {
        const identity = (req as Request).identity;
        return identity ? { userId: identity.userId } : {};
      },
      customLogLevel: (_req, res, error) => {
        if ((res as Response).locals['errorCode'] === 'overloaded') return 'debug'; // summarised by the load shedder
        return error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      },
      serializers: {
        req: (req: { method: string; url: string; remoteAddress?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
    }),
  );
  app.use(helmet());
  // Answers hold private data (messages, who is online): no cache, shared or the browser's, keeps them.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(cors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, credentials: true }));
  app.use(express.json({ limit: config.bodyLimit, verify: refuseInvalidUtf8 }));
  // Health first: it needs no session, and answers even while the session store is away.
  app.use('/health', healthRoutes({ health: container.health }));
  // Prometheus scrapes without a session; METRICS_TOKEN, when set, guards it.
  if (container.metrics) app.use('/metrics', metricsRoutes({ registry: container.metrics.registry, token: config.metricsToken }));
  // The web app (GET / and its hashed assets), when built: static files, no session needed.
  const web = webRoutes({ webDir: config.webDir });
  if (web) app.use(web);
  app.use(apiDocsRoutes()); // GET /openapi.json, /asyncapi.json, /docs: generated at start-up, public, no session
  // Only /auth creates sessions (login); elsewhere only a request with a cookie has one to load.
  app.use('/auth', container.sessionMiddleware);
  app.use(whenCookieSent(container.sessionMiddleware));
  app.use(refuseCrossSiteRequests(config.corsOrigins));

  const authenticated = authenticate(container.auth);
  app.use('/auth', authRoutes({ auth: container.auth, rateLimit: container.authRateLimit, secureCookie: config.isProduction }));
  app.use('/users', usersRoutes({ users: container.users, authenticated }));
  app.use('/chats', chatsRoutes({ chats: container.chats, authenticated }));
  app.use('/sync', syncRoutes({ chats: container.chats, authenticated }));
  app.use('/messages', messagesRoutes({ changes: container.messageChanges, authenticated }));
  app.use('/conversations', conversationsRoutes({ conversations: container.conversations, authenticated }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
