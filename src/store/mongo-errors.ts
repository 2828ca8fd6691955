/** MongoDB's duplicate key error (E11000), raised by unique indexes. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}
