const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function isToday(date: Date): boolean {
  return date.toDateString() === new Date().toDateString();
}

/** "14:03" today, "3 Feb, 14:03" before. */
export function shortTime(iso: string): string {
  const date = new Date(iso);
  return isToday(date) ? time.format(date) : dayAndTime.format(date);
}

/** For a tooltip or a screen reader: the full date and time. */
export function fullTime(iso: string): string {
  return fullDate.format(new Date(iso));
}

/** The peer's status line: "online", "last seen 14:03", or nothing known. */
export function presenceText(online: boolean, lastSeenAt: string | null): string {
  if (online) return 'online';
  if (lastSeenAt) return `last seen ${isToday(new Date(lastSeenAt)) ? `today at ${time.format(new Date(lastSeenAt))}` : dayAndTime.format(new Date(lastSeenAt))}`;
  return 'offline';
}

/** A ParleyError (or anything thrown) as a sentence for the user. */
export function errorText(thrown: unknown): string {
  const code = (thrown as { code?: string } | null)?.code;
  switch (code) {
    case 'invalid_credentials':
      return 'Wrong username or password.';
    case 'username_taken':
      return 'That username is taken.';
    case 'weak_password':
      return 'That password is too common. Choose another one.';
    case 'blocked':
      return 'Messages between you and this user are blocked.';
    case 'rate_limited':
      return 'Too many attempts. Wait a moment and try again.';
    case 'network':
      return 'Cannot reach Parley. Check your connection.';
    case 'edit_window_closed':
      return 'This message can no longer be edited.';
    default:
      return thrown instanceof Error && thrown.message ? thrown.message : 'Something went wrong.';
  }
}

/** A random clientMsgId (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newClientMsgId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
