/**
 * Delivered marks, gathered: messages that arrive together (a sync page, a burst) produce one
 * mark_delivered per conversation, for the last of them, `delayMs` after the first.
 */
export class DeliveredMarks {
  private readonly pending = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly mark: (conversationId: string, upTo: string) => Promise<void>,
  ) {}

  add(conversationId: string, messageId: string): void {
    this.pending.delete(conversationId); // re-inserted: marks go out in the order conversations last moved
    this.pending.set(conversationId, messageId);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const marks = [...this.pending];
    this.pending.clear();
    for (const [conversationId, upTo] of marks) void this.mark(conversationId, upTo);
  }
}
