import { Router, type RequestHandler } from 'express';
import { identityOf } from '../../shared/identity.js';
import { parseInput } from '../../shared/validate.js';
import { searchUsersQuerySchema, userParamsSchema } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export function usersRoutes({ users, authenticated }: { users: UsersService; authenticated: RequestHandler }): Router {
  const router = Router();
  router.use(authenticated);

  router.get('/', async (req, res) => {
    const { query, limit } = parseInput(searchUsersQuerySchema, req.query);
    res.json({ users: await users.searchUsers(identityOf(req).userId, query, limit) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(userParamsSchema, req.params);
    res.json({ user: await users.getUser(identityOf(req).userId, id) });
  });

  return router;
}
