import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage, ParleyClient } from '../../../src/client/index.js';
import { api } from '../api.js';
import { errorText } from '../lib/format.js';
import { between, mergeNewestPage, newerVersion, upsert } from '../lib/history.js';

const PAGE_SIZE = 50;

export interface History {
  /** Oldest first, in the server's history order. */
  messages: readonly ChatMessage[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Loads the page before the oldest shown. Automatic calls (scrolling) stop after a failure; the button's call (`retry`) goes on. */
  loadOlder(retry?: boolean): void;
  /** A message this view sent, as the server stored it. */
  add(message: ChatMessage): void;
}

interface State {
  messages: readonly ChatMessage[];
  nextCursor: string | null;
  status: History['status'];
  error: string | null;
  loadingOlder: boolean;
  /** The last older page failed: not asked for again by itself (no request loop while offline). */
  olderFailed: boolean;
  /** Bumped when the list is replaced by a fresh newest page: older pages asked for before do not fit any more. */
  epoch: number;
  fetches: number;
  /** While the newest page is on its way: live messages (and versions) that arrived meanwhile, by id, in order. */
  meanwhile: Map<string, { message: ChatMessage; isNew: boolean }> | null;
}

/**
 * One conversation's messages: the newest page from REST (again after every catch-up, so what
 * came while away is in its place), older pages on demand, live messages and changes from the
 * client as they come.
 */
export function useHistory(client: ParleyClient, me: string, peerId: string): History {
  const state = useRef<State>({
    messages: [],
    nextCursor: null,
    status: 'loading',
    error: null,
    loadingOlder: false,
    olderFailed: false,
    epoch: 0,
    fetches: 0,
    meanwhile: null,
  });
  const [, setVersion] = useState(0);
  const render = () => setVersion((version) => version + 1);
  const disposed = useRef(false);

  const fetchNewest = async () => {
    const s = state.current;
    const fetch = ++s.fetches;
    s.meanwhile = new Map();
    try {
      const page = await api.history(me, peerId, { limit: PAGE_SIZE });
      if (disposed.current || fetch !== s.fetches) return;
      const meanwhile = [...(s.meanwhile?.values() ?? [])];
      const { messages, gap } = mergeNewestPage(s.messages, page.messages, meanwhile);
      if (gap || s.status !== 'ready') {
        s.nextCursor = page.nextCursor;
        s.epoch++;
      }
      s.messages = messages;
      s.status = 'ready';
      s.error = null;
      s.olderFailed = false;
    } catch (thrown) {
      if (disposed.current || fetch !== s.fetches) return;
      if (s.status === 'loading') s.status = 'error';
      s.error = errorText(thrown);
    }
    s.meanwhile = null;
    render();
  };

  const live = (message: ChatMessage, isNew: boolean) => {
    const s = state.current;
    if (s.meanwhile) {
      const seen = s.meanwhile.get(message.id);
      s.meanwhile.set(message.id, { message: seen ? newerVersion(seen.message, message) : message, isNew: seen?.isNew ?? isNew });
    }
    s.messages = upsert(s.messages, message, isNew);
    render();
  };

  useEffect(() => {
    disposed.current = false;
    void fetchNewest();
    const offState = client.connection.subscribe((connection) => {
      // Caught up after being away: the newest page holds what came meanwhile, in its place.
      if (connection === 'online') void fetchNewest();
    });
    const offMessage = client.on('message', (message, change) => {
      if (!between(message, me, peerId)) return;
      // During a catch-up the messages come from the sync, possibly older than the page shown;
      // the page fetched once it is done brings them in order. Changes apply at once.
      if (change === 'new' && client.connection.get() !== 'online') return;
      live(message, change === 'new');
    });
    return () => {
      disposed.current = true;
      offState();
      offMessage();
    };
  }, [client, me, peerId]);

  const loadOlder = async (retry: boolean) => {
    const s = state.current;
    if (s.nextCursor === null || s.loadingOlder || (s.olderFailed && !retry)) return;
    const epoch = s.epoch;
    s.loadingOlder = true;
    render();
    try {
      const page = await api.history(me, peerId, { before: s.nextCursor, limit: PAGE_SIZE });
      if (disposed.current || epoch !== s.epoch) return;
      const shown = new Set(s.messages.map((message) => message.id));
      s.messages = [...page.messages.filter((message) => !shown.has(message.id)), ...s.messages];
      s.nextCursor = page.nextCursor;
      s.error = null;
      s.olderFailed = false;
    } catch (thrown) {
      s.error = errorText(thrown);
      s.olderFailed = true;
    } finally {
      s.loadingOlder = false;
      if (!disposed.current) render();
    }
  };

  const s = state.current;
  return {
    messages: s.messages,
    status: s.status,
    error: s.error,
    hasOlder: s.nextCursor !== null,
    loadingOlder: s.loadingOlder,
    loadOlder: (retry = false) => void loadOlder(retry),
    add: (message) => live(message, true),
  };
}
