import { useEffect, useState } from 'preact/hooks';
import type { AuthAnswer } from '../../../src/client/index.js';
import { api } from '../api.js';
import { errorText } from '../lib/format.js';
import { ChatScreen } from './chat-screen.js';
import { LoginScreen } from './login-screen.js';

export type User = AuthAnswer['user'];

type Session =
  | { state: 'checking' }
  | { state: 'unreachable'; message: string }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; user: User };

/** The session cookie (HttpOnly, unseen here) decides: GET /auth/me shows the app or the login screen. */
export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = () => {
    setSession({ state: 'checking' });
    api.me().then(
      (user) => setSession({ state: 'signed-in', user }),
      (thrown: unknown) =>
        setSession((thrown as { code?: string }).code === 'unauthorized' ? { state: 'signed-out' } : { state: 'unreachable', message: errorText(thrown) }),
    );
  };
  useEffect(check, []);

  switch (session.state) {
    case 'checking':
      return <p class="splash" role="status">Loading…</p>;
    case 'unreachable':
      return (
        <div class="splash" role="alert">
          <p>{session.message}</p>
          <button type="button" onClick={check}>
            Try again
          </button>
        </div>
      );
    case 'signed-out':
      return <LoginScreen notice={session.notice} onSignedIn={(user) => setSession({ state: 'signed-in', user })} />;
    case 'signed-in':
      return <ChatScreen key={session.user.id} user={session.user} onSignedOut={(notice) => setSession({ state: 'signed-out', notice })} />;
  }
}
