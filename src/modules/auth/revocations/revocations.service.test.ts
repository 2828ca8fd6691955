import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../../shared/identity.js';
import type { UserRepository } from '../../users/index.js';
import { AuthEvents } from '../auth-events.js';
import { createTokenService } from '../tokens/tokens.js';
import { CLOCK_SKEW_TOLERANCE_MS } from './clock-skew.js';
import type { RevocationRepository } from './revocations.repository.js';
import { createRevocationService } from './revocations.service.js';

/*
 * Instances whose clocks disagree, in one process: each step runs "on" an instance by setting the
 * (fake) clock to that instance's reading. What one instance records with its clock and another
 * compares with its own must keep its meaning. (test/faults/clock-skew.test.ts does the same with
 * real processes under libfaketime.)
 */
const SKEW_MS = 5 * 60 * 1000;
const TTL_SECONDS = 3600; // longer than the skew: a token from one instance is within its lifetime on the others

/** The store's revocations, as the SQLite driver keeps them (latest "before" wins). */
function memoryRevocations(): RevocationRepository {
  const credentials = new Map<string, number>();
  const users = new Map<string, { before: number; expiresAt: number }>();
  return {
    async revoke(credentialId, expiresAt) {
      if (!credentials.has(credentialId)) credentials.set(credentialId, expiresAt.getTime());
    },
    async isRevoked(credentialId) {
      return credentials.has(credentialId);
    },
    async revokeAllBefore(userId, before, expiresAt) {
      const known = users.get(userId);
      users.set(userId, { before: Math.max(known?.before ?? 0, before.getTime()), expiresAt: Math.max(known?.expiresAt ?? 0, expiresAt.getTime()) });
    },
    async revokedBefore(userId) {
      const known = users.get(userId);
      return known === undefined ? undefined : new Date(known.before);
    },
    async purgeExpired(now) {
      let purged = 0;
      for (const [id, expiresAt] of credentials) if (expiresAt < now.getTime() && credentials.delete(id)) purged += 1;
      for (const [id, { expiresAt }] of users) if (expiresAt < now.getTime() && users.delete(id)) purged += 1;
      return purged;
    },
  };
}

let realNow: number;
const clocks = { ahead: SKEW_MS, exact: 0, behind: -SKEW_MS };
/** Runs the next steps on an instance whose clock is that far off (and `laterMs` into the test). */
const on = (instance: keyof typeof clocks, laterMs = 0) => vi.setSystemTime(realNow + laterMs + clocks[instance]);

function setup() {
  const revocations = memoryRevocations();
  const tokens = createTokenService({ secret: 'clock-skew-test-secret-0123456789abcdef', ttlSeconds: TTL_SECONDS });
  const users = { findById: async (id: string) => ({ id, username: id, createdAt: '' }) } as unknown as UserRepository;
  const service = createRevocationService({
    revocations,
    users,
    tokens,
    sessions: { keepAlive: async () => true },
    sessionTtlSeconds: TTL_SECONDS,
    events: new AuthEvents(),
  });
  /** A login as the routes do it: the token's issue instant from the service, on the current clock. */
  const login = async (userId: string) => tokens.issue(userId, undefined, await service.issueInstant(userId));
  const accepted = (token: string) => service.authenticateToken(token).then(() => true, () => false);
  return { revocations, tokens, service, login, accepted };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  realNow = Date.now();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('revocations across instances whose clocks disagree by 5 minutes', () => {
  it('log out everywhere on the instance behind ends a login made a moment before on the instance ahead', async () => {
    const { service, login, accepted } = setup();
    on('ahead');
    const token = await login('u1');
    on('behind', 1000);
    await service.logoutEverywhere('u1');
    for (const instance of ['ahead', 'exact', 'behind'] as const) {
      on(instance, 2000);
      expect(await accepted(token), `checked on ${instance}`).toBe(false);
    }
  });

  it('a login made a moment after logging out everywhere on the instance ahead works everywhere, and the next log out everywhere ends it', async () => {
    const { service, login, accepted } = setup();
    on('ahead');
    await service.logoutEverywhere('u2');
    on('behind', 1000);
    const token = await login('u2');
    on('exact', 2000);
    expect(await accepted(token)).toBe(true);
    on('behind', 3000);
    expect(await accepted(token)).toBe(true);
    on('behind', 4000); // long before its own clock reaches the first one's instant
    await service.logoutEverywhere('u2');
    on('exact', 5000);
    expect(await accepted(token)).toBe(false);
  });

  it('a login in the same second as (and after) a log out everywhere on the same clock works', async () => {
    const { service, login, accepted } = setup();
    vi.setSystemTime(Math.floor(realNow / 1000) * 1000 + 100);
    await service.logoutEverywhere('u3');
    vi.setSystemTime(Math.floor(realNow / 1000) * 1000 + 900);
    expect(await accepted(await login('u3'))).toBe(true);
  });

  it(`revokes what was issued up to ${CLOCK_SKEW_TOLERANCE_MS / 60_000} minutes ahead of its own clock, no more`, async () => {
    const { service, tokens, accepted } = setup();
    const at = async (offsetMs: number) => tokens.issue('u4', undefined, new Date(realNow + offsetMs));
    const within = await at(CLOCK_SKEW_TOLERANCE_MS - 2000);
    const beyond = await at(CLOCK_SKEW_TOLERANCE_MS + 2000);
    on('exact');
    await service.logoutEverywhere('u4');
    expect(await accepted(within)).toBe(false);
    expect(await accepted(beyond)).toBe(true);
  });

  it('keeps a logout in force on a clock behind after an instance ahead has purged expired revocations', async () => {
    const { revocations, service, tokens, accepted } = setup();
    on('exact');
    const token = await tokens.issue('u5');
    const identity: Identity = { userId: 'u5', token: await tokens.verify(token) };
    await service.logout(identity);
    const later = (TTL_SECONDS - 60) * 1000;
    on('ahead', later); // the token expired by this clock: its revocation may go
    await revocations.purgeExpired(new Date());
    on('behind', later); // and by this one it has not expired yet
    expect((await tokens.verify(token)).expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await accepted(token)).toBe(false);
  });
});
