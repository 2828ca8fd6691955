import { Schema, type Connection, type Model, type Types } from 'mongoose';

/*
 * Every collection Parley keeps in MongoDB, with its indexes. Indexes are created at start-up
 * (migrations.ts), never by Mongoose on its own (autoIndex off).
 */

export interface UserDocument {
  _id: Types.ObjectId;
  username: string;
  /** Unique: usernames are unique whatever their letter case. */
  usernameLower: string;
  passwordHash: string;
  createdAt: Date;
  /** When the user's last socket closed, as announced (schema version 6); absent: never seen offline. */
  lastSeenAt?: Date;
}

export interface MessageDocument {
  _id: Types.ObjectId;
  /** Ordering key in its conversation, from the conversation's counter (`conv:<id>`): grows in the order its sends are stored. */
  seq: number;
  conversationId: string;
  senderId: string;
  receiverId: string;
  message: string;
  clientMsgId?: string;
  createdAt: Date;
  /**
   * The message's position in the sender's and in the receiver's feed (equal for a message to
   * oneself), written by the send's transaction (schema version 3; older messages got theirs from
   * `feeds` in the migration). Within a conversation they grow with `seq`: the inbox finds where
   * a conversation stood as of a snapshot by them. Never changed: an edit or a delete moves the
   * message's feed entries, not these (feedSenderPos, feedReceiverPos).
   */
  senderPos: number;
  receiverPos: number;
  /** When its text was last edited (schema version 5); absent while never edited. */
  editedAt?: Date;
  /** When it was deleted (schema version 5): its text is then "" and it is never edited again. Absent while not deleted. */
  deletedAt?: Date;
  /**
   * Where its `feeds` entries are now (schema version 5): an edit or a delete moves the message to
   * the next position of each participant's counter, in its transaction, and deletes the entries
   * at these positions (by the (userId, pos) index). Absent until its first change: then
   * `senderPos` and `receiverPos`, which never change (history and the inbox keep the message at
   * its original place).
   */
  feedSenderPos?: number;
  feedReceiverPos?: number;
}

/**
 * One entry of a user's feed: a message the user sent or received, at the next position of the
 * user's own counter (`user:<id>`), written in the send's transaction. /sync reads it by index.
 * A message has one entry per participant: an edit or a delete replaces it by one at the next
 * position (messages.ts), so a sync returns the message once, in its latest state.
 */
export interface FeedDocument {
  _id: Types.ObjectId;
  userId: string;
  pos: number;
  messageId: Types.ObjectId;
}

/*
 * Conversations (schema version 3): one document per (user, conversation), the user's side of it,
 * written in the transaction of every send: the last message (`lastPos` is its position in the
 * user's feed: the inbox's order), the receiver's unread count (`$inc`), and the watermarks the
 * user moves by `mark` ("read" recounts the unread, in a transaction of its own). A watermark is a
 * message of the peer's, kept as its `seq` (to compare) and its id (to show); 0 and null for none.
 * Positions and seqs of one conversation grow together, so `lastPos` orders the inbox and a
 * message's `senderPos`/`receiverPos` tells where the conversation stood at an earlier position.
 */
export interface ConversationDocument {
  _id: Types.ObjectId;
  userId: string;
  conversationId: string;
  /** The other participant; the user themselves in a conversation with oneself. */
  peerId: string;
  /** The last message's position in userId's feed. */
  lastPos: number;
  lastMessageId: Types.ObjectId;
  lastSeq: number;
  /** The peer's messages after readSeq. */
  unreadCount: number;
  readSeq: number;
  readMessageId: Types.ObjectId | null;
  deliveredSeq: number;
  deliveredMessageId: Types.ObjectId | null;
}

/** `blockerId` blocks `blockedId` (schema version 4). */
export interface BlockDocument {
  _id: Types.ObjectId;
  blockerId: string;
  blockedId: string;
  createdAt: Date;
}

export interface CounterDocument {
  _id: string;
  value: number;
}

export interface RevocationDocument {
  /** The revoked credential: `token:<jti>` or `session:<sid>`. */
  _id: string;
  expiresAt: Date;
}

export interface UserRevocationDocument {
  /** The user's id. */
  _id: string;
  /** Every credential of the user issued before this instant is revoked. */
  revokedBefore: Date;
  expiresAt: Date;
}

/** Parley's own bookkeeping: `{ _id: "schema", version }` records the schema version. */
export interface MetaDocument {
  _id: string;
  version: number;
}

const options = { versionKey: false, autoIndex: false } as const;

const userSchema = new Schema<UserDocument>(
  {
    username: { type: String, required: true },
    usernameLower: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date },
  },
  { collection: 'users', ...options },
);
userSchema.index({ usernameLower: 1 }, { unique: true });

