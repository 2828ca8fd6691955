import type { ChatMessage } from '../../src/protocol/events.js';
import { registerUser, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import { ChatClient } from './chat-client.js';

export interface TrafficOptions {
  urls: string[];
  users: number;
  messagesPerUser: number;
  /** Runs once a third of the messages were acknowledged, while traffic goes on. */
  fault?: () => Promise<void>;
  ackTimeoutMs?: number;
  /** Called with the connected clients before traffic starts; returns a function that stops it. */
  onClients?: (clients: ChatClient[]) => () => void;
  /** Give up on a message after this long (it then counts as not acknowledged). */
  sendDeadlineMs?: number;
}

export interface TrafficReport {
  acked: number;
  failedAttempts: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  storedUnacked: number;
  liveReceived: number;
}

const sequenceOf = (message: ChatMessage) => Number(message.clientMsgId?.split('#')[1]);

/**
 * Many clients, each sending its messages one after another to random peers, through a
 * fault; then every client catches up with sync, and the views are checked against the acks.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const { urls, users: userCount, messagesPerUser, fault, onClients, ackTimeoutMs = 3000, sendDeadlineMs = 60_000 } = options;
  const users: RegisteredUser[] = [];
  for (let i = 0; i < userCount; i += 4) {
    const batch = Array.from({ length: Math.min(4, userCount - i) }, () => registerUser(urls[0] as string, uniqueUsername('load')));
    users.push(...(await Promise.all(batch)));
  }
  const clients = users.map(
    (user, index) => new ChatClient({ userId: user.user.id, token: user.token, urls, ackTimeoutMs }, index),
  );
  await Promise.all(clients.map((client) => client.connect()));
  const stopDisturbing = onClients?.(clients) ?? (() => {});

  const total = userCount * messagesPerUser;
  let faultDone: Promise<void> = Promise.resolve();
  let faultStarted = false;
  const maybeFault = () => {
    const acked = clients.reduce((sum, client) => sum + client.acked.length, 0);
    if (!faultStarted && fault && acked >= total / 3) {
      faultStarted = true;
      faultDone = fault();
      faultDone.catch(() => {}); // awaited (and rethrown) once the traffic is done
    }
  };

  await Promise.all(
    clients.map(async (client, index) => {
      const sender = users[index] as RegisteredUser;
      for (let n = 0; n < messagesPerUser; n++) {
        const peer = users[(index + 1 + Math.floor(Math.random() * (userCount - 1))) % userCount] as RegisteredUser;
        await client.send(peer.user.id, `${sender.user.username} #${n}`, `${sender.user.id.slice(0, 8)}#${n}`, Date.now() + sendDeadlineMs);
        maybeFault();
      }
    }),
  );
  stopDisturbing();
  await faultDone;
  await Promise.all(clients.map((client) => client.waitConnected()));
  await Promise.all(clients.map((client) => client.syncAll()));

  const report = verify(users, clients);
  clients.forEach((client) => client.close());
  return report;
}

function verify(users: RegisteredUser[], clients: ChatClient[]): TrafficReport {
  const acked = clients.flatMap((client) => client.acked);
  const report: TrafficReport = {
    acked: acked.length,
    failedAttempts: clients.reduce((sum, client) => sum + client.failedAttempts, 0),
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    storedUnacked: 0,
    liveReceived: clients.reduce((sum, client) => sum + client.live.length, 0),
  };
  const ackedIds = new Set(acked.map((message) => message.id));
  users.forEach((user, index) => {
    const view = (clients[index] as ChatClient).synced;
    const ids = view.map((message) => message.id);
    const seen = new Set(ids);
    report.duplicates += ids.length - seen.size;
    const keys = new Set(view.map((message) => `${message.senderId}/${message.clientMsgId}`));
    report.duplicates += seen.size - keys.size; // one send stored twice
    const expected = acked.filter((message) => message.senderId === user.user.id || message.receiverId === user.user.id);
    report.missing += expected.filter((message) => !seen.has(message.id)).length;
    report.storedUnacked += view.filter((message) => message.senderId === user.user.id && !ackedIds.has(message.id)).length;
    const lastBySender = new Map<string, number>();
    for (const message of view) {
      const previous = lastBySender.get(message.senderId) ?? -1;
      if (sequenceOf(message) <= previous) report.outOfOrder += 1;
      lastBySender.set(message.senderId, sequenceOf(message));
    }
  });
  return report;
}
