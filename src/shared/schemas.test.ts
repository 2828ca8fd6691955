import { describe, expect, it } from 'vitest';
import { limitSchema } from './schemas.js';

describe('limitSchema', () => {
  const limit = limitSchema(50, 200);

  it('takes decimal digits from a query string and whole numbers from a payload, within bounds, and defaults when absent', () => {
    expect(limit.parse('7')).toBe(7);
    expect(limit.parse('200')).toBe(200);
    expect(limit.parse(12)).toBe(12);
    expect(limit.parse(undefined)).toBe(50);
  });

  it('refuses what Number() would accept but a person would not mean: exponents, hex, spaces, booleans, fractions', () => {
    for (const value of ['1e2', '0x10', ' 5', '5 ', '+5', '-1', '0', '201', '1.5', '', 'abc', true, null, 1.5, 0, 201]) {
      expect(limit.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });
});
