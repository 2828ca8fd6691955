import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncAck } from '../../src/protocol/events.js';
import { connectChatClient } from './chat-client.js';
import type { ChurnResult, ChurnSpec } from './protocol.js';

/**
 * Reconnecting clients: each connects, syncs, stays for a while and disconnects, then does it
 * again, until stopped. What a fleet of phones going in and out of coverage does to a server.
 */
export class Churn {
  private running = false;
  private readonly stopped = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly result: ChurnResult = { cycles: 0, failures: 0 };

  start(spec: ChurnSpec): number {
    this.running = true;
    this.loops = spec.clients.map((client, index) => this.loop(spec, client, index));
    return spec.clients.length;
  }

  async stop(): Promise<ChurnResult> {
    this.running = false;
    this.stopped.abort();
    await Promise.all(this.loops);
    return { ...this.result };
  }

  private async loop(spec: ChurnSpec, client: ChurnSpec['clients'][number], index: number): Promise<void> {
    const [min, max] = spec.holdMs;
    const pause = (ms: number) => sleep(ms, undefined, { signal: this.stopped.signal }).catch(() => undefined);
    await pause((index * min) / spec.clients.length); // spread the first connects
    while (this.running) {
      try {
        const connected = await connectChatClient(client, spec.timeoutMs);
        const ack = await connected.socket.timeout(spec.timeoutMs).emitWithAck('sync', { limit: 50 });
        if (!(ack as SyncAck).ok) throw new Error(`sync refused: ${JSON.stringify(ack)}`);
        await pause(min + Math.random() * (max - min));
        connected.socket.disconnect();
        this.result.cycles++;
      } catch (error) {
        this.result.failures++;
        this.result.firstError ??= `${client.key}: ${String(error)}`;
        await pause(1000);
      }
    }
  }
}
