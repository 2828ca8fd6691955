import { useEffect, useState } from 'preact/hooks';
import type { AuthAnswer } from '../../../src/client/index.js';
import { api } from '../api.js';
import { errorText } from '../lib/format.js';
import type { Peer } from './chat-screen.js';

const DEBOUNCE_MS = 250;

/** Find people by the start of their name (GET /users?query=) and open a conversation with one. */
export function UserSearch({ me, onOpen }: { me: string; onOpen(peer: Peer): void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Array<AuthAnswer['user']> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const text = query.trim();
    if (text === '') {
      setResults(null);
      setError(null);
      return;
    }
    let active = true;
    const timer = setTimeout(() => {
      api.searchUsers(text, 10).then(
        (users) => {
          if (!active) return;
          setResults(users.filter((user) => user.id !== me));
          setError(null);
        },
        (thrown) => active && setError(errorText(thrown)),
      );
    }, DEBOUNCE_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [query, me]);

  const open = (user: AuthAnswer['user']) => {
    setQuery('');
    onOpen({ id: user.id, username: user.username });
  };

  return (
    <div class="search" role="search">
      <label for="user-search" class="sr-only">
        Find people
      </label>
      <input
        id="user-search"
        type="search"
        placeholder="Find people…"
        autocomplete="off"
        maxLength={32}
        value={query}
        onInput={(event) => setQuery(event.currentTarget.value)}
        onKeyDown={(event) => event.key === 'Escape' && setQuery('')}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <div class="results" role="status">
          {results.length === 0 ? (
            <p class="muted">No one found.</p>
          ) : (
            <ul aria-label="People found" data-testid="search-results">
              {results.map((user) => (
                <li key={user.id}>
                  <button type="button" class="result" aria-label={`Chat with ${user.username}`} onClick={() => open(user)}>
                    {user.username}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
