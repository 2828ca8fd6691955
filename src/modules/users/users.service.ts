import type { RateLimiter } from '../../redis/index.js';
import { errors } from '../../shared/errors.js';
import type { PresenceStore } from '../presence/index.js';
import type { User, UserRepository } from './users.repository.js';

export type UsersService = ReturnType<typeof createUsersService>;

export interface UserWithPresence extends User {
  online: boolean;
}

export interface UsersServiceDeps {
  users: UserRepository;
  presence: PresenceStore;
  /** Counts searches and lookups per caller (with history and sync). */
  readRateLimiter: RateLimiter;
}

export function createUsersService({ users, presence, readRateLimiter }: UsersServiceDeps) {
  async function searchUsers(callerId: string, prefix: string, limit: number): Promise<User[]> {
    await readRateLimiter.consume(callerId);
    return users.searchByUsernamePrefix(prefix, limit);
  }

  async function getUser(callerId: string, id: string): Promise<UserWithPresence> {
    await readRateLimiter.consume(callerId);
    const user = await users.findById(id);
    if (!user) throw errors.userNotFound();
    // While presence cannot be read (Redis away), nobody is reported online rather than failing.
    const online = await presence.isOnline(id).catch(() => false);
    return { ...user, online };
  }

  return { searchUsers, getUser };
}
