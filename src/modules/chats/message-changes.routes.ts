import { Router, type RequestHandler } from 'express';
import { identityOf } from '../../shared/identity.js';
import { parseInput } from '../../shared/validate.js';
import { editBodySchema, messageIdParamsSchema } from './chats.schemas.js';
import type { MessageChangeService } from './message-changes.service.js';

/** PATCH /messages/:id and DELETE /messages/:id. */
export function messagesRoutes({ changes, authenticated }: { changes: MessageChangeService; authenticated: RequestHandler }): Router {
  const router = Router();
  router.use(authenticated);

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(messageIdParamsSchema, req.params);
    const { message } = parseInput(editBodySchema, req.body);
    res.json({ message: await changes.editMessage(identityOf(req).userId, id, message) });
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseInput(messageIdParamsSchema, req.params);
    res.json({ message: await changes.deleteMessage(identityOf(req).userId, id) });
  });

  return router;
}
