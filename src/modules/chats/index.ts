export { chatsRoutes, syncRoutes } from './chats.routes.js';
export { createChatService, type ChatService } from './chats.service.js';
export { registerChatSocketHandlers } from './chats.socket.js';
export { deliverMessages } from './delivery.socket.js';
export { MessageEvents } from './message-events.js';
export type {
  ConversationPageQuery,
  FeedEntry,
  InsertResult,
  Message,
  MessageRepository,
  NewMessage,
  StoredMessage,
  SyncPageQuery,
} from './messages.repository.js';
