import type { PublicUser } from '../../../src/client/index.js';
import type { BlockState } from '../hooks/use-blocked.js';
import { presenceText } from '../lib/format.js';
import type { Peer } from './chat-screen.js';
import { PresenceDot } from './presence-dot.js';

interface Props {
  peer: Peer;
  status: Pick<PublicUser, 'online' | 'lastSeenAt'> | null;
  block: BlockState;
  onBack(): void;
}

/** The peer's name, online dot or last seen, and the block switch. */
export function ConversationHeader({ peer, status, block, onBack }: Props) {
  return (
    <header class="conversation-header">
      <button type="button" class="back" aria-label="Back to conversations" onClick={onBack}>
        ←
      </button>
      <div class="peer">
        <h2>{peer.username}</h2>
        {status && (
          <p class="peer-status" data-testid="peer-status">
            <PresenceDot online={status.online} />
            {presenceText(status.online, status.lastSeenAt)}
          </p>
        )}
      </div>
      {block.blocked !== null && (
        <button type="button" class="block" disabled={block.busy} onClick={block.toggle}>
          {block.blocked ? `Unblock ${peer.username}` : `Block ${peer.username}`}
        </button>
      )}
      {block.error && (
        <p class="error" role="alert">
          {block.error}
        </p>
      )}
    </header>
  );
}
