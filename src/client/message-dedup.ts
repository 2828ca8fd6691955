import type { ChatMessage } from '../protocol/events.js';
import type { MessageChange } from './types.js';

/** How far along its life a version of a message is: created < each edit (by editedAt) < deleted. */
function versionOf(message: ChatMessage): string {
  if (message.deletedAt) return `2:${message.deletedAt}`;
  if (message.editedAt) return `1:${message.editedAt}`;
  return '0:';
}

/**
 * Remembers the version of each message the app has seen, so a message that arrives live and again
 * from sync, or twice from sync after a reconnect, reaches the app once, and an older version never
 * replaces a newer one. Holds the last `capacity` messages: older ones are behind the cursor by then.
 */
export class MessageDedup {
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity = 10_000) {}

  /** 'new' or 'updated' when the app should see this version; null when it has seen it or a later one. */
  admit(message: ChatMessage): MessageChange | null {
    const version = versionOf(message);
    const seen = this.seen.get(message.id);
    if (seen !== undefined && seen >= version) return null;
    this.seen.delete(message.id); // re-inserted last: the map's order is the eviction order
    this.seen.set(message.id, version);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return seen === undefined ? 'new' : 'updated';
  }
}
