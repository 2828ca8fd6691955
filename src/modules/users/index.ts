export { createBlockCache, type BlockCache } from './block-cache.js';
export type { BlockRepository } from './blocks.repository.js';
export type { NewUser, User, UserRepository, UserWithPasswordHash } from './users.repository.js';
export { usersRoutes } from './users.routes.js';
export { createUsersService, type UsersService } from './users.service.js';
export {
  publicUserSchema,
  searchUsersQuerySchema,
  userListSchema,
  userParamsSchema,
  userResultSchema,
  userSchema,
} from './users.schemas.js';
export type { UserWithPresence } from './users.service.js';
