/** What a verified token says. */
export interface TokenClaims {
  userId: string;
  /** The token's jti: what logout revokes. */
  tokenId: string;
  expiresAt: Date;
}

/**
 * Who a request or socket acts as, and with which credentials: logout ends exactly these,
 * and an open socket lives only as long as they hold.
 */
export interface Identity {
  userId: string;
  token?: TokenClaims;
  sessionId?: string;
}
