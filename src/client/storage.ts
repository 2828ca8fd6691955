import type { CursorStorage } from './types.js';

/** Keeps the cursor for the life of the process (the default). */
export function memoryStorage(): CursorStorage {
  const values = new Map<string, string>();
  return { get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value), remove: (key) => void values.delete(key) };
}

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The browser's localStorage (memory where there is none, or it throws: private mode, quotas).
 * Only the sync cursor goes there: it is no secret, it names a position in the user's own feed.
 */
export function browserStorage(): CursorStorage {
  const web = (globalThis as { localStorage?: WebStorage }).localStorage;
  const fallback = memoryStorage();
  if (!web) return fallback;
  return {
    get: (key) => {
      try {
        return web.getItem(key);
      } catch {
        return fallback.get(key);
      }
    },
    set: (key, value) => {
      try {
        web.setItem(key, value);
      } catch {
        void fallback.set(key, value);
      }
    },
    remove: (key) => {
      void fallback.remove(key);
      try {
        web.removeItem(key);
      } catch {
        // Nothing stored there to forget.
      }
    },
  };
}
