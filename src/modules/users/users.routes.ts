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

  // Before /:id, which would take "me" for an id.
  router.get('/me/blocked', async (req, res) => {
    res.json({ users: await users.listBlocked(identityOf(req).userId) });
  });

  router.post('/:id/block', async (req, res) => {
    const { id } = parseInput(userParamsSchema, req.params);
    await users.blockUser(identityOf(req).userId, id);
    res.status(204).end();
  });

  router.delete('/:id/block', async (req, res) => {
    const { id } = parseInput(userParamsSchema, req.params);
    await users.unblockUser(identityOf(req).userId, id);
    res.status(204).end();
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(userParamsSchema, req.params);
    res.json({ user: await users.getUser(identityOf(req).userId, id) });
  });

  return router;
}
