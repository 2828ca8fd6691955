import { createCredentialsService, type CredentialsServiceDeps } from './credentials/credentials.service.js';
import { createRevocationService, type RevocationServiceDeps } from './revocations/revocations.service.js';

export type AuthServiceDeps = CredentialsServiceDeps & RevocationServiceDeps;

export type AuthService = ReturnType<typeof createAuthService>;

/** Every auth use case in one place for the routes and socket handlers: credentials and their revocation. */
export function createAuthService(deps: AuthServiceDeps) {
  return { ...createCredentialsService(deps), ...createRevocationService(deps) };
}
