import type { Conversation } from '../../../src/client/index.js';
import { shortTime } from '../lib/format.js';
import type { Peer } from './chat-screen.js';
import { PresenceDot } from './presence-dot.js';

interface Props {
  conversation: Conversation;
  me: string;
  selected: boolean;
  onOpen(peer: Peer): void;
}

/** One inbox row: the peer and their dot, the last message, the unread count. */
export function InboxItem({ conversation, me, selected, onOpen }: Props) {
  const { peer, lastMessage, unreadCount } = conversation;
  const text = lastMessage.deletedAt ? 'message deleted' : lastMessage.message;
  return (
    <button
      type="button"
      class="inbox-item"
      aria-current={selected ? 'true' : undefined}
      data-testid="inbox-item"
      data-peer={peer.username}
      onClick={() => onOpen({ id: peer.id, username: peer.username })}
    >
      <PresenceDot online={peer.online} />
      <span class="inbox-name">{peer.username}</span>
      <time class="inbox-time" dateTime={lastMessage.createdAt}>
        {shortTime(lastMessage.createdAt)}
      </time>
      <span class={lastMessage.deletedAt ? 'inbox-preview deleted' : 'inbox-preview'}>
        {lastMessage.senderId === me && <span class="muted">You: </span>}
        {text}
      </span>
      {unreadCount > 0 && (
        <span class="badge" data-testid="unread-badge">
          {unreadCount}
          <span class="sr-only"> unread</span>
        </span>
      )}
    </button>
  );
}
