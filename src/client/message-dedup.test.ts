import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../protocol/events.js';
import { MessageDedup } from './message-dedup.js';

const base: ChatMessage = { id: '1', conversationId: 'dm:a:b', senderId: 'a', receiverId: 'b', message: 'hi', createdAt: '2026-12-01T10:00:00.000Z' };
const edited = (at: string, message = 'edited'): ChatMessage => ({ ...base, message, editedAt: at });
const deleted: ChatMessage = { ...base, message: '', editedAt: '2026-12-01T10:01:00.000Z', deletedAt: '2026-12-01T10:02:00.000Z' };

describe('MessageDedup', () => {
  it('admits each version once, newest wins, and never goes back', () => {
    const dedup = new MessageDedup();
    expect(dedup.admit(base)).toBe('new');
    expect(dedup.admit(base)).toBeNull();
    expect(dedup.admit(edited('2026-12-01T10:01:00.000Z'))).toBe('updated');
    expect(dedup.admit(base)).toBeNull(); // the original, replayed by a sync, is older
    expect(dedup.admit(edited('2026-12-01T10:01:00.000Z'))).toBeNull();
    expect(dedup.admit(deleted)).toBe('updated');
    expect(dedup.admit(edited('2026-12-01T10:03:00.000Z'))).toBeNull(); // nothing comes back from deletion
  });

  it('a message first seen edited is new', () => {
    expect(new MessageDedup().admit(edited('2026-12-01T10:01:00.000Z'))).toBe('new');
  });

  it('forgets the oldest beyond its capacity', () => {
    const dedup = new MessageDedup(2);
    for (const id of ['1', '2', '3']) dedup.admit({ ...base, id });
    expect(dedup.admit({ ...base, id: '3' })).toBeNull();
    expect(dedup.admit({ ...base, id: '1' })).toBe('new');
  });
});
