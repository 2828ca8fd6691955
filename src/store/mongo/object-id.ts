const objectIdHex = /^[0-9a-f]{24}$/i;

/** Ids Parley hands out for MongoDB documents are 24 hex digits; anything else matches nothing. */
export function isObjectIdHex(id: string): boolean {
  return objectIdHex.test(id);
}
