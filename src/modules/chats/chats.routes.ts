import { Router, type RequestHandler } from 'express';
import { errors } from '../../shared/errors.js';
import { parseInput } from '../../shared/validate.js';
import { identityOf } from '../../shared/identity.js';
import {
  conversationParamsSchema,
  historyQuerySchema,
  sendMessageSchema,
  syncQuerySchema,
  userIdParamsSchema,
} from './chats.schemas.js';
import type { ChatService } from './chats.service.js';

function requireSelf(callerId: string, userId: string): void {
  if (callerId !== userId) throw errors.forbidden('You can only act as yourself');
}

export function chatsRoutes({ chats, authenticated }: { chats: ChatService; authenticated: RequestHandler }): Router {
  const router = Router();
  router.use(authenticated);

  router.get('/:userId/with/:withUser', async (req, res) => {
    const { userId, withUser } = parseInput(conversationParamsSchema, req.params);
    requireSelf(identityOf(req).userId, userId);
    const { limit, before } = parseInput(historyQuerySchema, req.query);
    res.json(await chats.getHistory({ userId, withUserId: withUser, limit, before }));
  });

  router.post('/:userId/send', async (req, res) => {
    const { userId } = parseInput(userIdParamsSchema, req.params);
    requireSelf(identityOf(req).userId, userId);
    const { message, created } = await chats.sendMessage(userId, parseInput(sendMessageSchema, req.body));
    res.status(created ? 201 : 200).json({ message });
  });

  return router;
}

/** GET /sync?since=&limit=: catch up on everything sent or received since a cursor. */
export function syncRoutes({ chats, authenticated }: { chats: ChatService; authenticated: RequestHandler }): Router {
  const router = Router();
  router.get('/', authenticated, async (req, res) => {
    res.json(await chats.sync(identityOf(req).userId, parseInput(syncQuerySchema, req.query)));
  });
  return router;
}
