import { useEffect, useState } from 'preact/hooks';
import type { ParleyClient, PublicUser } from '../../../src/client/index.js';
import { api } from '../api.js';

/** The peer as the server shows them (online, last seen), kept current by presence events. */
export function usePeer(client: ParleyClient, peerId: string): PublicUser | null {
  const [peer, setPeer] = useState<PublicUser | null>(null);
  useEffect(() => {
    let active = true;
    const load = () =>
      api.user(peerId).then(
        (user) => active && setPeer(user),
        () => undefined, // the header keeps what it knows; presence events still come
      );
    void load();
    // Presence events missed while away: asked again once caught up.
    const offState = client.connection.subscribe((state) => state === 'online' && void load());
    const offPresence = client.on('presence', ({ userId, online, lastSeenAt }) => {
      if (userId === peerId) setPeer((known) => known && { ...known, online, lastSeenAt });
    });
    return () => {
      active = false;
      offState();
      offPresence();
    };
  }, [client, peerId]);
  return peer;
}
