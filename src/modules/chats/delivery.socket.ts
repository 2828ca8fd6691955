import { userRoom } from '../../realtime/rooms.js';
import type { ParleyIo } from '../../realtime/types.js';
import type { MessageEvents } from './message-events.js';

/**
 * Live delivery of every newly stored message and every receipt, however it was sent: to every socket of
 * the receiver and every socket of the sender, on any instance (rooms cross the adapter).
 */
export function deliverMessages(io: ParleyIo, events: MessageEvents, countDelivered: () => void = () => {}): void {
  events.on('created', (message) => {
    io.to(userRoom(message.receiverId)).emit('receive_message', message);
    countDelivered();
    io.to(userRoom(message.senderId)).emit('message_sent', message);
  });
  events.on('updated', (message) => {
    io.to([userRoom(message.senderId), userRoom(message.receiverId)]).emit('message_updated', message);
  });
  events.on('receipt', ({ peerId, ...receipt }) => {
    // One emit to both rooms: a socket in both (a conversation with oneself) gets it once.
    io.to([userRoom(receipt.userId), userRoom(peerId)]).emit('receipt', receipt);
  });
  events.on('typing', ({ peerId, ...typing }) => {
    io.to(userRoom(peerId)).emit('typing', typing);
  });
}
