import type { RevocationRepository } from '../modules/auth/revocation.js';
import type { MessageRepository } from '../modules/chats/message.js';
import type { UserRepository } from '../modules/users/user.js';

/** Everything Parley persists, behind repositories that return plain objects. */
export interface Store {
  kind: 'sqlite' | 'mongodb';
  users: UserRepository;
  messages: MessageRepository;
  revocations: RevocationRepository;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
