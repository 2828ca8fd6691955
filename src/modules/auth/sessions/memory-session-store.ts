import session from 'express-session';
import { LRUCache } from 'lru-cache';

export interface MemorySessionStoreOptions {
  /** Sessions older than this are dropped, in ms. */
  ttlMs: number;
  /** At most this many sessions are kept; the least recently used goes first. Default 100 000. */
  maxSessions?: number;
}

/**
 * express-session's own MemoryStore never forgets a session; this one is bounded in count
 * and age, so a long-running single process does not grow without end.
 */
export class MemorySessionStore extends session.Store {
  private readonly sessions: LRUCache<string, session.SessionData>;

  constructor({ ttlMs, maxSessions = 100_000 }: MemorySessionStoreOptions) {
    super();
    this.sessions = new LRUCache({ max: maxSessions, ttl: ttlMs, ttlAutopurge: false });
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    callback(null, this.sessions.get(sid) ?? null);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.store(sid, data);
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    callback?.();
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    if (this.sessions.has(sid)) this.store(sid, data);
    callback?.();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Keeps the session as long as its cookie lives; one whose cookie has expired is dropped. */
  private store(sid: string, data: session.SessionData): void {
    const expires = data.cookie?.expires;
    const ttl = expires ? new Date(expires).getTime() - Date.now() : undefined;
    if (ttl !== undefined && ttl <= 0) this.sessions.delete(sid);
    else this.sessions.set(sid, data, { ttl });
  }
}
