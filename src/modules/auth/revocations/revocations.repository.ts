/**
 * Logged-out credentials (token ids and session ids), kept in the store rather than only
 * in Redis so that every instance refuses them, also after Redis restarts. Implemented by
 * every store driver (src/store/*), held to one contract suite.
 */
export interface RevocationRepository {
  revoke(credentialId: string, expiresAt: Date): Promise<void>;
  isRevoked(credentialId: string): Promise<boolean>;
  /**
   * Revokes every credential of the user issued before `before` ("log out everywhere"), until
   * `expiresAt`, when all of them have expired anyway. A later call with a later instant wins.
   */
  revokeAllBefore(userId: string, before: Date, expiresAt: Date): Promise<void>;
  /** The instant before which the user's credentials are revoked, if any. */
  revokedBefore(userId: string): Promise<Date | undefined>;
  /** Forgets revocations (of credentials and of users') that have expired anyway. Returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
