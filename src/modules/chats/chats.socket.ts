import { socketHandler } from '../../realtime/socket-handler.js';
import type { ParleySocket } from '../../realtime/types.js';
import type { InflightTracker } from '../../shared/inflight.js';
import type { Logger } from '../../shared/logger.js';
import { deleteMessagePayloadSchema, editMessagePayloadSchema, sendMessageSchema, syncQuerySchema } from './chats.schemas.js';
import type { ChatService } from './chats.service.js';
import type { MessageChangeService } from './message-changes.service.js';

function clientMsgIdOf(payload: unknown): string | undefined {
  const clientMsgId = (payload as { clientMsgId?: unknown } | null)?.clientMsgId;
  return typeof clientMsgId === 'string' ? clientMsgId : undefined;
}

/** send_message, sync, edit_message and delete_message run the same service functions as their REST routes. */
export interface ChatSocketDeps {
  chats: ChatService;
  changes: MessageChangeService;
  logger: Logger;
  inflight: InflightTracker;
}

export function registerChatSocketHandlers({ chats, changes, logger, inflight }: ChatSocketDeps) {
  const onSendMessage = socketHandler({
    schema: sendMessageSchema,
    logger,
    inflight,
    handle: async (socket, input) => {
      const { message } = await chats.sendMessage(socket.data.userId, input);
      return { message };
    },
    onFailure: (socket, payload, error, acked) => {
      // Shedding load: the ack alone answers, so a refusal costs one packet, not two.
      if (acked && error.code === 'overloaded') return;
      socket.emit('message_error', { clientMsgId: clientMsgIdOf(payload), error });
    },
  });

  const onSync = socketHandler({
    schema: syncQuerySchema.optional().transform((query) => query ?? syncQuerySchema.parse({})),
    logger,
    inflight,
    handle: (socket, query) => chats.sync(socket.data.userId, query),
  });

  const onEditMessage = socketHandler({
    schema: editMessagePayloadSchema,
    logger,
    inflight,
    handle: async (socket, { messageId, message }) => ({ message: await changes.editMessage(socket.data.userId, messageId, message) }),
  });

  const onDeleteMessage = socketHandler({
    schema: deleteMessagePayloadSchema,
    logger,
    inflight,
    handle: async (socket, { messageId }) => ({ message: await changes.deleteMessage(socket.data.userId, messageId) }),
  });

  return (socket: ParleySocket) => {
    socket.on('send_message', onSendMessage(socket));
    socket.on('sync', onSync(socket));
    socket.on('edit_message', onEditMessage(socket));
    socket.on('delete_message', onDeleteMessage(socket));
  };
}
