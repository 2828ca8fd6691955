import { errors } from '../../shared/errors.js';
import type { PresenceStore } from '../presence/index.js';
import type { User, UserRepository } from './users.repository.js';

export type UsersService = ReturnType<typeof createUsersService>;

export interface UserWithPresence extends User {
  online: boolean;
}

export function createUsersService({ users, presence }: { users: UserRepository; presence: PresenceStore }) {
  async function searchUsers(prefix: string, limit: number): Promise<User[]> {
    return users.searchByUsernamePrefix(prefix, limit);
  }

  async function getUser(id: string): Promise<UserWithPresence> {
    const user = await users.findById(id);
    if (!user) throw errors.userNotFound();
    // While presence cannot be read (Redis away), nobody is reported online rather than failing.
    const online = await presence.isOnline(id).catch(() => false);
    return { ...user, online };
  }

  return { searchUsers, getUser };
}
