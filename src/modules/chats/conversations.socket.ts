import { socketHandler } from '../../realtime/socket-handler.js';
import type { ParleySocket } from '../../realtime/types.js';
import type { InflightTracker } from '../../shared/inflight.js';
import type { Logger } from '../../shared/logger.js';
import { markPayloadSchema, typingPayloadSchema } from './chats.schemas.js';
import type { Watermark } from './conversations.repository.js';
import type { ConversationService } from './conversations.service.js';
import type { TypingService } from './typing.service.js';

export interface ConversationSocketDeps {
  conversations: ConversationService;
  typing: TypingService;
  logger: Logger;
  inflight: InflightTracker;
}

/** mark_read and mark_delivered run the same service function as their REST routes; typing is socket-only. */
export function registerConversationSocketHandlers({ conversations, typing, logger, inflight }: ConversationSocketDeps) {
  const onMark = (watermark: Watermark) =>
    socketHandler({
      schema: markPayloadSchema,
      logger,
      inflight,
      handle: async (socket, { conversationId, upTo }) => ({
        conversation: await conversations.mark(socket.data.userId, conversationId, watermark, upTo),
      }),
    });
  const onMarkRead = onMark('read');
  const onMarkDelivered = onMark('delivered');
  const onTyping = socketHandler({
    schema: typingPayloadSchema,
    logger,
    inflight,
    handle: async (socket, input) => {
      await typing.typing(socket.data.userId, input);
      return {};
    },
  });

  return (socket: ParleySocket) => {
    socket.on('mark_read', onMarkRead(socket));
    socket.on('mark_delivered', onMarkDelivered(socket));
    socket.on('typing', onTyping(socket));
  };
}
