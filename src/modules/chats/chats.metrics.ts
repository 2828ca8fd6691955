import { secondsSince, type Metrics } from '../../shared/metrics.js';
import { toPublicError } from '../../shared/errors.js';
import type { ChatService } from './chats.service.js';

/**
 * The send path, measured: its latency to the answer (commit included, REST and sockets alike),
 * messages stored (not retries), and refusals by error code.
 */
export function instrumentChatService(chats: ChatService, metrics: Metrics): ChatService {
  return {
    ...chats,
    async sendMessage(senderId, input) {
      const started = performance.now();
      try {
        const result = await chats.sendMessage(senderId, input);
        if (result.created) metrics.messagesStored.inc();
        return result;
      } catch (thrown) {
        metrics.messagesRefused.inc({ code: toPublicError(thrown).body.code });
        throw thrown;
      } finally {
        metrics.sendAckDuration.observe(secondsSince(started));
      }
    },
  };
}
