/** "bob is typing…", announced politely; the line keeps its height so nothing jumps. */
export function TypingIndicator({ name, typing }: { name: string; typing: boolean }) {
  return (
    <div class="typing" aria-live="polite">
      {typing && <span data-testid="typing-indicator">{name} is typing…</span>}
    </div>
  );
}
