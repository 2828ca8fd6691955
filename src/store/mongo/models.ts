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
}

/**
 * One entry of a user's feed: a message the user sent or received, at the next position of the
 * user's own counter (`user:<id>`), written in the send's transaction. /sync reads it by index.
 */
export interface FeedDocument {
  _id: Types.ObjectId;
  userId: string;
  pos: number;
  messageId: Types.ObjectId;
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
    message: { type: String, required: true },
    clientMsgId: { type: String },
    createdAt: { type: Date, required: true },
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
