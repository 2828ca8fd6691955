import fc from 'fast-check';
import type { ClientSocket } from '../helpers/socket.js';
import { isPlainObject } from './oracles.js';
import { withKey } from './values.js';

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

/**
 * How a payload goes: as socket.io-client encodes it, as JSON text written raw, or oddly;
 * 'extra-args' puts arguments between the payload and the ack callback (the fuzz found those
 * never acked while the handler took the second argument as the callback).
 */
export type EmitStyle = 'emit' | 'raw' | 'raw-deep' | 'raw-proto' | 'no-payload' | 'binary' | 'extra-args';
export const emitStyle = fc.constantFrom<EmitStyle>('emit', 'emit', 'emit', 'emit', 'raw', 'raw-deep', 'raw-proto', 'no-payload', 'binary', 'extra-args');

/** What the server parses from an argument socket.io-client encoded: JSON, where undefined becomes null. */
export const roundTrip = (value: unknown) => (JSON.parse(JSON.stringify([value])) as unknown[])[0];

export interface StyledPayloads {
  /** What 'raw-proto' hides under a "__proto__" key: real-looking fields the server must not read from it. */
  pollution: Record<string, unknown>;
  /** The field 'binary' replaces with a Buffer. */
  binaryField: string;
}

/** Emits one input; answers with the ack and the payload as the server parsed it (`known`: whether that is known). */
export async function emitStyled(
  socket: ClientSocket,
  event: string,
  how: EmitStyle,
  payload: unknown,
  { pollution, binaryField }: StyledPayloads,
): Promise<{ ack: unknown; parsed: unknown; known: boolean }> {
  switch (how) {
    case 'emit':
      return { ack: await emitWithAck(socket, event, [payload]), parsed: roundTrip(payload), known: true };
    case 'raw': {
      const text = JSON.stringify(payload) ?? 'null';
      return { ack: await rawEmitWithAck(socket, event, text), parsed: JSON.parse(text), known: true };
    }
    case 'raw-deep': {
      // 30 000 levels: within the 64 KiB packet limit, past what a recursive walk survives.
      const deep = '['.repeat(30_000) + ']'.repeat(30_000);
      const key = isPlainObject(payload) ? (Object.keys(payload)[0] ?? 'x') : undefined;
      const text = key === undefined ? deep : `{${JSON.stringify(key)}:${deep}}`;
      return { ack: await rawEmitWithAck(socket, event, text), parsed: undefined, known: false };
    }
    case 'raw-proto': {
      const text = JSON.stringify(withKey(isPlainObject(payload) ? payload : {}, '__proto__', pollution));
      return { ack: await rawEmitWithAck(socket, event, text), parsed: JSON.parse(text), known: true };
    }
    case 'no-payload':
      return { ack: await emitWithAck(socket, event, []), parsed: undefined, known: true };
    case 'extra-args':
      return { ack: await emitWithAck(socket, event, [payload, 'extra', 42]), parsed: roundTrip(payload), known: true };
    case 'binary': {
      const withBinary = isPlainObject(payload) ? { ...payload, [binaryField]: Buffer.from('binary'), attachment: Buffer.from([0, 255]) } : Buffer.from('x');
      return { ack: await emitWithAck(socket, event, [withBinary]), parsed: undefined, known: false };
    }
  }
}
