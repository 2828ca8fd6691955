import { describe, expect, it } from 'vitest';
import { directConversationId } from './conversation-id.js';
import { MessageEvents, type Typing } from './message-events.js';
import { createTypingService, TYPING_THROTTLE_MS } from './typing.service.js';

function setUp() {
  const events = new MessageEvents();
  const forwarded: Typing[] = [];
  events.on('typing', (typing) => forwarded.push(typing));
  let clock = 0;
  const service = createTypingService({ events, now: () => clock });
  return { service, forwarded, advance: (ms: number) => (clock += ms) };
}

describe('typing', () => {
  const conversationId = directConversationId('alice', 'bob');

  it('forwards to the peer at most one "typing" per user and conversation per throttle period, and every "stopped"', () => {
    const { service, forwarded, advance } = setUp();
    service.typing('alice', { conversationId, isTyping: true });
    advance(TYPING_THROTTLE_MS - 1);
    service.typing('alice', { conversationId, isTyping: true }); // dropped
    expect(forwarded).toEqual([{ conversationId, userId: 'alice', peerId: 'bob', isTyping: true }]);
    service.typing('bob', { conversationId, isTyping: true }); // the other participant has a throttle of its own
    advance(1);
    service.typing('alice', { conversationId, isTyping: true });
    service.typing('alice', { conversationId, isTyping: false });
    service.typing('alice', { conversationId, isTyping: false });
    service.typing('alice', { conversationId, isTyping: true }); // right after "stopped": goes through
    expect(forwarded.map((t) => `${t.userId}:${t.isTyping}`)).toEqual([
      'alice:true',
      'bob:true',
      'alice:true',
      'alice:false',
      'alice:false',
      'alice:true',
    ]);
  });

  it('refuses a conversation the user is not in with not_found, and forwards nothing for one with oneself', () => {
    const { service, forwarded } = setUp();
    expect(() => service.typing('carol', { conversationId, isTyping: true })).toThrow(expect.objectContaining({ code: 'not_found' }));
    service.typing('alice', { conversationId: directConversationId('alice', 'alice'), isTyping: true });
    expect(forwarded).toEqual([]);
  });
});
