import { useEffect } from 'preact/hooks';
import type { ParleyClient } from '../../../src/client/index.js';
import { useObservable } from '../lib/use-observable.js';

/** "(3) Parley" in the tab while messages are unread. */
export function useUnreadTitle(client: ParleyClient): void {
  const unread = useObservable(client.conversations).reduce((sum, conversation) => sum + conversation.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
    return () => {
      document.title = 'Parley';
    };
  }, [unread]);
}
