/**
 * Who is online: every socket of every user (tabs and devices all count). Entries of an
 * instance that dies without cleaning up expire once their TTL passes unrefreshed.
 *
 * Beside the sockets, the store keeps whether each user has been announced online to their
 * contacts, and decides the transitions atomically, so that across instances a user goes online
 * once (first socket) and offline once (no socket left after the grace, or entries expired):
 * `add` answers true for the one call that must announce online, `settleOffline` and `sweep`
 * answer each offline transition to exactly one caller.
 */
export interface PresenceStore {
  /** Records the socket; true when the user was not announced online (this call announces it and must tell the contacts). */
  add(userId: string, socketId: string): Promise<boolean>;
  /**
   * Drops the socket; answers how many live sockets the user has left, on every instance. At 0 the
   * caller checks again after the grace (`settleOffline`).
   */
  remove(userId: string, socketId: string): Promise<number>;
  /**
   * After the grace: when the user has no live socket and is announced online, clears the
   * announcement and answers true (the caller tells the contacts); else false. Of concurrent
   * callers, at most one gets true.
   */
  settleOffline(userId: string): Promise<boolean>;
  isOnline(userId: string): Promise<boolean>;
  /** How many sockets of the user are open, on every instance (entries of a dead instance until they expire). */
  countSockets(userId: string): Promise<number>;
  /** Re-asserts this instance's sockets, pushing their expiry one TTL further. */
  refresh(entries: Iterable<{ userId: string; socketId: string }>): Promise<void>;
  /**
   * Users announced online whose every entry expired (their instance died) at least the grace
   * ago: each is un-announced and answered once, across instances, with when they were last
   * known connected.
   */
  sweep(): Promise<{ userId: string; lastSeenAt: Date }[]>;
}
