import { LRUCache } from 'lru-cache';
import { errors } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { AuthEvents } from '../auth-events.js';
import type { UserRepository } from '../../users/index.js';
import type { TokenService } from '../tokens/tokens.js';
import type { RevocationRepository } from './revocations.repository.js';

export interface RevocationServiceDeps {
  revocations: RevocationRepository;
  users: UserRepository;
  tokens: TokenService;
  /** Session lifetime, so a revoked session id is remembered as long as its cookie could live. */
  sessionTtlSeconds: number;
  events: AuthEvents;
}

const tokenRevocationKey = (tokenId: string) => `token:${tokenId}`;
const sessionRevocationKey = (sessionId: string) => `session:${sessionId}`;

/**
 * Whether issued credentials still hold: a token verifies and was not logged out, a session
 * was not logged out, and either belongs to a user who exists. Logout revokes exactly the
 * credentials it was called with.
 */
export function createRevocationService({ revocations, users, tokens, sessionTtlSeconds, events }: RevocationServiceDeps) {
  // Users are never deleted today, so one seen once is remembered; a credential of a user that is
  // not (or no longer) in this store is refused everywhere, not only by /auth/me.
  const knownUsers = new LRUCache<string, true>({ max: 100_000 });

  async function userExists(userId: string): Promise<boolean> {
    if (knownUsers.has(userId)) return true;
    if (!(await users.findById(userId))) return false;
    knownUsers.set(userId, true);
    return true;
  }

  async function authenticateToken(token: string): Promise<Identity> {
    const claims = await tokens.verify(token);
    if (await revocations.isRevoked(tokenRevocationKey(claims.tokenId))) throw errors.unauthorized('Token has been revoked');
    if (!(await userExists(claims.userId))) throw errors.unauthorized('User no longer exists');
    return { userId: claims.userId, token: claims };
  }

  /** A session is valid while its store holds it and no logout revoked it (kept in the store). */
  async function authenticateSession(sessionId: string, userId: string): Promise<Identity> {
    if (await revocations.isRevoked(sessionRevocationKey(sessionId))) throw errors.unauthorized('Session has ended');
    if (!(await userExists(userId))) throw errors.unauthorized('User no longer exists');
    return { userId, sessionId };
  }

  /** Whether credentials accepted earlier still hold: not expired, not logged out since. */
  async function isStillValid(identity: Identity, now = new Date()): Promise<boolean> {
    if (identity.token) {
      if (identity.token.expiresAt <= now) return false;
      if (await revocations.isRevoked(tokenRevocationKey(identity.token.tokenId))) return false;
    }
    if (identity.sessionId && (await revocations.isRevoked(sessionRevocationKey(identity.sessionId)))) return false;
    return userExists(identity.userId);
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

  return { authenticateToken, authenticateSession, isStillValid, logout };
}
