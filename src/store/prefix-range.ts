/** Exclusive upper bound of all strings that start with the prefix, for index range scans. */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\uffff`;
}
