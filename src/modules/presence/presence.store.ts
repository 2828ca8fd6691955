/**
 * Who is online: every socket of every user (tabs and devices all count). Entries of an
 * instance that dies without cleaning up expire once their TTL passes unrefreshed.
 */
export interface PresenceStore {
  add(userId: string, socketId: string): Promise<void>;
  remove(userId: string, socketId: string): Promise<void>;
  isOnline(userId: string): Promise<boolean>;
  /** How many sockets of the user are open, on every instance (entries of a dead instance until they expire). */
  countSockets(userId: string): Promise<number>;
  /** Re-asserts this instance's sockets, pushing their expiry one TTL further. */
  refresh(entries: Iterable<{ userId: string; socketId: string }>): Promise<void>;
}
