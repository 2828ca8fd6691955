import type { ChatMessage, Conversation, PresenceEvent, ReceiptEvent } from '../protocol/events.js';
import { ObservableValue } from './observable.js';
import type { MessageChange } from './types.js';

function newestFirst(a: Conversation, b: Conversation): number {
  return a.lastMessage.createdAt < b.lastMessage.createdAt ? 1 : a.lastMessage.createdAt > b.lastMessage.createdAt ? -1 : 0;
}

/**
 * The inbox as the client knows it: loaded from GET /conversations, then kept current by messages,
 * receipts and presence. `fetchOne` loads a conversation the client has not seen yet (a new peer),
 * or one whose count it cannot work out from events alone.
 */
export class ConversationState {
  readonly list = new ObservableValue<readonly Conversation[]>([]);
  private readonly byId = new Map<string, Conversation>();
  private readonly loading = new Set<string>();

  constructor(
    private readonly me: () => string | null,
    private readonly fetchOne: (conversationId: string) => Promise<Conversation>,
    private readonly onError: (thrown: unknown) => void,
  ) {}

  get(conversationId: string): Conversation | undefined {
    return this.byId.get(conversationId);
  }

  /** Replaces everything with what the server answered (after every catch-up). */
  reset(conversations: readonly Conversation[]): void {
    this.byId.clear();
    for (const conversation of conversations) this.byId.set(conversation.id, conversation);
    this.publish();
  }

  put(conversation: Conversation): void {
    this.byId.set(conversation.id, conversation);
    this.publish();
  }

  message(message: ChatMessage, change: MessageChange): void {
    const conversation = this.byId.get(message.conversationId);
    if (!conversation) return this.load(message.conversationId);
    if (change === 'updated') {
      if (conversation.lastMessage.id === message.id) this.put({ ...conversation, lastMessage: message });
      return;
    }
    // Already the last message: the server's answer counted it (a live copy after a reload).
    if (conversation.lastMessage.id === message.id || message.createdAt < conversation.lastMessage.createdAt) return;
    const fromPeer = message.senderId !== this.me();
    this.put({ ...conversation, lastMessage: message, unreadCount: conversation.unreadCount + (fromPeer ? 1 : 0) });
  }

  receipt(event: ReceiptEvent): void {
    const conversation = this.byId.get(event.conversationId);
    if (!conversation) return;
    if (event.userId !== this.me()) {
      const field = event.type === 'read' ? 'peerReadUpTo' : 'peerDeliveredUpTo';
      this.put({ ...conversation, [field]: event.upTo });
      return;
    }
    if (event.type !== 'read' || conversation.readUpTo === event.upTo) return;
    // Read on another device: the count is exact only from the server, unless everything was read.
    if (conversation.lastMessage.id === event.upTo) this.put({ ...conversation, readUpTo: event.upTo, unreadCount: 0 });
    else this.load(event.conversationId);
  }

  presence({ userId, online, lastSeenAt }: PresenceEvent): void {
    for (const conversation of this.byId.values()) {
      if (conversation.peer.id === userId) this.byId.set(conversation.id, { ...conversation, peer: { ...conversation.peer, online, lastSeenAt } });
    }
    this.publish();
  }

  private load(conversationId: string): void {
    if (this.loading.has(conversationId)) return;
    this.loading.add(conversationId);
    this.fetchOne(conversationId)
      .then((conversation) => this.put(conversation))
      .catch(this.onError)
      .finally(() => this.loading.delete(conversationId));
  }

  private publish(): void {
    this.list.set([...this.byId.values()].sort(newestFirst));
  }
}
