import { useState } from 'preact/hooks';
import type { ChatMessage } from '../../../src/client/index.js';
import { fullTime, shortTime } from '../lib/format.js';
import type { Tick } from '../lib/ticks.js';
import { Ticks } from './ticks.js';

interface Props {
  message: ChatMessage;
  own: boolean;
  tick: Tick | undefined;
  editing: boolean;
  onEdit(message: ChatMessage): void;
  onDelete(message: ChatMessage): void;
}

/** One message: its text (always as text), time, "edited", ticks, and for one's own, edit and delete. */
export function MessageItem({ message, own, tick, editing, onEdit, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const deleted = message.deletedAt !== undefined;
  const classes = ['message', own ? 'own' : 'theirs', editing ? 'editing' : ''].filter(Boolean).join(' ');
  return (
    <li class={classes} data-testid="message" data-id={message.id} data-own={String(own)} data-deleted={String(deleted)}>
      <div class="bubble">
        <p class={deleted ? 'text deleted' : 'text'} data-testid="message-text">
          {deleted ? 'message deleted' : message.message}
        </p>
        <div class="meta">
          <time dateTime={message.createdAt} title={fullTime(message.createdAt)}>
            {shortTime(message.createdAt)}
          </time>
          {message.editedAt && !deleted && <span data-testid="edited"> · edited</span>}
          {own && tick && <Ticks tick={tick} />}
        </div>
      </div>
      {own && !deleted && (
        <div class={confirming ? 'actions confirming' : 'actions'}>
          {confirming ? (
            <>
              <span class="confirm">Delete for everyone?</span>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  setConfirming(false);
                  onDelete(message);
                }}
              >
                Delete
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <>
              <button type="button" aria-label="Edit message" onClick={() => onEdit(message)}>
                Edit
              </button>
              <button type="button" aria-label="Delete message" onClick={() => setConfirming(true)}>
                Delete
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
