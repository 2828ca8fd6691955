import { StoreStartupError } from '../store.js';

/** The hosts of a MongoDB URI, without credentials or options: for messages. */
export function hostsOf(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return match?.[1] || 'the server in MONGODB_URI';
}

/** What `hello` tells about the deployment (the fields Parley reads). */
export interface HelloReply {
  setName?: string;
  msg?: string;
}

/**
 * Parley stores each message in a transaction, and MongoDB has transactions on replica sets and
 * sharded clusters only: on a standalone server every send would fail. Refuses one at start-up.
 */
export function requireTransactions(hello: HelloReply, uri: string): void {
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return;
  throw new StoreStartupError(
    `MongoDB at ${hostsOf(uri)} is a standalone server, and Parley needs transactions, which need a replica set (one node is enough): ` +
      'start mongod with --replSet rs0, run rs.initiate() once in mongosh, and add ?replicaSet=rs0 to MONGODB_URI.',
  );
}

export const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** A failure to connect, in one line: what failed, where, and the setting to check. */
export function connectFailure(error: unknown, uri: string, timeoutMs: number): StoreStartupError {
  return new StoreStartupError(
    `cannot connect to MongoDB at ${hostsOf(uri)} within ${timeoutMs} ms (${firstLine(error)}); check MONGODB_URI, that the server is running ` +
      'and reachable from here, and STORE_TIMEOUT.',
    { cause: error },
  );
}
