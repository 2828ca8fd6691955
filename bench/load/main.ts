/**
 * The load generator: a process of its own (pinned to its own core by the orchestrator),
 * driven over IPC by bench/run.ts. It holds every client socket and measures latency.
 */
import { connectChatClient, type ChatClient } from './chat-client.js';
import { Churn } from './churn.js';
import { runHistoryLoad } from './http-load.js';
import { runMessaging } from './messaging.js';
import { runTyping } from './typing.js';
import type { Command, CommandResults, ConnectResult, Request, Response } from './protocol.js';

const clients = new Map<string, ChatClient>();
let churn: Churn | undefined;

async function connect(command: Extract<Command, { cmd: 'connect' }>): Promise<ConnectResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < command.clients.length) {
      const spec = command.clients[next++];
      if (!spec) break;
      try {
        const client = await connectChatClient(spec, command.timeoutMs);
        clients.get(spec.key)?.socket.disconnect();
        clients.set(spec.key, client);
        connected++;
      } catch (error) {
        failed++;
        firstError ??= `${spec.key}: ${String(error)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  const wallMs = performance.now() - started;
  const own = process.cpuUsage(cpu);
  return {
    connected,
    failed,
    wallMs,
    perSecond: (connected / wallMs) * 1000,
    loadgenCpuPct: ((own.user + own.system) / 1000 / wallMs) * 100,
    ...(firstError ? { firstError } : {}),
  };
}

function disconnect(keys: string[] | undefined): { disconnected: number } {
  const chosen = keys ?? [...clients.keys()];
  let disconnected = 0;
  for (const key of chosen) {
    const client = clients.get(key);
    if (!client) continue;
    client.socket.disconnect();
    clients.delete(key);
    disconnected++;
  }
  return { disconnected };
}

async function execute(command: Command): Promise<CommandResults[Command['cmd']]> {
  switch (command.cmd) {
    case 'connect':
      return connect(command);
    case 'disconnect':
      return disconnect(command.keys);
    case 'messaging':
      return runMessaging(command.spec, clients);
    case 'typing':
      return runTyping(command.spec, clients);
    case 'history':
      return runHistoryLoad(command.spec);
    case 'churn-start':
      if (churn) throw new Error('churn already running');
      churn = new Churn();
      return { started: churn.start(command.spec) };
    case 'churn-stop': {
      const stopping = churn;
      churn = undefined;
      return stopping ? stopping.stop() : { cycles: 0, failures: 0 };
    }
    case 'exit':
      disconnect(undefined);
      setTimeout(() => process.exit(0), 50);
      return null;
  }
}

if (!process.send) {
  console.error('bench/load/main.ts is started by bench/run.ts over IPC');
  process.exit(2);
}

process.on('message', (request: Request) => {
  execute(request.command).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies Response),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Response),
  );
});
// The orchestrator gone means the benchmark is over.
process.on('disconnect', () => process.exit(0));
