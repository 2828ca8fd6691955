import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatMessage } from '../../../src/client/index.js';
import type { History } from '../hooks/use-history.js';
import type { Tick } from '../lib/ticks.js';
import { MessageItem } from './message-item.js';
import { Ticks } from './ticks.js';

/** A message on its way: shown at once, until the server has stored it. */
export interface PendingMessage {
  clientMsgId: string;
  text: string;
}

interface Props {
  history: History;
  me: string;
  peerName: string;
  ticks: Map<string, Tick>;
  pending: readonly PendingMessage[];
  editingId: string | null;
  onEdit(message: ChatMessage): void;
  onDelete(message: ChatMessage): void;
}

/** Within this many pixels of an edge counts as at it. */
const EDGE_PX = 80;

/**
 * The messages, oldest first. Opens at the bottom and stays there as messages come while the
 * reader is at the bottom; scrolling to the top loads the older page, keeping the view in place.
 */
export function MessageList({ history, me, peerName, ticks, pending, editingId, onEdit, onDelete }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const last = useRef<{ first: string | undefined; height: number; top: number; pending: number } | null>(null);
  const { messages, hasOlder, loadingOlder } = history;
  const stored = new Set(messages.map((message) => message.clientMsgId));
  const waiting = pending.filter((item) => !stored.has(item.clientMsgId));

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = last.current;
    const first = messages[0]?.id;
    if (before && before.first !== undefined && first !== before.first && messages.length > 0) {
      element.scrollTop = before.top + (element.scrollHeight - before.height); // an older page came in above
    } else if (atBottom.current || waiting.length > (before?.pending ?? 0)) {
      element.scrollTop = element.scrollHeight;
      atBottom.current = true;
    }
    last.current = { first, height: element.scrollHeight, top: element.scrollTop, pending: waiting.length };
    // Too few to scroll: there is no top to scroll to, so the older page comes now.
    if (hasOlder && !loadingOlder && element.scrollHeight <= element.clientHeight) history.loadOlder();
  });

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX;
    if (last.current) last.current.top = element.scrollTop;
    if (element.scrollTop < EDGE_PX && hasOlder && !loadingOlder) history.loadOlder();
  };

  return (
    <div class="messages" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label={`Messages with ${peerName}`}>
      {hasOlder && (
        <button type="button" class="older" disabled={loadingOlder} onClick={() => history.loadOlder(true)}>
          {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
        </button>
      )}
      {history.status === 'loading' && <p class="muted center">Loading messages…</p>}
      {history.error && (
        <p class="error" role="alert">
          {history.error}
        </p>
      )}
      {history.status === 'ready' && messages.length === 0 && waiting.length === 0 && <p class="muted center">No messages yet. Say hello!</p>}
      <ol class="message-list" data-testid="message-list" aria-label="Messages">
        {messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            own={message.senderId === me}
            tick={ticks.get(message.id)}
            editing={message.id === editingId}
            onEdit={onEdit}
            onDelete={onDelete}
          />
        ))}
        {waiting.map((item) => (
          <li key={item.clientMsgId} class="message own pending" data-testid="pending-message">
            <div class="bubble">
              <p class="text">{item.text}</p>
              <div class="meta">
                <Ticks tick="sending" />
              </div>
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