const messageSchema = new Schema<MessageDocument>(
  {
    seq: { type: Number, required: true },
    conversationId: { type: String, required: true },
    senderId: { type: String, required: true },
    receiverId: { type: String, required: true },
    // "" once deleted, which Mongoose's `required` would refuse for a string.
    message: {
      type: String,
      required: function (this: MessageDocument) {
        return !(this.deletedAt instanceof Date);
      },
    },
    clientMsgId: { type: String },
    createdAt: { type: Date, required: true },
    senderPos: { type: Number, required: true },
    receiverPos: { type: Number, required: true },
    editedAt: { type: Date },
    deletedAt: { type: Date },
    feedSenderPos: { type: Number },
    feedReceiverPos: { type: Number },
  },
  { collection: 'messages', ...options },
);
// History pages; the conversation's counter makes (conversationId, seq) unique. Sync reads feeds.
messageSchema.index({ conversationId: 1, seq: -1 });
messageSchema.index({ senderId: 1, clientMsgId: 1 }, { unique: true, partialFilterExpression: { clientMsgId: { $type: 'string' } } });

const feedSchema = new Schema<FeedDocument>(
  {
    userId: { type: String, required: true },
    pos: { type: Number, required: true },
    messageId: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'feeds', ...options },
);
feedSchema.index({ userId: 1, pos: 1 }, { unique: true });

const conversationSchema = new Schema<ConversationDocument>(
  {
    userId: { type: String, required: true },
    conversationId: { type: String, required: true },
    peerId: { type: String, required: true },
    lastPos: { type: Number, required: true },
    lastMessageId: { type: Schema.Types.ObjectId, required: true },
    lastSeq: { type: Number, required: true },
    unreadCount: { type: Number, required: true },
    readSeq: { type: Number, required: true },
    readMessageId: { type: Schema.Types.ObjectId, default: null },
    deliveredSeq: { type: Number, required: true },
    deliveredMessageId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'conversations', ...options },
);
// The send's upserts and find/mark; also the on-key of the migration's $merge (which needs it unique).
conversationSchema.index({ userId: 1, conversationId: 1 }, { unique: true });
// The inbox: a user's conversations by their last message's position, newest first.
conversationSchema.index({ userId: 1, lastPos: -1 });

const blockSchema = new Schema<BlockDocument>(
  {
    blockerId: { type: String, required: true },
    blockedId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'blocks', ...options },
);
// One block per pair; also answers "does A block B" and, by its prefix, A's list.
blockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true });

const counterSchema = new Schema<CounterDocument>(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { collection: 'counters', ...options },
);

const revocationSchema = new Schema<RevocationDocument>(
  { _id: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { collection: 'revocations', ...options },
);
// MongoDB deletes a revocation once the credential it names has expired anyway.
revocationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const userRevocationSchema = new Schema<UserRevocationDocument>(
  { _id: { type: String, required: true }, revokedBefore: { type: Date, required: true }, expiresAt: { type: Date, required: true } },
  { collection: 'user_revocations', ...options },
);
userRevocationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const metaSchema = new Schema<MetaDocument>(
  { _id: { type: String, required: true }, version: { type: Number, required: true } },
  { collection: 'parley_meta', ...options },
);

export interface MongoModels {
  users: Model<UserDocument>;
  messages: Model<MessageDocument>;
  feeds: Model<FeedDocument>;
  conversations: Model<ConversationDocument>;
  blocks: Model<BlockDocument>;
  counters: Model<CounterDocument>;
  revocations: Model<RevocationDocument>;
  userRevocations: Model<UserRevocationDocument>;
  meta: Model<MetaDocument>;
}

export function createModels(connection: Connection): MongoModels {
  return {
    users: connection.model<UserDocument>('User', userSchema),
    messages: connection.model<MessageDocument>('Message', messageSchema),
    feeds: connection.model<FeedDocument>('Feed', feedSchema),
    conversations: connection.model<ConversationDocument>('Conversation', conversationSchema),
    blocks: connection.model<BlockDocument>('Block', blockSchema),
    counters: connection.model<CounterDocument>('Counter', counterSchema),
    revocations: connection.model<RevocationDocument>('Revocation', revocationSchema),
    userRevocations: connection.model<UserRevocationDocument>('UserRevocation', userRevocationSchema),
    meta: connection.model<MetaDocument>('Meta', metaSchema),
  };
}

/** The connection and its models, as the repositories use them. */
export interface MongoConnection {
  connection: Connection;
  models: MongoModels;
  /** STORE_TIMEOUT, in ms: each query's maxTimeMS, and the deadline `run` puts on an operation. */
  timeoutMs: number;
  /** Runs driver calls within timeoutMs, failing with this driver's errors translated (errors.ts). */
  run<T>(operation: () => Promise<T>): Promise<T>;
}
