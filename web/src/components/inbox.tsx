import type { ParleyClient } from '../../../src/client/index.js';
import { useObservable } from '../lib/use-observable.js';
import type { Peer } from './chat-screen.js';
import { InboxItem } from './inbox-item.js';

interface Props {
  client: ParleyClient;
  me: string;
  selected: string | null;
  onOpen(peer: Peer): void;
}

/** The conversations, newest activity first, as the client keeps them current. */
export function Inbox({ client, me, selected, onOpen }: Props) {
  const conversations = useObservable(client.conversations);
  return (
    <nav class="inbox" aria-label="Conversations">
      {conversations.length === 0 ? (
        <p class="muted">No conversations yet. Find someone above to start one.</p>
      ) : (
        <ul>
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <InboxItem conversation={conversation} me={me} selected={conversation.peer.id === selected} onOpen={onOpen} />
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
