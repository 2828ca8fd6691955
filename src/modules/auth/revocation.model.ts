import { Schema, type Connection, type Model } from 'mongoose';

export interface RevocationDocument {
  /** The revoked token id (jti) or session id. */
  _id: string;
  expiresAt: Date;
}

const revocationSchema = new Schema<RevocationDocument>(
  { _id: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { collection: 'revocations', versionKey: false, autoIndex: false },
);
// MongoDB deletes a revocation once the credential it names has expired anyway.
revocationSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type RevocationModel = Model<RevocationDocument>;

export function revocationModel(connection: Connection): RevocationModel {
  return connection.model<RevocationDocument>('Revocation', revocationSchema);
}
