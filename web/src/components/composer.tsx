import type { TargetedKeyboardEvent, TargetedSubmitEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../src/client/index.js';

interface Props {
  /** The own message being edited, or null for a new one. */
  editing: ChatMessage | null;
  onSend(text: string): void;
  onSaveEdit(message: ChatMessage, text: string): void;
  onCancelEdit(): void;
  /** true on each keystroke with text in the box, false once it is empty. */
  onTyping(typing: boolean): void;
}

/** The message box: Enter sends (Shift+Enter is a new line); while editing, Enter saves and Escape cancels. */
export function Composer({ editing, onSend, onSaveEdit, onCancelEdit, onTyping }: Props) {
  const [text, setText] = useState('');
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    // Editing takes the box over; the draft comes back afterwards.
    if (editing) {
      setDraft(text);
      setText(editing.message);
    } else setText(draft);
    input.current?.focus();
  }, [editing?.id]);

  const submit = (event?: TargetedSubmitEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (text.trim() === '') return;
    if (editing) onSaveEdit(editing, text);
    else {
      onSend(text);
      setText('');
    }
  };

  const onKeyDown = (event: TargetedKeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && editing) {
      event.preventDefault();
      onCancelEdit();
    }
  };

  return (
    <form class="composer" onSubmit={submit}>
      {editing && (
        <p class="editing-note">
          Editing message{' '}
          <button type="button" class="link" onClick={onCancelEdit}>
            Cancel
          </button>
        </p>
      )}
      <label for="composer-input" class="sr-only">
        Message
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={1}
        placeholder={editing ? 'Edit your message' : 'Write a message'}
        value={text}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          if (!editing) onTyping(value !== '');
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="primary" disabled={text.trim() === ''}>
        {editing ? 'Save' : 'Send'}
      </button>
    </form>
  );
}
