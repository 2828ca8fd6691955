import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('keeps a URL without a query as it is', () => {
    expect(redactUrl('/chats/a/with/b')).toBe('/chats/a/with/b');
  });

  it('keeps the values of pagination and search parameters', () => {
    expect(redactUrl('/sync?since=czE6NA&limit=50')).toBe('/sync?since=czE6NA&limit=50');
    expect(redactUrl('/users?query=ali&limit=5')).toBe('/users?query=ali&limit=5');
  });

  it('redacts every other value, whatever its name, keeping the names', () => {
    expect(redactUrl('/auth/me?token=eyJhbGciOi.x.y&limit=1')).toBe('/auth/me?token=[redacted]&limit=1');
    expect(redactUrl('/x?access_token=abc&password=hunter2&k=v=w')).toBe('/x?access_token=[redacted]&password=[redacted]&k=[redacted]');
    expect(redactUrl('/x?flag&limit=2')).toBe('/x?flag&limit=2');
  });
});
