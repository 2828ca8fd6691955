import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { makeDataDir, startTestParley } from '../helpers/parley.js';
import { startTestRedis } from '../helpers/redis-server.js';
import { connectSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

describe('open sockets whose credentials end', () => {
  it('are disconnected once their token expires', async () => {
    const parley = await startTestParley({ env: { JWT_TTL: '2', CREDENTIAL_CHECK_INTERVAL: '1' } });
    try {
      const user = await registerUser(parley.url);
      const socket = await connectSocket(parley.url, { token: user.token });
      const reason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(await reason).toBe('io server disconnect'); // the client must authenticate again
      socket.close();
    } finally {
      await parley.dispose();
    }
  });

  it('are disconnected on every instance after a logout made while Redis was away', async () => {
    const redis = await startTestRedis();
    const dataDir = makeDataDir();
    const env = { REDIS_URL: redis.url, CREDENTIAL_CHECK_INTERVAL: '1' };
    const a = await startTestParley({ env, dataDir });
    const b = await startTestParley({ env, dataDir });
    try {
      const user = await registerUser(a.url);
      const bystander = await registerUser(a.url);
      const onB = await connectSocket(b.url, { token: user.token });
      const bystanderOnB = await connectSocket(b.url, { token: bystander.token });
      await redis.stop(); // the adapter cannot carry the logout's disconnect to B now
      expect((await request(a.url, 'POST', '/auth/logout', { token: user.token })).status).toBe(204);
      await waitFor(() => !onB.connected, 10_000);
      expect(bystanderOnB.connected).toBe(true);
      onB.close();
      bystanderOnB.close();
    } finally {
      await a.dispose();
      await b.dispose();
      await redis.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
