import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface UserDocument {
  _id: Types.ObjectId;
  username: string;
  /** Unique: usernames are unique whatever their letter case. */
  usernameLower: string;
  passwordHash: string;
  createdAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    username: { type: String, required: true },
    usernameLower: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false, autoIndex: false },
);
userSchema.index({ usernameLower: 1 }, { unique: true });

export type UserModel = Model<UserDocument>;

export function userModel(connection: Connection): UserModel {
  return connection.model<UserDocument>('User', userSchema);
}
