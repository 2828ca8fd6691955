import { errors } from '../../shared/errors.js';

const PREFIX = 'h1:';
const seqPattern = /^h1:([1-9]\d{0,15})$/;

/** An opaque page cursor for history: "everything older than seq". */
export function encodeHistoryCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`).toString('base64url');
}

export function decodeHistoryCursor(cursor: string): number {
  const match = seqPattern.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = match ? Number(match[1]) : NaN;
  // Node's decoder skips stray characters, so only an exact re-encoding proves we issued it.
  if (!Number.isSafeInteger(seq) || encodeHistoryCursor(seq) !== cursor) {
    throw errors.validation('before: not a cursor this server issued');
  }
  return seq;
}
