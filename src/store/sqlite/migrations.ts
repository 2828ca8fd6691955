import type { Database } from 'better-sqlite3';
import { SchemaTooNewError } from '../store.js';

/** One step of the schema, applied once, in order, inside the transaction that records it. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

/*
 * Never edit a step that has shipped: add the next one. A step may be applied to a database
 * that other processes are reading (WAL), and must leave every committed row intact.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // Release 0.1.0 created these tables without recording a version (user_version 0), hence
    // IF NOT EXISTS: on its databases this step changes nothing but the version.
    description: 'users, messages (seq in commit order, idempotent clientMsgId) and revocations',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS users (
          id             TEXT PRIMARY KEY,
          username       TEXT NOT NULL,
          username_lower TEXT NOT NULL UNIQUE,
          password_hash  TEXT NOT NULL,
          created_at     TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS messages (
          seq             INTEGER PRIMARY KEY AUTOINCREMENT,
          conversation_id TEXT NOT NULL,
          sender_id       TEXT NOT NULL,
          receiver_id     TEXT NOT NULL,
          body            TEXT NOT NULL,
          client_msg_id   TEXT,
          created_at      TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, seq);
        CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (sender_id, seq);
        CREATE INDEX IF NOT EXISTS messages_by_receiver ON messages (receiver_id, seq);
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_msg_id
          ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS revocations (
          credential_id TEXT PRIMARY KEY,
          expires_at    INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS revocations_by_expiry ON revocations (expires_at);
      `);
    },
  },
  {
    version: 2,
    description: 'user_revocations: "log out everywhere" revokes every credential of a user issued before an instant',
    up(db) {
      db.exec(`
        CREATE TABLE user_revocations (
          user_id        TEXT PRIMARY KEY,
          revoked_before INTEGER NOT NULL,
          expires_at     INTEGER NOT NULL
        );
        CREATE INDEX user_revocations_by_expiry ON user_revocations (expires_at);
      `);
    },
  },
  {
    version: 3,
    description:
      'conversations: one row per user and conversation (last message, unread count, read and delivered watermarks); ' +
      'existing messages all count as read',
    up(db) {
      // The watermarks point at the newest message the user received: all read, nothing unread.
      db.exec(`
        CREATE TABLE conversations (
          user_id         TEXT NOT NULL,
          conversation_id TEXT NOT NULL,
          peer_id         TEXT NOT NULL,
          last_seq        INTEGER NOT NULL,
          unread_count    INTEGER NOT NULL DEFAULT 0,
          read_seq        INTEGER NOT NULL DEFAULT 0,
          delivered_seq   INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (user_id, conversation_id)
        ) WITHOUT ROWID;
        CREATE INDEX conversations_by_activity ON conversations (user_id, last_seq);
        INSERT INTO conversations (user_id, conversation_id, peer_id, last_seq, unread_count, read_seq, delivered_seq)
          SELECT user_id, conversation_id, peer_id, max(seq), 0, max(received_seq), max(received_seq)
          FROM (
            SELECT sender_id AS user_id, receiver_id AS peer_id, conversation_id, seq, 0 AS received_seq FROM messages
            UNION ALL
            SELECT receiver_id, sender_id, conversation_id, seq, seq FROM messages WHERE receiver_id <> sender_id
          )
          GROUP BY user_id, conversation_id;
      `);
    },
  },
  {
    version: 4,
    description: 'blocks: who blocks whom',
    up(db) {
      db.exec(`
        CREATE TABLE blocks (
          blocker_id TEXT NOT NULL,
          blocked_id TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (blocker_id, blocked_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 5,
    description: 'message edits and deletions: editedAt, deletedAt, and the feed position a change moved the message to',
    up(db) {
      // changed_pos: a changed message's place in its participants' feeds (NULL: its seq). Partial
      // indexes: only changed messages have an entry, so sends pay nothing for them.
      db.exec(`
        ALTER TABLE messages ADD COLUMN edited_at TEXT;
        ALTER TABLE messages ADD COLUMN deleted_at TEXT;
        ALTER TABLE messages ADD COLUMN changed_pos INTEGER;
        CREATE INDEX messages_changed_by_sender ON messages (sender_id, changed_pos) WHERE changed_pos IS NOT NULL;
        CREATE INDEX messages_changed_by_receiver ON messages (receiver_id, changed_pos) WHERE changed_pos IS NOT NULL;
      `);
    },
  },
  {
    version: 6,
    description: 'users.last_seen_at: when the user\'s last socket closed, as announced to their contacts',
    up(db) {
      db.exec('ALTER TABLE users ADD COLUMN last_seen_at TEXT');
    },
  },
];

export interface MigrationOutcome {
  from: number;
  to: number;
}

const schemaVersionOf = (db: Database) => db.pragma('user_version', { simple: true }) as number;

/**
 * Brings the database to the newest schema this release knows: the steps it lacks, in order,
 * and the new version (PRAGMA user_version), in one IMMEDIATE transaction, so that a step that
 * fails leaves the database as it was and two processes opening it at once apply each step
 * once. A database written by a newer release is refused, never touched.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): MigrationOutcome {
  const latest = migrations.at(-1)?.version ?? 0;
  return db
    .transaction((): MigrationOutcome => {
      const current = schemaVersionOf(db);
      if (current > latest) {
        throw new SchemaTooNewError(
          `The SQLite database ${db.name} has schema version ${current}, but this release of Parley knows versions up to ` +
            `${latest}: it was written by a newer release. Run that release (or newer), or restore a backup made by this one.`,
        );
      }
      for (const migration of migrations) if (migration.version > current) migration.up(db);
      if (current !== latest) db.pragma(`user_version = ${latest}`);
      return { from: current, to: latest };
    })
    .immediate();
}
