import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { errors } from '../../../shared/errors.js';
import type { TokenClaims } from '../../../shared/identity.js';

const ALGORITHM = 'HS256';
const ISSUER = 'parley';
/** Who the token is for: Parley's own API. A token minted for another service with the same key is refused. */
const AUDIENCE = 'parley-api';
/** RFC 9068's type for access tokens: a JWT of another kind signed with the same key is refused. */
const TYPE = 'at+jwt';

/** The latest instant a Date can hold, in seconds: a later `exp` would be an invalid Date. */
const MAX_SECONDS = 8.64e12;

/**
 * The claims Parley reads, checked for their types after the signature: a token signed with the
 * right key but shaped otherwise (an array or an object as `sub`, an `exp` past any date) is
 * refused like a forged one, never half-used.
 */
const claimsSchema = z.object({
  sub: z.string().min(1).max(64),
  jti: z.string().min(1).max(128),
  iat: z.number().int().min(0).max(MAX_SECONDS),
  exp: z.number().int().min(0).max(MAX_SECONDS),
  sid: z.string().min(1).max(128).optional(),
});

export interface TokenService {
  /**
   * A token for the user; `sessionId` ties it to the session started by the same login. `issuedAt`
   * (default now) is its `iat`, which "log out everywhere" compares; it expires ttlSeconds from now.
   */
  issue(userId: string, sessionId?: string, issuedAt?: Date): Promise<string>;
  /** Checks signature, issuer and expiry; throws unauthorized otherwise. Revocation is checked by the caller. */
  verify(token: string): Promise<TokenClaims>;
}

/** Distinct tokens whose signature check is remembered (a few hundred bytes each). */
const VERIFIED_TOKENS_CACHED = 10_000;

export function createTokenService({ secret, ttlSeconds }: { secret: string; ttlSeconds: number }): TokenService {
  const key = new TextEncoder().encode(secret);
  // A signature check goes through WebCrypto (an async job, ~100 µs of main-thread CPU); a token
  // that verified once stays valid until it expires, so each distinct token is checked once.
  // Expiry is checked on every use; revocation is the caller's, on every use too.
  const verified = new LRUCache<string, TokenClaims>({ max: VERIFIED_TOKENS_CACHED });
  return {
    async issue(userId, sessionId, issuedAt) {
      return new SignJWT(sessionId === undefined ? {} : { sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: TYPE })
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt.getTime() > Date.now()) return known;
        verified.delete(token);
        throw errors.unauthorized('Invalid or expired token');
      }
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, typ: TYPE });
        const { sub, jti, iat, exp, sid } = claimsSchema.parse(payload);
        const claims: TokenClaims = { userId: sub, tokenId: jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
        if (sid !== undefined) claims.sessionId = sid;
        verified.set(token, claims);
        return claims;
      } catch {
        throw errors.unauthorized('Invalid or expired token');
      }
    },
  };
}
