import { Router, type RequestHandler } from 'express';
import { identityOf } from '../../shared/identity.js';
import { parseInput } from '../../shared/validate.js';
import { conversationIdParamsSchema, inboxQuerySchema, markBodySchema } from './chats.schemas.js';
import type { ConversationService } from './conversations.service.js';
import type { Watermark } from './conversations.repository.js';

/** GET /conversations, GET /conversations/:id, POST /conversations/:id/read and /delivered. */
export function conversationsRoutes({ conversations, authenticated }: { conversations: ConversationService; authenticated: RequestHandler }): Router {
  const router = Router();
  router.use(authenticated);

  router.get('/', async (req, res) => {
    res.json(await conversations.listConversations(identityOf(req).userId, parseInput(inboxQuerySchema, req.query)));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(conversationIdParamsSchema, req.params);
    res.json({ conversation: await conversations.getConversation(identityOf(req).userId, id) });
  });

  for (const watermark of ['read', 'delivered'] as const satisfies Watermark[]) {
    router.post(`/:id/${watermark}`, async (req, res) => {
      const { id } = parseInput(conversationIdParamsSchema, req.params);
      const { upTo } = parseInput(markBodySchema, req.body);
      res.json({ conversation: await conversations.mark(identityOf(req).userId, id, watermark, upTo) });
    });
  }

  return router;
}
