import { errors } from '../../shared/errors.js';
import type { AuthEvents } from './auth-events.js';
import type { User, UserRepository } from '../users/user.js';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';
import type { RevocationRepository } from './revocation.js';
import type { Credentials } from './auth.schemas.js';
import type { TokenClaims, TokenService } from './tokens.js';

export interface AuthResult {
  user: User;
  token: string;
}

/** The credentials a request was authenticated with; logout ends exactly these. */
export interface Identity {
  userId: string;
  token?: TokenClaims;
  sessionId?: string;
}

export interface AuthServiceDeps {
  users: UserRepository;
  revocations: RevocationRepository;
  tokens: TokenService;
  /** Session lifetime, so a revoked session id is remembered as long as its cookie could live. */
  sessionTtlSeconds: number;
  events: AuthEvents;
}

const tokenRevocationKey = (tokenId: string) => `token:${tokenId}`;
const sessionRevocationKey = (sessionId: string) => `session:${sessionId}`;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService({ users, revocations, tokens, sessionTtlSeconds, events }: AuthServiceDeps) {
  async function register({ username, password }: Credentials): Promise<AuthResult> {
    const passwordHash = await hashPassword(password);
    const user = await users.create({ username, passwordHash, createdAt: new Date() });
    return { user, token: await tokens.issue(user.id) };
  }

  async function login({ username, password }: Credentials): Promise<AuthResult> {
    const found = await users.findByUsernameWithPasswordHash(username);
    const valid = found ? await verifyPassword(found.passwordHash, password) : await verifyAgainstDecoy(password);
    if (!found || !valid) throw errors.invalidCredentials();
    const { passwordHash: _passwordHash, ...user } = found;
    return { user, token: await tokens.issue(user.id) };
  }

  async function authenticateToken(token: string): Promise<Identity> {
    const claims = await tokens.verify(token);
    if (await revocations.isRevoked(tokenRevocationKey(claims.tokenId))) throw errors.unauthorized('Token has been revoked');
    return { userId: claims.userId, token: claims };
  }

  /** A session is valid while its store holds it and no logout revoked it (kept in the store). */
  async function authenticateSession(sessionId: string, userId: string): Promise<Identity> {
    if (await revocations.isRevoked(sessionRevocationKey(sessionId))) throw errors.unauthorized('Session has ended');
    return { userId, sessionId };
  }

  /** Whether credentials accepted earlier still hold: not expired, not logged out since. */
  async function isStillValid(identity: Identity, now = new Date()): Promise<boolean> {
    if (identity.token) {
      if (identity.token.expiresAt <= now) return false;
      if (await revocations.isRevoked(tokenRevocationKey(identity.token.tokenId))) return false;
    }
    if (identity.sessionId && (await revocations.isRevoked(sessionRevocationKey(identity.sessionId)))) return false;
    return true;
  }

  async function logout(identity: Identity): Promise<void> {
    const pending: Promise<void>[] = [];
    if (identity.token) pending.push(revocations.revoke(tokenRevocationKey(identity.token.tokenId), identity.token.expiresAt));
    if (identity.sessionId) {
      const expiresAt = new Date(Date.now() + sessionTtlSeconds * 1000);
      pending.push(revocations.revoke(sessionRevocationKey(identity.sessionId), expiresAt));
    }
    await Promise.all(pending);
    events.emit('loggedOut', identity);
  }

  async function currentUser(identity: Identity): Promise<User> {
    const user = await users.findById(identity.userId);
    if (!user) throw errors.unauthorized('User no longer exists');
    return user;
  }

  return { register, login, authenticateToken, authenticateSession, isStillValid, logout, currentUser };
}
