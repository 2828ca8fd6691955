import { useEffect, useState } from 'preact/hooks';
import type { ConnectionState } from '../../../src/client/index.js';

/** Says so while the client is not caught up; empty (and gone) once it is online. */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  const [wasOnline, setWasOnline] = useState(false);
  useEffect(() => {
    if (state === 'online') setWasOnline(true);
  }, [state]);
  const text = state === 'connecting' ? (wasOnline ? 'Reconnecting…' : 'Connecting…') : state === 'syncing' ? 'Catching up…' : null;
  return (
    <div class="banner-slot" role="status">
      {text && (
        <p class="banner" data-testid="connection-banner">
          {text}
        </p>
      )}
    </div>
  );
}
