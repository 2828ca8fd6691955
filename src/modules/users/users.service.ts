import { errors } from '../../shared/errors.js';
import type { User, UserRepository } from './user.js';

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService({ users }: { users: UserRepository }) {
  async function searchUsers(prefix: string, limit: number): Promise<User[]> {
    return users.searchByUsernamePrefix(prefix, limit);
  }

  async function getUser(id: string): Promise<User> {
    const user = await users.findById(id);
    if (!user) throw errors.userNotFound();
    return user;
  }

  return { searchUsers, getUser };
}
