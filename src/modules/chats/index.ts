export { chatsRoutes, syncRoutes } from './chats.routes.js';
export { createChatService, type ChatService } from './chats.service.js';
export { instrumentChatService } from './chats.metrics.js';
export { registerChatSocketHandlers } from './chats.socket.js';
export { conversationsRoutes } from './conversations.routes.js';
export { createConversationService, type ConversationService } from './conversations.service.js';
export { registerConversationSocketHandlers } from './conversations.socket.js';
export { createTypingService, type TypingService } from './typing.service.js';
export { messagesRoutes } from './message-changes.routes.js';
export { createMessageChangeService, type MessageChangeService } from './message-changes.service.js';
export { deliverMessages } from './delivery.socket.js';
export { MessageEvents } from './message-events.js';
export type {
  ConversationRecord,
  ConversationRepository,
  InboxEntry,
  InboxPage,
  InboxQuery,
  MarkResult,
  Watermark,
} from './conversations.repository.js';
export type {
  ChangeResult,
  ConversationPageQuery,
  MessageChange,
  FeedEntry,
  InsertResult,
  Message,
  MessageRepository,
  NewMessage,
  StoredMessage,
  SyncPageQuery,
} from './messages.repository.js';
export {
  chatMessageSchema,
  conversationIdParamsSchema,
  conversationParamsSchema,
  conversationResultSchema,
  conversationSchema,
  deleteMessagePayloadSchema,
  editBodySchema,
  editMessagePayloadSchema,
  historyPageSchema,
  historyQuerySchema,
  inboxPageSchema,
  inboxQuerySchema,
  markBodySchema,
  markPayloadSchema,
  messageErrorEventSchema,
  messageIdParamsSchema,
  messageResultSchema,
  receiptEventSchema,
  sendMessageSchema,
  syncPageSchema,
  syncQuerySchema,
  typingEventSchema,
  typingPayloadSchema,
  userIdParamsSchema,
} from './chats.schemas.js';
