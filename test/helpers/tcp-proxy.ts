import net from 'node:net';

/** A TCP proxy the test owns, between Parley and a server, that can cut the network silently. */
export interface TcpProxy {
  port: number;
  /** Bytes are dropped both ways on every connection, and no connection is closed: a partition, not a refusal. */
  partition(): void;
  /** New connections carry bytes again; those that lived through the partition stay dead, as after a real one. */
  heal(): void;
  /** Closes every connection now (both sides see it closed); new ones are accepted. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let partitioned = false;
  const connections = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const connection = { client, upstream, dead: partitioned };
    connections.add(connection);
    const forward = (from: net.Socket, to: net.Socket) => from.on('data', (chunk) => connection.dead || to.write(chunk));
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
        connections.delete(connection);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    partition() {
      partitioned = true;
      for (const connection of connections) connection.dead = true;
    },
    heal() {
      partitioned = false;
    },
    cut() {
      for (const { client, upstream } of connections) {
        client.destroy();
        upstream.destroy();
      }
    },
    async close() {
      for (const { client, upstream } of connections) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
