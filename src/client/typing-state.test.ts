import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingState } from './typing-state.js';

describe('TypingState', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('sends "typing" at most every 3 s while keys are pressed, and "stopped" 4 s after the last key', () => {
    const sent: boolean[] = [];
    const state = new TypingState((_conversation, isTyping) => sent.push(isTyping));
    for (let ms = 0; ms < 7000; ms += 100) {
      state.keystroke('c');
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual([true, true, true]); // at 0, 3 and 6 s
    vi.advanceTimersByTime(3899); // the last key was at 6.9 s
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, true, true, false]);
    state.stop('c'); // already stopped: nothing more
    expect(sent).toHaveLength(4);
  });

  it('holds a "typing" within a second of the last one until the second has passed (the server would drop it)', () => {
    const sent: Array<[boolean, number]> = [];
    const start = Date.now();
    const state = new TypingState((_conversation, isTyping) => sent.push([isTyping, Date.now() - start]));
    state.keystroke('c');
    vi.advanceTimersByTime(300);
    state.stop('c'); // the message was sent
    state.keystroke('c'); // and the next one begins at once
    expect(sent).toEqual([
      [true, 0],
      [false, 300],
    ]);
    vi.advanceTimersByTime(700);
    expect(sent.at(-1)).toEqual([true, 1000]);
    // Stopped before a held "typing" went out: neither goes out.
    vi.advanceTimersByTime(100);
    state.stop('c');
    state.keystroke('c');
    state.stop('c');
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(4);
  });

  it('shows the peer typing until "stopped", or for 6 s after the last "typing"', () => {
    const state = new TypingState(() => {});
    state.received({ conversationId: 'c', userId: 'p', isTyping: true });
    expect(state.peerTyping.get().has('c')).toBe(true);
    vi.advanceTimersByTime(5999);
    expect(state.peerTyping.get().has('c')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(state.peerTyping.get().has('c')).toBe(false);
    state.received({ conversationId: 'c', userId: 'p', isTyping: true });
    state.peerSent('c');
    expect(state.peerTyping.get().has('c')).toBe(false);
  });
});
