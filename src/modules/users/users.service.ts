import type { RateLimiter } from '../../redis/index.js';
import { errors } from '../../shared/errors.js';
import type { PresenceStore } from '../presence/index.js';
import type { BlockCache } from './block-cache.js';
import type { BlockRepository } from './blocks.repository.js';
import type { User, UserRepository } from './users.repository.js';

export type UsersService = ReturnType<typeof createUsersService>;

export interface UserWithPresence extends User {
  online: boolean;
  /** When the user was last seen (ISO); null while online, when never seen offline, and toward a user they block. */
  lastSeenAt: string | null;
}

export interface UsersServiceDeps {
  users: UserRepository;
  blocks: BlockRepository;
  /** Forgets a pair when it is blocked or unblocked here. */
  blockCache: Pick<BlockCache, 'forget'>;
  presence: PresenceStore;
  /** Counts searches and lookups per caller (with history and sync). */
  readRateLimiter: RateLimiter;
}

export function createUsersService({ users, blocks, blockCache, presence, readRateLimiter }: UsersServiceDeps) {
  async function searchUsers(callerId: string, prefix: string, limit: number): Promise<User[]> {
    await readRateLimiter.consume(callerId);
    return users.searchByUsernamePrefix(prefix, limit);
  }

  async function getUser(callerId: string, id: string): Promise<UserWithPresence> {
    await readRateLimiter.consume(callerId);
    const user = await users.findById(id);
    if (!user) throw errors.userNotFound();
    // A user who blocks the caller is never shown online to them.
    if (id !== callerId && (await blocks.blocks(id, callerId))) return { ...user, online: false, lastSeenAt: null };
    // While presence cannot be read (Redis away), nobody is reported online rather than failing.
    const online = await presence.isOnline(id).catch(() => false);
    const lastSeenAt = online ? null : ((await users.lastSeen([id])).get(id) ?? null);
    return { ...user, online, lastSeenAt };
  }

  /** Stores when the user went offline, as announced to their contacts (never moves back). */
  async function recordLastSeen(userId: string, at: Date): Promise<void> {
    await users.setLastSeen(userId, at);
  }

  async function blockable(callerId: string, id: string): Promise<void> {
    if (id === callerId) throw errors.validation('id: you cannot block yourself');
    if (!(await users.findById(id))) throw errors.userNotFound();
  }

  /** Idempotent. While either blocks the other, sends between them are refused (chats). */
  async function blockUser(callerId: string, id: string): Promise<void> {
    await blockable(callerId, id);
    await blocks.block(callerId, id, new Date());
    blockCache.forget(callerId, id);
  }

  /** Idempotent. */
  async function unblockUser(callerId: string, id: string): Promise<void> {
    await blockable(callerId, id);
    await blocks.unblock(callerId, id);
    blockCache.forget(callerId, id);
  }

  async function listBlocked(callerId: string): Promise<User[]> {
    await readRateLimiter.consume(callerId);
    return blocks.listBlocked(callerId);
  }

  return { searchUsers, getUser, blockUser, unblockUser, listBlocked, recordLastSeen };
}
