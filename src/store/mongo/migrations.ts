import { SchemaTooNewError } from '../store.js';
import { conversationsFromMessages } from './conversations-migration.js';
import { ensureMessageSequence, perUserFeeds } from './feeds-migration.js';
import type { MongoModels } from './models.js';

/** One step of the schema's data: applied once per database, in order. */
export interface MongoMigration {
  version: number;
  description: string;
  /**
   * Must be idempotent: several instances starting at once may all run it (MongoDB has no
   * transaction around index builds), and the version is recorded only after it succeeds.
   */
  up(models: MongoModels): Promise<void>;
}

/** Never edit a step that has shipped: add the next one. */
export const MONGO_MIGRATIONS: readonly MongoMigration[] = [
  // Release 0.1.0 wrote this counter at every start and recorded no version.
  { version: 1, description: 'the message sequence counter', up: ensureMessageSequence },
  { version: 2, description: 'per-user feeds and per-conversation counters instead of one store-wide counter', up: perUserFeeds },
  {
    version: 3,
    description: 'conversations (last message, unread count, read and delivered watermarks) and messages’ feed positions; existing messages all count as read',
    up: conversationsFromMessages,
  },
  // Nothing to move: the collection and its index come with every start's createIndexes. Recorded
  // so that an older release, which would ignore blocks, refuses the database.
  { version: 4, description: 'blocks: who blocks whom', up: async () => {} },
  // Nothing to move: the new fields of messages (editedAt, deletedAt, feedSenderPos,
  // feedReceiverPos) are optional, absent on every message stored so far, and need no index.
  // Recorded so that an older release refuses the database: it would misread the feeds, syncing a
  // moved (changed) message as if it were a plain one, a deleted message as one with empty text and
  // an edited one as never edited.
  {
    version: 5,
    description: 'message edits and deletions: editedAt, deletedAt, and the feed positions a change moved the message to',
    up: async () => {},
  },
  // Nothing to move: users' new field lastSeenAt is optional (absent: never seen offline) and needs
  // no index. Recorded so that an older release refuses the database.
  { version: 6, description: 'users.lastSeenAt: when the user\'s last socket closed, as announced to their contacts', up: async () => {} },
];

const SCHEMA_DOCUMENT = 'schema';

export interface MigrationOutcome {
  from: number;
  to: number;
}

/**
 * Brings the database to this release's schema: refuses one written by a newer release
 * (before touching it), creates every index declared on the models (idempotent, at every
 * start), runs the data steps the database lacks, then records the new version in
 * `parley_meta` ({ _id: "schema", version }, only ever raised).
 */
export async function migrateMongo(models: MongoModels, migrations: readonly MongoMigration[] = MONGO_MIGRATIONS): Promise<MigrationOutcome> {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = (await models.meta.findById(SCHEMA_DOCUMENT).lean().exec())?.version ?? 0;
  if (current > latest) {
    throw new SchemaTooNewError(
      `The MongoDB database ${models.meta.db.name} has schema version ${current}, but this release of Parley knows versions up to ` +
        `${latest}: it was written by a newer release. Run that release (or newer), or restore a backup made by this one.`,
    );
  }
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  for (const migration of migrations) if (migration.version > current) await migration.up(models);
  if (current < latest) {
    await models.meta.updateOne({ _id: SCHEMA_DOCUMENT }, { $max: { version: latest } }, { upsert: true }).exec();
  }
  return { from: current, to: latest };
}
