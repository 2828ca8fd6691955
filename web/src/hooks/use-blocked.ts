import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText } from '../lib/format.js';

export interface BlockState {
  /** null until known. */
  blocked: boolean | null;
  busy: boolean;
  error: string | null;
  toggle(): void;
}

/** Whether the signed-in user blocks `peerId`, and the switch. */
export function useBlocked(peerId: string): BlockState {
  const [blocked, setBlocked] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    api.blocked().then(
      (users) => active && setBlocked(users.some((user) => user.id === peerId)),
      (thrown) => active && setError(errorText(thrown)),
    );
    return () => {
      active = false;
    };
  }, [peerId]);

  const toggle = () => {
    if (blocked === null || busy) return;
    setBusy(true);
    setError(null);
    (blocked ? api.unblock(peerId) : api.block(peerId))
      .then(() => setBlocked(!blocked), (thrown) => setError(errorText(thrown)))
      .finally(() => setBusy(false));
  };

  return { blocked, busy, error, toggle };
}
