import { afterEach } from 'vitest';
import { startTestParley, type TestParley } from './parley.js';
import { connectSocket, type ClientSocket, type ConnectOptions } from './socket.js';

/**
 * Instances and sockets that live for one test: started with its own settings, closed after it
 * (call at the top of a test file).
 */
export function perTestInstances() {
  const running: TestParley[] = [];
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(running.splice(0).map((parley) => parley.dispose()));
  });
  return {
    async parleyWith(env: Record<string, string>): Promise<TestParley> {
      const parley = await startTestParley({ env });
      running.push(parley);
      return parley;
    },
    async open(url: string, options: ConnectOptions): Promise<ClientSocket> {
      const socket = await connectSocket(url, options);
      sockets.push(socket);
      return socket;
    },
  };
}
