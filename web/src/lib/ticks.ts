import type { ChatMessage } from '../../../src/client/index.js';

export type Tick = 'sent' | 'delivered' | 'read';

/**
 * The tick of each own message of `messages` (history order): read when it is at or before the
 * peer's read watermark, else delivered when at or before the delivered one, else sent. Ids are
 * opaque, so "before" is the position in the loaded list; a watermark not in it is older than
 * everything loaded (or not known yet), and counts for nothing here.
 */
export function ticksOf(
  messages: readonly ChatMessage[],
  me: string,
  peerReadUpTo: string | null | undefined,
  peerDeliveredUpTo: string | null | undefined,
): Map<string, Tick> {
  const position = (id: string | null | undefined) => (id ? messages.findIndex((message) => message.id === id) : -1);
  const read = position(peerReadUpTo);
  const delivered = Math.max(position(peerDeliveredUpTo), read);
  const ticks = new Map<string, Tick>();
  messages.forEach((message, index) => {
    if (message.senderId !== me) return;
    ticks.set(message.id, index <= read ? 'read' : index <= delivered ? 'delivered' : 'sent');
  });
  return ticks;
}
