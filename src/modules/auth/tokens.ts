import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { errors } from '../../shared/errors.js';

const ALGORITHM = 'HS256';
const ISSUER = 'parley';

export interface TokenClaims {
  userId: string;
  /** The token's jti: what logout revokes. */
  tokenId: string;
  expiresAt: Date;
}

export interface TokenService {
  issue(userId: string): Promise<string>;
  /** Checks signature, issuer and expiry; throws unauthorized otherwise. Revocation is checked by the caller. */
  verify(token: string): Promise<TokenClaims>;
}

export function createTokenService({ secret, ttlSeconds }: { secret: string; ttlSeconds: number }): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(userId) {
      return new SignJWT({})
        .setProtectedHeader({ alg: ALGORITHM })
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER });
        if (!payload.sub || !payload.jti || payload.exp === undefined) throw new Error('missing claims');
        return { userId: payload.sub, tokenId: payload.jti, expiresAt: new Date(payload.exp * 1000) };
      } catch {
        throw errors.unauthorized('Invalid or expired token');
      }
    },
  };
}
