import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { directConversationId, peerIn } from './conversation-id.js';

describe('directConversationId', () => {
  it('is the same whichever of the two users asks', () => {
    expect(directConversationId('alice', 'bob')).toBe(directConversationId('bob', 'alice'));
    const a = '65f1c0ffee0000000000000a';
    const b = '65f1c0ffee0000000000000b';
    expect(directConversationId(a, b)).toBe(directConversationId(b, a));
  });

  it('names both users', () => {
    const id = directConversationId('u-2', 'u-1');
    expect(id).toContain('u-1');
    expect(id).toContain('u-2');
  });

  it('differs for different pairs', () => {
    // Ids as Parley hands them out and accepts them (idSchema: letters, digits, "_" and "-").
    const users = ['a', 'b', 'c', 'ab', 'a-b', 'a_b', 'b-c', '1', '10', randomUUID(), randomUUID(), '65f1c0ffee0000000000000a'];
    const seen = new Map<string, string>();
    for (const x of users) {
      for (const y of users) {
        if (x === y) continue;
        const pair = [x, y].sort().join(' & ');
        const id = directConversationId(x, y);
        const previous = seen.get(id);
        if (previous !== undefined) expect(previous, `${pair} and ${previous} share ${id}`).toBe(pair);
        seen.set(id, pair);
      }
    }
    expect(seen.size).toBe((users.length * (users.length - 1)) / 2);
    expect(new Set(seen.values()).size).toBe(seen.size);
  });

  it('gives a conversation with oneself an id distinct from any pair', () => {
    expect(directConversationId('a', 'a')).not.toBe(directConversationId('a', 'b'));
  });
});

describe('peerIn', () => {
  it('names the other participant for either of them, and oneself in a conversation with oneself', () => {
    const id = directConversationId('u-2', 'u-1');
    expect(peerIn(id, 'u-1')).toBe('u-2');
    expect(peerIn(id, 'u-2')).toBe('u-1');
    expect(peerIn(directConversationId('me', 'me'), 'me')).toBe('me');
  });

  it('is undefined for anyone else, and for ids directConversationId does not write', () => {
    expect(peerIn(directConversationId('a', 'b'), 'c')).toBeUndefined();
    for (const id of ['dm:b:a', 'dm:a', 'dm:a:b:c', 'a:b', 'dm::a', '']) expect(peerIn(id, 'a'), id).toBeUndefined();
  });
});
