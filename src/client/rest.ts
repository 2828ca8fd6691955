/** A typed wrapper of Parley's REST API, for browsers (cookie or token) and Node (token or cookie header). */
import type { ChatMessage, Conversation, ErrorBody, PublicUser } from '../protocol/events.js';
import { ParleyError } from './errors.js';
import type { AuthAnswer, ConversationsPage, HistoryPage } from './types.js';

export interface RestOptions {
  /** Base URL; "" (the default) means the page's own origin. */
  url?: string;
  token?: string;
  /** Node only: "connect.sid=..." sent as the Cookie header. */
  cookie?: string;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

function queryString(query: Query): string {
  const entries = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)]))}`;
}

export class ParleyApi {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: RestOptions = {}) {
    this.base = (options.url ?? '').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Creates the account and logs in: the answer's token, and (in a browser) the HttpOnly session cookie. */
  register(username: string, password: string): Promise<AuthAnswer> {
    return this.request('POST', '/auth/register', { username, password });
  }

  login(username: string, password: string): Promise<AuthAnswer> {
    return this.request('POST', '/auth/login', { username, password });
  }

  /** Ends this login (its token and its session) and the sockets opened with it. */
  async logout(): Promise<void> {
    await this.request('POST', '/auth/logout');
  }

  async me(): Promise<AuthAnswer['user']> {
    return (await this.request<{ user: AuthAnswer['user'] }>('GET', '/auth/me')).user;
  }

  async searchUsers(query: string, limit?: number): Promise<Array<AuthAnswer['user']>> {
    return (await this.request<{ users: Array<AuthAnswer['user']> }>('GET', `/users${queryString({ query, limit })}`)).users;
  }

  async user(userId: string): Promise<PublicUser> {
    return (await this.request<{ user: PublicUser }>('GET', `/users/${encodeURIComponent(userId)}`)).user;
  }

  async block(userId: string): Promise<void> {
    await this.request('POST', `/users/${encodeURIComponent(userId)}/block`);
  }

  async unblock(userId: string): Promise<void> {
    await this.request('DELETE', `/users/${encodeURIComponent(userId)}/block`);
  }

  async blocked(): Promise<PublicUser[]> {
    return (await this.request<{ users: PublicUser[] }>('GET', '/users/me/blocked')).users;
  }

  /** One page of a conversation's history, oldest first; pass `nextCursor` as `before` for the older page. */
  history(me: string, peerId: string, page: { before?: string; limit?: number } = {}): Promise<HistoryPage> {
    return this.request('GET', `/chats/${encodeURIComponent(me)}/with/${encodeURIComponent(peerId)}${queryString(page)}`);
  }

  /** One page of the inbox, newest activity first. */
  conversations(page: { before?: string; limit?: number } = {}): Promise<ConversationsPage> {
    return this.request('GET', `/conversations${queryString(page)}`);
  }

  async conversation(conversationId: string): Promise<Conversation> {
    return (await this.request<{ conversation: Conversation }>('GET', `/conversations/${encodeURIComponent(conversationId)}`)).conversation;
  }

  async send(me: string, receiverId: string, message: string, clientMsgId?: string): Promise<ChatMessage> {
    const body = { receiverId, message, ...(clientMsgId ? { clientMsgId } : {}) };
    return (await this.request<{ message: ChatMessage }>('POST', `/chats/${encodeURIComponent(me)}/send`, body)).message;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    else if (this.options.cookie) headers['cookie'] = this.options.cookie;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers,
        credentials: 'include',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (thrown) {
      throw new ParleyError('network', thrown instanceof Error ? thrown.message : 'Network error');
    }
    if (response.status === 204) return undefined as T;
    const json = (await response.json().catch(() => null)) as ({ error?: ErrorBody } & T) | null;
    if (!response.ok || json === null) {
      if (json?.error) throw ParleyError.from(json.error);
      throw new ParleyError(response.status >= 500 ? 'internal_error' : 'bad_request', `HTTP ${response.status}`);
    }
    return json;
  }
}
