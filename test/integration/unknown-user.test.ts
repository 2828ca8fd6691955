import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/modules/auth/index.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { refusal } from '../helpers/socket.js';

/**
 * A token that verifies (right key, not expired, not revoked) but names a user this store does
 * not hold: e.g. signed for a store that was since replaced, with the same secret.
 */
describe('a valid token for a user who does not exist', () => {
  let parley: TestParley;
  let bob: RegisteredUser;
  let ghostToken: string;
  const ghostId = randomUUID();

  beforeAll(async () => {
    parley = await startTestParley();
    bob = await registerUser(parley.url);
    const { jwtSecret, jwtTtlSeconds } = parley.container.config;
    ghostToken = await createTokenService({ secret: jwtSecret, ttlSeconds: jwtTtlSeconds }).issue(ghostId);
  });
  afterAll(() => parley.dispose());

  it('is refused by every route, not only /auth/me', async () => {
    const attempts = [
      request(parley.url, 'GET', '/auth/me', { token: ghostToken }),
      request(parley.url, 'POST', `/chats/${ghostId}/send`, { token: ghostToken, body: { receiverId: bob.user.id, message: 'boo' } }),
      request(parley.url, 'GET', `/chats/${ghostId}/with/${bob.user.id}`, { token: ghostToken }),
      request(parley.url, 'GET', '/sync', { token: ghostToken }),
      request(parley.url, 'GET', '/users?query=', { token: ghostToken }),
      request(parley.url, 'GET', `/users/${bob.user.id}`, { token: ghostToken }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
    const bobsView = await request(parley.url, 'GET', `/chats/${bob.user.id}/with/${ghostId}`, { token: bob.token });
    expect(bobsView.status).toBe(404); // and nothing was stored in the ghost's name
  });

  it('cannot open a socket', async () => {
    expect((await refusal(parley.url, { token: ghostToken })).data?.code).toBe('unauthorized');
  });
});
