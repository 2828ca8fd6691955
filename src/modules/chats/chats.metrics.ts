import { secondsSince, type Metrics } from '../../shared/metrics.js';
import { toPublicError } from '../../shared/errors.js';
import type { ChatService } from './chats.service.js';

/**
 * The send path, measured: its latency to the answer (commit included, REST and sockets alike),
 * messages stored (not retries), and refusals by error code. One `then` per send and no async
 * wrapper: this runs for every message.
 */
export function instrumentChatService(chats: ChatService, metrics: Metrics): ChatService {
  const { sendAckDuration, messagesStored, messagesRefused } = metrics;
  return {
    ...chats,
    sendMessage(senderId, input) {
      const started = performance.now();
      return chats.sendMessage(senderId, input).then(
        (result) => {
          sendAckDuration.observe(secondsSince(started));
          if (result.created) messagesStored.inc();
          return result;
        },
        (thrown: unknown) => {
          sendAckDuration.observe(secondsSince(started));
          messagesRefused.labels(toPublicError(thrown).body.code).inc();
          throw thrown;
        },
      );
    },
  };
}
