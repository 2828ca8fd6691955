import { EventEmitter } from 'node:events';
import type { Identity } from '../../shared/identity.js';

interface AuthEventMap {
  /** These credentials were just revoked: whatever was opened with them must close. */
  loggedOut: [identity: Identity];
  /** Every credential of this user was just revoked: every socket of the user must close. */
  loggedOutEverywhere: [userId: string];
}

export class AuthEvents extends EventEmitter<AuthEventMap> {}
