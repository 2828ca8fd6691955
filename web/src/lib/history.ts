import type { ChatMessage } from '../../../src/client/index.js';

// Ids are opaque: messages are kept in the server's history order and compared by position only.

/** Of two versions of one message, the later: a deletion is final, else the later edit. */
export function newerVersion(a: ChatMessage, b: ChatMessage): ChatMessage {
  if (a.deletedAt) return a;
  if (b.deletedAt) return b;
  return (b.editedAt ?? '') >= (a.editedAt ?? '') ? b : a;
}

/**
 * The newest history page `page` (fetched again, e.g. after a reconnect) merged into the loaded
 * `list`: everything from the page's oldest message on is the page's (current versions, right
 * order, the later of its version and one that arrived meanwhile), older loaded messages stay,
 * and the new messages of `arrivedMeanwhile` (live while the page was on its way) that it does not
 * hold follow: they are newer than it. `gap` is true when the page does not reach the loaded
 * messages (more came than one page holds): the list is then the page alone, paged from scratch.
 */
export function mergeNewestPage(
  list: readonly ChatMessage[],
  page: readonly ChatMessage[],
  arrivedMeanwhile: readonly { message: ChatMessage; isNew: boolean }[],
): { messages: ChatMessage[]; gap: boolean } {
  const first = page[0];
  const start = first ? list.findIndex((message) => message.id === first.id) : list.length;
  const gap = first !== undefined && start < 0;
  const inPage = new Set(page.map((message) => message.id));
  const latest = new Map(arrivedMeanwhile.map(({ message }) => [message.id, message]));
  const older = gap ? [] : list.slice(0, start);
  const current = page.map((message) => {
    const seen = latest.get(message.id);
    return seen ? newerVersion(message, seen) : message;
  });
  const newer = arrivedMeanwhile.filter(({ message, isNew }) => isNew && !inPage.has(message.id)).map(({ message }) => message);
  return { messages: [...older, ...current, ...newer], gap };
}

/** Adds a message that is new to the list at its end, or shows its later version. */
export function upsert(list: readonly ChatMessage[], message: ChatMessage, appendIfNew: boolean): readonly ChatMessage[] {
  const index = list.findIndex((shown) => shown.id === message.id);
  if (index >= 0) return list.map((shown, at) => (at === index ? newerVersion(shown, message) : shown));
  return appendIfNew ? [...list, message] : list;
}

/** Whether a message belongs to the conversation of `me` and `peerId`. */
export function between(message: ChatMessage, me: string, peerId: string): boolean {
  return (message.senderId === me && message.receiverId === peerId) || (message.senderId === peerId && message.receiverId === me);
}
