import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/client/index.js';
import { between, mergeNewestPage, newerVersion, upsert } from '../../web/src/lib/history.js';
import { ticksOf } from '../../web/src/lib/ticks.js';

const ME = 'me';
const PEER = 'peer';

function message(id: string, from = ME, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    conversationId: 'dm:me:peer',
    senderId: from,
    receiverId: from === ME ? PEER : ME,
    message: `text ${id}`,
    createdAt: '2026-01-31T12:00:00.000Z',
    ...extra,
  };
}

const ids = (messages: readonly ChatMessage[]) => messages.map((shown) => shown.id);

describe('mergeNewestPage', () => {
  it('keeps the older loaded messages and takes the page from its first message on', () => {
    const list = ['a', 'b', 'c', 'd'].map((id) => message(id));
    const page = ['c', 'd', 'e', 'f'].map((id) => message(id));
    expect(ids(mergeNewestPage(list, page, []).messages)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('puts messages that came while the page was on its way after it, once', () => {
    const list = ['a', 'b', 'x'].map((id) => message(id));
    const page = ['b', 'c'].map((id) => message(id));
    const meanwhile = [
      { message: message('c'), isNew: true },
      { message: message('x'), isNew: true },
    ];
    expect(ids(mergeNewestPage(list, page, meanwhile).messages)).toEqual(['a', 'b', 'c', 'x']);
  });

  it('keeps the later version of a message changed while the page was on its way', () => {
    const edited = message('b', ME, { message: 'edited', editedAt: '2026-01-31T12:01:00.000Z' });
    const merged = mergeNewestPage([message('a'), edited], [message('a'), message('b')], [{ message: edited, isNew: false }]);
    expect(merged.messages[1]).toBe(edited);
  });

  it('starts over from the page when it does not reach the loaded messages (a gap)', () => {
    const merged = mergeNewestPage([message('a'), message('b')], [message('y'), message('z')], []);
    expect(merged).toEqual({ messages: [message('y'), message('z')], gap: true });
  });

  it('keeps the list for an empty page', () => {
    expect(mergeNewestPage([message('a')], [], [])).toEqual({ messages: [message('a')], gap: false });
  });
});

describe('upsert and newerVersion', () => {
  it('appends a new message only when asked, and never shows an older version over a newer one', () => {
    const list = [message('a')];
    expect(ids(upsert(list, message('b'), true))).toEqual(['a', 'b']);
    expect(upsert(list, message('b'), false)).toBe(list);
    const deleted = message('a', ME, { message: '', deletedAt: '2026-01-31T12:02:00.000Z' });
    const edited = message('a', ME, { message: 'later', editedAt: '2026-01-31T12:01:00.000Z' });
    expect(upsert([deleted], edited, true)).toEqual([deleted]);
    expect(newerVersion(edited, message('a'))).toBe(edited);
    expect(newerVersion(message('a'), edited)).toBe(edited);
  });

  it('tells the messages of one conversation', () => {
    expect(between(message('a'), ME, PEER)).toBe(true);
    expect(between(message('a', PEER), ME, PEER)).toBe(true);
    expect(between({ ...message('a'), receiverId: 'other' }, ME, PEER)).toBe(false);
  });
});

describe('ticksOf', () => {
  const list = [message('1'), message('2', PEER), message('3'), message('4'), message('5')];

  it('reads the watermarks by position: read, delivered, sent', () => {
    expect(Object.fromEntries(ticksOf(list, ME, '3', '4'))).toEqual({ '1': 'read', '3': 'read', '4': 'delivered', '5': 'sent' });
  });

  it('counts read as delivered, and a watermark not loaded for nothing', () => {
    expect(Object.fromEntries(ticksOf(list, ME, '4', null))).toEqual({ '1': 'read', '3': 'read', '4': 'read', '5': 'sent' });
    expect(Object.fromEntries(ticksOf(list, ME, 'older', undefined))).toEqual({ '1': 'sent', '3': 'sent', '4': 'sent', '5': 'sent' });
  });
});
