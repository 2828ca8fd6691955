import type { ChatMessage } from '../../src/protocol/events.js';
import { registerUser, request, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley, type TestParleyOptions } from '../helpers/parley.js';
import { check } from './expectations.js';
import { rawRequest, type RawResponse } from './raw-http.js';

/**
 * One real Parley instance per test file with a few users registered once, and what each
 * user has stored so far: after every input, a sync from each user's cursor shows exactly what
 * that input stored.
 */
export class FuzzWorld {
  private readonly cursors = new Map<string, string>();
  readonly tally = new Tally();

  private constructor(
    readonly parley: TestParley,
    readonly users: RegisteredUser[],
  ) {}

  static async start(userCount = 3, options: TestParleyOptions = {}): Promise<FuzzWorld> {
    const parley = await startTestParley(options);
    const users: RegisteredUser[] = [];
    for (let i = 0; i < userCount; i++) users.push(await registerUser(parley.url, uniqueUsername(`fuzz${i}`)));
    const world = new FuzzWorld(parley, users);
    await world.takeNewMessages();
    return world;
  }

  get url(): string {
    return this.parley.url;
  }

  user(index: number): RegisteredUser {
    return this.users[index % this.users.length] as RegisteredUser;
  }

  /** Every message stored for each user since the previous call, by user id; moves the cursors on. */
  async takeNewMessages(): Promise<Map<string, ChatMessage[]>> {
    const found = new Map<string, ChatMessage[]>();
    for (const user of this.users) {
      const messages: ChatMessage[] = [];
      for (let more = true; more; ) {
        const since = this.cursors.get(user.user.id);
        const page = await request(this.url, 'GET', `/sync?limit=500${since ? `&since=${since}` : ''}`, { token: user.token });
        check(page.status === 200, 'sync failed', page.body);
        messages.push(...page.body.messages);
        this.cursors.set(user.user.id, page.body.cursor);
        more = page.body.hasMore;
      }
      found.set(user.user.id, messages);
    }
    return found;
  }

  /** What the input stored must be nothing at all. */
  async checkNothingStored(input: unknown): Promise<void> {
    const stored = [...(await this.takeNewMessages()).values()].flat();
    check(stored.length === 0, 'a rejected input stored messages', { input, stored });
  }

  async dispose(): Promise<void> {
    await this.parley.dispose();
  }
}

export const bearer = (user: RegisteredUser) => ({ authorization: `Bearer ${user.token}` });

/** A GET as `user`. */
export function getAs(baseUrl: string, user: RegisteredUser, path: string): Promise<RawResponse> {
  return rawRequest(baseUrl, { method: 'GET', path, headers: bearer(user) });
}

/** How many inputs a route got and how it answered them, printed after each property. */
export class Tally {
  private readonly outcomes = new Map<string, Map<string, number>>();

  record(route: string, outcome: string | number): void {
    const counts = this.outcomes.get(route) ?? new Map<string, number>();
    counts.set(String(outcome), (counts.get(String(outcome)) ?? 0) + 1);
    this.outcomes.set(route, counts);
  }

  /** One line per route: "[fuzz] POST /auth/login: 30 inputs (200: 3, 400 validation_failed: 20, ...)". */
  report(route: string): string {
    const counts = [...(this.outcomes.get(route) ?? new Map<string, number>()).entries()].sort(([a], [b]) => a.localeCompare(b));
    const total = counts.reduce((sum, [, count]) => sum + count, 0);
    return `[fuzz] ${route}: ${total} inputs (${counts.map(([outcome, count]) => `${outcome}: ${count}`).join(', ')})`;
  }
}

/** "201", "400 validation_failed": what a tally records for an answer. */
export function outcomeOf(status: number, body: any): string {
  const code = body?.error?.code;
  return typeof code === 'string' ? `${status} ${code}` : String(status);
}
