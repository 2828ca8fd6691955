import { useEffect, useRef } from 'preact/hooks';
import type { ChatMessage, Conversation, ParleyClient } from '../../../src/client/index.js';
import { usePageVisible } from './use-page-visible.js';

/** While the conversation is open and the page visible, marks it read up to the peer's newest message. */
export function useMarkRead(client: ParleyClient, me: string, messages: readonly ChatMessage[], conversation: Conversation | undefined): void {
  const visible = usePageVisible();
  const marked = useRef<string | null>(null);
  const newest = messages.findLast((message) => message.senderId !== me);
  const readUpTo = conversation?.readUpTo ?? null;

  useEffect(() => {
    if (!visible || !newest || newest.id === readUpTo || newest.id === marked.current) return;
    const upTo = newest.id;
    marked.current = upTo;
    client.markRead(newest.conversationId, upTo).catch(() => {
      if (marked.current === upTo) marked.current = null; // tried again on the next change
    });
  }, [client, visible, newest?.id, readUpTo]);
}
