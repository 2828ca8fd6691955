import { io } from 'socket.io-client';
import type { ChatMessage, SendMessageAck, SyncAck } from '../../src/protocol/events.js';
import type { ClientSocket } from '../helpers/socket.js';

export interface ChatClientOptions {
  userId: string;
  token: string;
  /** Instances to connect to; the client moves to the next when one stops answering. */
  urls: string[];
  ackTimeoutMs: number;
}

/**
 * A client that behaves as a careful app would: it reconnects (to another instance when
 * its own is gone), retries a send with the same clientMsgId until it is acknowledged,
 * and catches up with sync from its last cursor after every reconnect.
 */
export class ChatClient {
  readonly live: ChatMessage[] = [];
  readonly synced: ChatMessage[] = [];
  readonly acked: ChatMessage[] = [];
  failedAttempts = 0;
  private socket: ClientSocket | undefined;
  private urlIndex: number;
  private cursor: string | undefined;
  private closed = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ChatClientOptions, startAt = 0) {
    this.urlIndex = startAt % options.urls.length;
  }

  async connect(): Promise<void> {
    while (!this.closed) {
      const url = this.options.urls[this.urlIndex % this.options.urls.length] as string;
      try {
        this.socket = await this.open(url);
        this.catchUp();
        return;
      } catch {
        this.urlIndex += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Drops the connection as a flaky network would; the client comes back by itself. */
  drop(): void {
    this.socket?.io.engine?.close();
  }

  /** Sends until acknowledged (the same clientMsgId every time), or gives up at the deadline. */
  async send(receiverId: string, message: string, clientMsgId: string, deadline: number): Promise<ChatMessage | undefined> {
    while (Date.now() < deadline && !this.closed) {
      const socket = this.socket;
      if (!socket?.connected) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      try {
        const ack: SendMessageAck = await socket
          .timeout(this.options.ackTimeoutMs)
          .emitWithAck('send_message', { receiverId, message, clientMsgId });
        if (ack.ok) {
          this.acked.push(ack.message);
          return ack.message;
        }
        this.failedAttempts += 1;
        await new Promise((resolve) => setTimeout(resolve, ack.error.code === 'rate_limited' ? 200 : 50));
      } catch {
        this.failedAttempts += 1; // no ack in time: retry, the clientMsgId makes it safe
      }
    }
    return undefined;
  }

  async waitConnected(): Promise<void> {
    while (!this.closed && !this.socket?.connected) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Sync until hasMore is false, from the last cursor. */
  async syncAll(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncLoop()).catch(() => {});
    await this.syncing;
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private catchUp(): void {
    void this.syncAll();
  }

  private async syncLoop(): Promise<void> {
    for (;;) {
      const socket = this.socket;
      if (!socket?.connected) return;
      const ack: SyncAck = await socket.timeout(5000).emitWithAck('sync', { since: this.cursor, limit: 200 });
      if (!ack.ok) return;
      this.synced.push(...ack.messages);
      this.cursor = ack.cursor;
      if (!ack.hasMore) return;
    }
  }

  private open(url: string): Promise<ClientSocket> {
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      auth: { token: this.options.token },
      reconnection: false,
      forceNew: true,
      timeout: 2000,
    });
    socket.on('receive_message', (message) => this.live.push(message));
    socket.on('disconnect', () => {
      if (this.closed) return;
      this.urlIndex += 1; // its instance may be gone: try the next one first
      void this.connect();
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }
}
