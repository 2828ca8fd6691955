import type { RevocationRepository } from '../modules/auth/index.js';
import type { ConversationRepository, MessageRepository } from '../modules/chats/index.js';
import type { BlockRepository, UserRepository } from '../modules/users/index.js';

/**
 * Everything Parley persists, behind the repositories the modules define. Each driver
 * (sqlite/, mongo/) implements all of it, returns plain objects, and turns its own errors
 * into AppErrors at its edge (store_unavailable when it cannot serve right now).
 */
export interface Store {
  kind: 'sqlite' | 'mongodb';
  users: UserRepository;
  messages: MessageRepository;
  conversations: ConversationRepository;
  blocks: BlockRepository;
  revocations: RevocationRepository;
  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store cannot be used, for a reason the operator must resolve: its message says what failed
 * and what to check, in one line, and is printed as it is (no stack) before exiting 1.
 */
export class StoreStartupError extends Error {
  override name = 'StoreStartupError';
}

/** The database was written by a newer release of Parley: this one refuses to start on it. */
export class SchemaTooNewError extends StoreStartupError {
  override name = 'SchemaTooNewError';
}
