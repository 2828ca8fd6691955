export { authRoutes } from './auth.routes.js';
export { createAuthService, type AuthService, type Identity } from './auth.service.js';
export { authenticate, identityOf } from './authenticate.js';
export { createAuthRateLimit } from './auth-rate-limit.js';
export { createSessionMiddleware, createSessionStore, SESSION_COOKIE } from './session.js';
export { createTokenService } from './tokens.js';
export { usernameSchema } from './auth.schemas.js';
