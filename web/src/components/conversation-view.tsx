import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChatMessage, ParleyClient } from '../../../src/client/index.js';
import { useBlocked } from '../hooks/use-blocked.js';
import { useHistory } from '../hooks/use-history.js';
import { useMarkRead } from '../hooks/use-mark-read.js';
import { usePeer } from '../hooks/use-peer.js';
import { errorText, newClientMsgId } from '../lib/format.js';
import { ticksOf } from '../lib/ticks.js';
import { useObservable } from '../lib/use-observable.js';
import type { Peer } from './chat-screen.js';
import { Composer } from './composer.js';
import { ConversationHeader } from './conversation-header.js';
import { MessageList, type PendingMessage } from './message-list.js';
import { TypingIndicator } from './typing-indicator.js';

interface Props {
  client: ParleyClient;
  me: string;
  peer: Peer;
  onBack(): void;
}

/** One conversation: its header, history and live messages with ticks, the typing line and the composer. */
export function ConversationView({ client, me, peer, onBack }: Props) {
  const conversation = useObservable(client.conversations).find((candidate) => candidate.peer.id === peer.id);
  const history = useHistory(client, me, peer.id);
  const peerUser = usePeer(client, peer.id);
  const block = useBlocked(peer.id);
  const typingIn = useObservable(client.peerTyping);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [editing, setEditing] = useState<ChatMessage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useMarkRead(client, me, history.messages, conversation);

  // Known once the conversation has a message (ids are opaque: never made up here).
  const conversationId = conversation?.id ?? history.messages[0]?.conversationId ?? null;
  useEffect(() => {
    if (conversationId === null) return;
    return () => client.stopTyping(conversationId); // leaving the conversation ends one's typing in it
  }, [client, conversationId]);

  const ticks = useMemo(
    () => ticksOf(history.messages, me, conversation?.peerReadUpTo, conversation?.peerDeliveredUpTo),
    [history.messages, me, conversation?.peerReadUpTo, conversation?.peerDeliveredUpTo],
  );

  const send = (text: string) => {
    const clientMsgId = newClientMsgId();
    setError(null);
    setPending((list) => [...list, { clientMsgId, text }]);
    if (conversationId) client.stopTyping(conversationId);
    client
      .send(peer.id, text, clientMsgId)
      .then(history.add, (thrown) => setError(`Not sent: ${errorText(thrown)}`))
      .finally(() => setPending((list) => list.filter((item) => item.clientMsgId !== clientMsgId)));
  };

  const saveEdit = (message: ChatMessage, text: string) => {
    setEditing(null);
    setError(null);
    if (text === message.message) return;
    client.edit(message.id, text).then(history.add, (thrown) => setError(`Not edited: ${errorText(thrown)}`));
  };

  const remove = (message: ChatMessage) => {
    setError(null);
    if (editing?.id === message.id) setEditing(null);
    client.delete(message.id).then(history.add, (thrown) => setError(`Not deleted: ${errorText(thrown)}`));
  };

  const typing = (isTyping: boolean) => {
    if (conversationId === null) return; // no conversation yet: nothing to type in for the server
    if (isTyping) client.typing(conversationId);
    else client.stopTyping(conversationId);
  };

  const status = peerUser ?? conversation?.peer ?? null;
  return (
    <section class="conversation" aria-label={`Conversation with ${peer.username}`}>
      <ConversationHeader peer={peer} status={status} block={block} onBack={onBack} />
      <MessageList
        history={history}
        me={me}
        peerName={peer.username}
        ticks={ticks}
        pending={pending}
        editingId={editing?.id ?? null}
        onEdit={setEditing}
        onDelete={remove}
      />
      <TypingIndicator name={peer.username} typing={conversationId !== null && typingIn.has(conversationId)} />
      {error && (
        <p class="error composer-error" role="alert">
          {error}
        </p>
      )}
      <Composer
        editing={editing}
        onSend={send}
        onSaveEdit={saveEdit}
        onCancelEdit={() => setEditing(null)}
        onTyping={typing}
      />
    </section>
  );
}
