import { createRateLimiter, type RedisClient } from '../../../redis/index.js';

export interface LoginThrottleOptions {
  /** Failed logins of one account from one address per hour before that address must wait; 0: no limit. */
  failuresPerAccountAndAddress: number;
  /** Failed logins of one account from anywhere per day before everyone must wait; 0: no limit. */
  failuresPerAccount: number;
  redis?: RedisClient | undefined;
}

/**
 * Password guessing, account by account (rate-limiter-flexible's login pattern): one address
 * may fail an account a few times an hour, a botnet all its addresses together some more times a
 * day; a success forgets that address's failures. Other accounts behind the same address (a NAT)
 * are not affected by one account's failures.
 */
export function createLoginThrottle({ failuresPerAccountAndAddress, failuresPerAccount, redis }: LoginThrottleOptions) {
  const byAccountAndAddress = createRateLimiter({
    keyPrefix: 'rl:login:account-address',
    points: failuresPerAccountAndAddress,
    windowSeconds: 3600,
    redis,
  });
  const byAccount = createRateLimiter({ keyPrefix: 'rl:login:account', points: failuresPerAccount, windowSeconds: 86_400, redis });
  const account = (username: string) => username.toLowerCase();
  const accountAndAddress = (username: string, address: string) => `${account(username)}@${address}`;

  return {
    /** Throws rate_limited (with the seconds to wait) when this login may not be tried now. */
    async check(username: string, address: string): Promise<void> {
      await Promise.all([byAccountAndAddress.check(accountAndAddress(username, address)), byAccount.check(account(username))]);
    },
    async failed(username: string, address: string): Promise<void> {
      // Past the limit consume throws; this attempt was answered already, the next check refuses.
      const count = (consume: Promise<void>) => consume.catch(() => undefined);
      await Promise.all([count(byAccountAndAddress.consume(accountAndAddress(username, address))), count(byAccount.consume(account(username)))]);
    },
    async succeeded(username: string, address: string): Promise<void> {
      await byAccountAndAddress.reset(accountAndAddress(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
