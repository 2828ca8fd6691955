/**
 * Logged-out credentials (token ids and session ids), kept in the store rather than only
 * in Redis so that every instance refuses them, also after Redis restarts. Implemented by
 * every store driver (src/store/*), held to one contract suite.
 */
export interface RevocationRepository {
  revoke(credentialId: string, expiresAt: Date): Promise<void>;
  isRevoked(credentialId: string): Promise<boolean>;
  /** Forgets revocations of credentials that have expired anyway. Returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
