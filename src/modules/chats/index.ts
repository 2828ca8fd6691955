export { createChatService, type ChatService } from './chats.service.js';
export { chatsRoutes, syncRoutes } from './chats.routes.js';
export { MessageEvents } from './message-events.js';
export type { Message, MessageRepository } from './message.js';
export { registerChatSocketHandlers } from './chats.socket.js';
export { deliverMessages } from './chats.delivery.js';
export { createSendRateLimiter } from './send-rate-limit.js';
