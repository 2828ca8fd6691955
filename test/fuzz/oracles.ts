/*
 * What the README promises each input gets, written apart from the code under test: the
 * fuzz properties compare the server's answer with these.
 */

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Well-formed UTF-16: survives a trip through UTF-8 unchanged. */
export const isWellFormed = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

export const codePoints = (text: string) => Array.from(text).length;

/** README: usernames are 3-32 characters of A-Z a-z 0-9 _ . - */
export const isValidUsername = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_.-]{3,32}$/.test(value);

/** README: passwords are 8-128 characters (code points, as zod counts them), well-formed. */
export const isValidPassword = (value: unknown): value is string =>
  typeof value === 'string' && codePoints(value) >= 8 && codePoints(value) <= 128 && isWellFormed(value);

/** Shows nothing: made only of White_Space, Default_Ignorable_Code_Point and control characters. */
export const isBlank = (text: string) => [...text].every((c) => /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}]/u.test(c));

/** README: 1-4000 code points, well-formed, not blank. */
export const isValidMessageText = (value: unknown): value is string =>
  typeof value === 'string' && isWellFormed(value) && !isBlank(value) && codePoints(value) <= 4000;

/** README: 1-64 printable ASCII characters, no spaces. */
export const isValidClientMsgId = (value: unknown): value is string => typeof value === 'string' && /^[\x21-\x7e]{1,64}$/.test(value);

/** Ids are 1-64 characters of A-Z a-z 0-9 _ - */
export const isValidId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);

/**
 * The JSON parser's strict mode (express.json): a body that is not an object or an array is
 * refused as invalid_json, even when it is valid JSON (`false`, `1`, `"text"`, `null`).
 */
export const isJsonContainer = (value: unknown) => typeof value === 'object' && value !== null;

/** JSON.parse(JSON.stringify(value)): what the server parses from clean JSON. */
export const overTheWire = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

/** The value a limit query parameter gets: its default when absent, a number, or "invalid". */
export function expectedLimit(value: unknown, fallback: number, max: number): number | 'invalid' {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return 'invalid'; // decimal digits only
  const limit = Number(value);
  return limit >= 1 && limit <= max ? limit : 'invalid';
}

/** A cursor of the server's format (`kind:seq`, base64url, canonical), whoever made it. */
export function isCursor(value: unknown, kind: 'h1' | 's1'): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 64) return false;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^([a-z]\d):(0|[1-9]\d{0,15})$/.exec(text);
  if (!match || match[1] !== kind || !Number.isSafeInteger(Number(match[2]))) return false;
  if (kind === 'h1' && match[2] === '0') return false;
  return Buffer.from(text).toString('base64url') === value;
}

/** README: a direct conversation's id, dm:<user id>:<user id> (which ones exist is the store's answer). */
export const isConversationId = (value: unknown): value is string =>
  typeof value === 'string' && /^dm:[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/.test(value);

/** An inbox cursor of the server's format (`i1:asOf:before`, both positive, base64url, canonical), whoever made it. */
export function isInboxCursor(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 96) return false;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^i1:([1-9]\d{0,15}):([1-9]\d{0,15})$/.exec(text);
  if (!match || !Number.isSafeInteger(Number(match[1])) || !Number.isSafeInteger(Number(match[2]))) return false;
  return Buffer.from(text).toString('base64url') === value;
}

/** The first answer among the checks a route makes, in its order, for a clean input. */
export function firstFailing<T>(checks: [boolean, T][], success: T): T {
  return checks.find(([passes]) => !passes)?.[1] ?? success;
}

/** A path segment as the router decodes it; null when its escapes are malformed. */
export function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
