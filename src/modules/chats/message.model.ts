import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface MessageDocument {
  _id: Types.ObjectId;
  /** Ordering key from the `counters` collection: grows in the order sends are stored. */
  seq: number;
  conversationId: string;
  senderId: string;
  receiverId: string;
  message: string;
  clientMsgId?: string;
  createdAt: Date;
}

export interface CounterDocument {
  _id: string;
  value: number;
}

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
  { collection: 'messages', versionKey: false, autoIndex: false },
);
messageSchema.index({ seq: 1 }, { unique: true });
messageSchema.index({ conversationId: 1, seq: -1 });
messageSchema.index({ senderId: 1, seq: 1 });
messageSchema.index({ receiverId: 1, seq: 1 });
messageSchema.index(
  { senderId: 1, clientMsgId: 1 },
  { unique: true, partialFilterExpression: { clientMsgId: { $type: 'string' } } },
);

const counterSchema = new Schema<CounterDocument>(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { collection: 'counters', versionKey: false, autoIndex: false },
);

export type MessageModel = Model<MessageDocument>;
export type CounterModel = Model<CounterDocument>;

export function messageModel(connection: Connection): MessageModel {
  return connection.model<MessageDocument>('Message', messageSchema);
}

export function counterModel(connection: Connection): CounterModel {
  return connection.model<CounterDocument>('Counter', counterSchema);
}
