import { socketHandler } from '../../realtime/socket-handler.js';
import type { ParleySocket } from '../../realtime/types.js';
import type { InflightTracker } from '../../shared/inflight.js';
import type { Logger } from '../../shared/logger.js';
import { sendMessageSchema, syncQuerySchema } from './chats.schemas.js';
import type { ChatService } from './chats.service.js';

function clientMsgIdOf(payload: unknown): string | undefined {
  const clientMsgId = (payload as { clientMsgId?: unknown } | null)?.clientMsgId;
  return typeof clientMsgId === 'string' ? clientMsgId : undefined;
}

/** send_message and sync run the same service functions as their REST routes. */
export interface ChatSocketDeps {
  chats: ChatService;
  logger: Logger;
  inflight: InflightTracker;
}

export function registerChatSocketHandlers({ chats, logger, inflight }: ChatSocketDeps) {
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

  return (socket: ParleySocket) => {
    socket.on('send_message', onSendMessage(socket));
    socket.on('sync', onSync(socket));
  };
}
