/** The green dot: online, or a hollow one. */
export function PresenceDot({ online }: { online: boolean }) {
  return <span class={online ? 'dot online' : 'dot'} role="img" aria-label={online ? 'online' : 'offline'} data-testid="presence-dot" data-online={String(online)} />;
}
