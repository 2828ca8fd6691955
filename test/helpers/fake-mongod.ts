import net from 'node:net';
import { mongo } from 'mongoose';

const { BSON } = mongo;
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/**
 * A stand-in for a *standalone* mongod, speaking just enough of the wire protocol for the driver
 * to connect and for Parley's start-up checks: it answers hello/isMaster as a standalone server
 * (no setName), ping and endSessions with ok, and anything else with an error. No MongoDB server
 * can be installed on these machines; this lets the start-up refusal and the closing of the
 * connection on that path run for real (a TCP connection, the real driver).
 */
export interface FakeMongod {
  uri: string;
  /** Connections open now. */
  openConnections(): number;
  /** Commands received, by name. */
  commands: string[];
  close(): Promise<void>;
}

function helloReply(connectionId: number): Record<string, unknown> {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

function answer(command: Record<string, unknown>, connectionId: number): Record<string, unknown> {
  const name = Object.keys(command)[0] ?? '';
  if (['hello', 'ismaster', 'isMaster'].includes(name)) return helloReply(connectionId);
  if (name === 'ping' || name === 'endSessions') return { ok: 1 };
  return { ok: 0, errmsg: `fake mongod: ${name} is not supported`, code: 59, codeName: 'CommandNotFound' };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opReply(responseTo: number, document: Record<string, unknown>): Buffer {
  const body = Buffer.from(BSON.serialize(document));
  const fields = Buffer.alloc(20); // responseFlags, cursorID (8), startingFrom, numberReturned
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + 20 + body.length, 0, responseTo, OP_REPLY), fields, body]);
}

function opMsg(responseTo: number, document: Record<string, unknown>): Buffer {
  const body = Buffer.from(BSON.serialize(document));
  const flagsAndKind = Buffer.from([0, 0, 0, 0, 0]);
  return Buffer.concat([header(16 + 5 + body.length, 0, responseTo, OP_MSG), flagsAndKind, body]);
}

/** The command document of an OP_QUERY or OP_MSG message (header included in `message`). */
function commandOf(message: Buffer, opCode: number): Record<string, unknown> | undefined {
  if (opCode === OP_QUERY) {
    let offset = 16 + 4;
    offset = message.indexOf(0, offset) + 1 + 8; // collection name, skip, return
    return BSON.deserialize(message.subarray(offset, offset + message.readInt32LE(offset)));
  }
  if (opCode === OP_MSG && message[20] === 0) {
    const offset = 21;
    return BSON.deserialize(message.subarray(offset, offset + message.readInt32LE(offset)));
  }
  return undefined;
}

export async function startFakeStandaloneMongod(): Promise<FakeMongod> {
  const sockets = new Set<net.Socket>();
  const commands: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connectionId = ++connections;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const requestId = message.readInt32LE(4);
        const opCode = message.readInt32LE(12);
        const command = commandOf(message, opCode);
        if (!command) continue;
        commands.push(Object.keys(command)[0] ?? '');
        const reply = answer(command, connectionId);
        socket.write(opCode === OP_QUERY ? opReply(requestId, reply) : opMsg(requestId, reply));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${port}/parley?directConnection=true`,
    openConnections: () => sockets.size,
    commands,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
