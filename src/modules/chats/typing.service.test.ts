import { describe, expect, it } from 'vitest';
import { directConversationId } from './conversation-id.js';
import { MessageEvents, type Typing } from './message-events.js';
import { createTypingService, TYPING_THROTTLE_MS } from './typing.service.js';

function setUp(blocked: string[][] = []) {
  const events = new MessageEvents();
  const forwarded: Typing[] = [];
  events.on('typing', (typing) => forwarded.push(typing));
  let clock = 0;
  const eitherBlocks = async (a: string, b: string) => blocked.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const service = createTypingService({ events, eitherBlocks, now: () => clock });
  return { service, forwarded, advance: (ms: number) => (clock += ms) };
}

describe('typing', () => {
  const conversationId = directConversationId('alice', 'bob');

  it('forwards to the peer at most one "typing" per user and conversation per throttle period, and every "stopped"', async () => {
    const { service, forwarded, advance } = setUp();
    await service.typing('alice', { conversationId, isTyping: true });
    advance(TYPING_THROTTLE_MS - 1);
    await service.typing('alice', { conversationId, isTyping: true }); // dropped
    expect(forwarded).toEqual([{ conversationId, userId: 'alice', peerId: 'bob', isTyping: true }]);
    await service.typing('bob', { conversationId, isTyping: true }); // the other participant has a throttle of its own
    advance(1);
    await service.typing('alice', { conversationId, isTyping: true });
    await service.typing('alice', { conversationId, isTyping: false });
    await service.typing('alice', { conversationId, isTyping: false });
    await service.typing('alice', { conversationId, isTyping: true }); // right after "stopped": still within the second
    advance(TYPING_THROTTLE_MS);
    await service.typing('alice', { conversationId, isTyping: true });
    expect(forwarded.map((t) => `${t.userId}:${t.isTyping}`)).toEqual([
      'alice:true',
      'bob:true',
      'alice:true',
      'alice:false',
      'alice:false',
      'alice:true',
    ]);
  });

  it('refuses a conversation the user is not in with not_found, and forwards nothing for one with oneself', async () => {
    const { service, forwarded } = setUp();
    await expect(service.typing('carol', { conversationId, isTyping: true })).rejects.toMatchObject({ code: 'not_found' });
    await service.typing('alice', { conversationId: directConversationId('alice', 'alice'), isTyping: true });
    expect(forwarded).toEqual([]);
  });
});

describe('typing between users who block each other', () => {
  it('is dropped quietly both ways', async () => {
    const { service, forwarded } = setUp([['bob', 'alice']]);
    const conversationId = directConversationId('alice', 'bob');
    await service.typing('alice', { conversationId, isTyping: true });
    await service.typing('bob', { conversationId, isTyping: false });
    expect(forwarded).toEqual([]);
  });
});
