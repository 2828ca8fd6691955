import type { User } from './users.repository.js';

/** Who blocks whom; implemented by every store driver (src/store/*), held to one contract suite. */
export interface BlockRepository {
  /** Idempotent: blocking again keeps the first block. */
  block(blockerId: string, blockedId: string, at: Date): Promise<void>;
  /** Idempotent: unblocking someone not blocked changes nothing. */
  unblock(blockerId: string, blockedId: string): Promise<void>;
  /** The users the blocker blocks, most recently blocked first. */
  listBlocked(blockerId: string): Promise<User[]>;
  /** Whether either of the two blocks the other. */
  eitherBlocks(userA: string, userB: string): Promise<boolean>;
  /** Whether `blockerId` blocks `blockedId` (one way). */
  blocks(blockerId: string, blockedId: string): Promise<boolean>;
  /** Those among `candidateIds` who block `blockedId` (each once, in no particular order), in one query. */
  blockersAmong(blockedId: string, candidateIds: readonly string[]): Promise<string[]>;
}
