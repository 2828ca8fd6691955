import { useEffect, useRef, useState } from 'preact/hooks';
import { browserStorage, createParleyClient } from '../../../src/client/index.js';
import { api } from '../api.js';
import { useUnreadTitle } from '../hooks/use-unread-title.js';
import { errorText } from '../lib/format.js';
import { useObservable } from '../lib/use-observable.js';
import type { User } from './app.js';
import { ConnectionBanner } from './connection-banner.js';
import { ConversationView } from './conversation-view.js';
import { Inbox } from './inbox.js';
import { UserSearch } from './user-search.js';

export interface Peer {
  id: string;
  username: string;
}

interface Props {
  user: User;
  onSignedOut(notice?: string): void;
}

/** The signed-in app: one client for its lifetime, the inbox and search beside the open conversation. */
export function ChatScreen({ user, onSignedOut }: Props) {
  // Cookie auth, same origin; only the sync cursor goes to localStorage.
  const [client] = useState(() => createParleyClient({ storage: browserStorage(), userId: user.id }));
  const connection = useObservable(client.connection);
  const [peer, setPeer] = useState<Peer | null>(null);
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const loggingOut = useRef(false);

  useEffect(() => () => client.close(), [client]);
  useUnreadTitle(client);
  useEffect(() => {
    // The server ended this login (logged out elsewhere, expired): back to the login screen.
    if (connection === 'unauthorized' && !loggingOut.current) onSignedOut('Your session has ended. Please log in again.');
  }, [connection]);

  const logOut = async () => {
    loggingOut.current = true;
    setLogoutError(null);
    try {
      await api.logout();
    } catch (thrown) {
      loggingOut.current = false;
      setLogoutError(`Could not log out: ${errorText(thrown)}`);
      return;
    }
    client.close({ forget: true }); // the sync cursor leaves localStorage with the login
    onSignedOut();
  };

  return (
    <div class="chat" data-view={peer ? 'conversation' : 'list'}>
      <header class="topbar">
        <h1 class="brand">Parley</h1>
        <p class="me" data-testid="me">
          <span class="sr-only">Signed in as </span>
          {user.username}
        </p>
        <button type="button" onClick={() => void logOut()}>
          Log out
        </button>
      </header>
      {logoutError && (
        <p class="error" role="alert">
          {logoutError}
        </p>
      )}
      <ConnectionBanner state={connection} />
      <div class="panes">
        <aside class="sidebar">
          <UserSearch me={user.id} onOpen={setPeer} />
          <Inbox client={client} me={user.id} selected={peer?.id ?? null} onOpen={setPeer} />
        </aside>
        <main class="main">
          {peer ? (
            <ConversationView key={peer.id} client={client} me={user.id} peer={peer} onBack={() => setPeer(null)} />
          ) : (
            <p class="empty">Choose a conversation, or find someone to talk to.</p>
          )}
        </main>
      </div>
    </div>
  );
}
