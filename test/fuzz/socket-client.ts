import type { ClientSocket } from '../helpers/socket.js';

/** An emit with an ack callback after `args`; rejects when no ack comes within the time. */
export function emitWithAck(socket: ClientSocket, event: string, args: unknown[], timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    (socket.timeout(timeoutMs).emit as (...all: unknown[]) => void)(event, ...args, (error: Error | null, ack: unknown) => {
      if (error) reject(new Error(`no ack for ${event} within ${timeoutMs} ms`));
      else resolve(ack);
    });
  });
}

let rawAckId = 1_000_000;

/**
 * An event whose payload is the JSON text given, written straight onto the connection: a
 * payload socket.io-client could not encode (nested past JSON.stringify's stack, a duplicate
 * key, a "__proto__" key). Resolves with the ack the server sends for it.
 */
export function rawEmitWithAck(socket: ClientSocket, event: string, payloadJson: string, timeoutMs = 5000): Promise<unknown> {
  const engine = socket.io.engine;
  const id = rawAckId++;
  const prefix = `3${id}[`; // an ACK packet for the default namespace
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.off('packet', onPacket);
      reject(new Error(`no ack for the raw ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    function onPacket(packet: { type: string; data?: unknown }) {
      if (packet.type !== 'message' || typeof packet.data !== 'string' || !packet.data.startsWith(prefix)) return;
      clearTimeout(timer);
      engine.off('packet', onPacket);
      resolve((JSON.parse(packet.data.slice(prefix.length - 1)) as unknown[])[0]);
    }
    engine.on('packet', onPacket);
    engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
}
