import type { BlockRepository, User } from '../../modules/users/index.js';
import type { SqliteConnection } from './connection.js';

interface BlockedUserRow {
  id: string;
  username: string;
  created_at: string;
}

export function createBlockRepository({ db, run }: SqliteConnection): BlockRepository {
  const insert = db.prepare<[string, string, string]>('INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)');
  const remove = db.prepare<[string, string]>('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?');
  const blockedBy = db.prepare<[string], BlockedUserRow>(
    `SELECT u.id, u.username, u.created_at FROM blocks b JOIN users u ON u.id = b.blocked_id
     WHERE b.blocker_id = ? ORDER BY b.created_at DESC, u.id`,
  );
  const blockersAmong = db
    .prepare<[string, string], string>('SELECT blocker_id FROM blocks WHERE blocked_id = ? AND blocker_id IN (SELECT value FROM json_each(?))')
    .pluck();
  const oneWay = db.prepare<[string, string], number>('SELECT 1 FROM blocks WHERE blocker_id = ? AND blocked_id = ?').pluck();

  return {
    async block(blockerId, blockedId, at) {
      await run(() => insert.run(blockerId, blockedId, at.toISOString()));
    },
    async unblock(blockerId, blockedId) {
      await run(() => remove.run(blockerId, blockedId));
    },
    async listBlocked(blockerId) {
      const rows = await run(() => blockedBy.all(blockerId));
      return rows.map((row): User => ({ id: row.id, username: row.username, createdAt: row.created_at }));
    },
    eitherBlocks: (a, b) => run(() => oneWay.get(a, b) !== undefined || oneWay.get(b, a) !== undefined),
    blocks: (blockerId, blockedId) => run(() => oneWay.get(blockerId, blockedId) !== undefined),
    async blockersAmong(blockedId, candidateIds) {
      if (candidateIds.length === 0) return [];
      return run(() => blockersAmong.all(blockedId, JSON.stringify([...new Set(candidateIds)])));
    },
  };
}
