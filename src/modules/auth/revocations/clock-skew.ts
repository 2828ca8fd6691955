/**
 * How far apart the wall clocks of Parley's instances (and the store's) may be while every
 * revocation still holds exactly. Only "log out everywhere" compares instants written by two
 * clocks (the revocation's and a credential's issue time); it revokes what was issued up to this
 * much later than its own clock reads, and logins after it count as issued after it whatever their
 * instance's clock says (see revocations.service.ts). Keep clocks synchronised (NTP) far inside it.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 15 * 60 * 1000;

/**
 * Revocations are kept this long past the expiry of what they revoke: whoever forgets them (the
 * hourly purge of any instance, MongoDB's TTL monitor) may read a clock ahead of the one that still
 * accepts the credential, and a session begun just after a "log out everywhere" counts its start
 * up to the tolerance late.
 */
export const REVOCATION_GRACE_MS = 4 * CLOCK_SKEW_TOLERANCE_MS;
