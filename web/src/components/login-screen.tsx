import type { TargetedSubmitEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../lib/format.js';
import type { User } from './app.js';

interface Props {
  notice?: string | undefined;
  onSignedIn(user: User): void;
}

/** Log in, or create an account. The answer's token is dropped: the session cookie it set is enough. */
export function LoginScreen({ notice, onSignedIn }: Props) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const registering = mode === 'register';
  const usernameInput = useRef<HTMLInputElement>(null);
  useEffect(() => usernameInput.current?.focus(), []);

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = registering ? await api.register(username, password) : await api.login(username, password);
      onSignedIn(user);
    } catch (thrown) {
      setError(errorText(thrown));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1 class="brand">Parley</h1>
      <form class="card" onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">{registering ? 'Create an account' : 'Log in'}</h2>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          ref={usernameInput}
          required
          minLength={3}
          maxLength={32}
          aria-describedby="username-hint"
          value={username}
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
        <p id="username-hint" class="hint">
          3-32 letters, digits, _ . or -
        </p>
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete={registering ? 'new-password' : 'current-password'}
          required
          minLength={8}
          maxLength={128}
          aria-describedby={registering ? 'password-hint' : undefined}
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        {registering && (
          <p id="password-hint" class="hint">
            At least 8 characters; not one of the most common passwords.
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {registering ? 'Create account' : 'Log in'}
        </button>
        <p class="switch">
          {registering ? 'Have an account?' : 'New here?'}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(registering ? 'login' : 'register');
              setError(null);
            }}
          >
            {registering ? 'Log in instead' : 'Create an account'}
          </button>
        </p>
      </form>
    </main>
  );
}
