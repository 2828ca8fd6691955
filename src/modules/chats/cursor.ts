import { errors } from '../../shared/errors.js';

/*
 * Cursors are opaque to clients: a kind tag and a seq, base64url-encoded. The tag keeps a
 * history cursor from being used as a sync cursor and the other way round.
 */
type CursorKind = 'h1' | 's1';

function encodeCursor(kind: CursorKind, seq: number): string {
  return Buffer.from(`${kind}:${seq}`).toString('base64url');
}

function decodeCursor(kind: CursorKind, cursor: string, field: string): number {
  const match = /^([a-z]\d):(0|[1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = match && match[1] === kind ? Number(match[2]) : NaN;
  // Node's decoder skips stray characters, so only an exact re-encoding proves we issued it.
  if (!Number.isSafeInteger(seq) || encodeCursor(kind, seq) !== cursor) {
    throw errors.validation(`${field}: not a cursor this server issued`);
  }
  return seq;
}

/** History: "everything older than seq". */
export function encodeHistoryCursor(seq: number): string {
  return encodeCursor('h1', seq);
}

export function decodeHistoryCursor(cursor: string): number {
  const seq = decodeCursor('h1', cursor, 'before');
  if (seq === 0) throw errors.validation('before: not a cursor this server issued');
  return seq;
}

/** Sync: "everything committed after seq" (0: from the start). */
export function encodeSyncCursor(seq: number): string {
  return encodeCursor('s1', seq);
}

export function decodeSyncCursor(cursor: string): number {
  return decodeCursor('s1', cursor, 'since');
}

/**
 * Inbox: "conversations placed below `before` in the listing cut from snapshot `asOf`" (both feed
 * positions). Its own tag and shape, so no other cursor passes for one.
 */
export interface InboxCursor {
  asOf: number;
  before: number;
}

export function encodeInboxCursor({ asOf, before }: InboxCursor): string {
  return Buffer.from(`i1:${asOf}:${before}`).toString('base64url');
}

export function decodeInboxCursor(cursor: string): InboxCursor {
  const match = /^i1:([1-9]\d{0,15}):([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const asOf = Number(match?.[1]);
  const before = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(asOf) || !Number.isSafeInteger(before) || encodeInboxCursor({ asOf, before }) !== cursor) {
    throw errors.validation('before: not a cursor this server issued');
  }
  return { asOf, before };
}
