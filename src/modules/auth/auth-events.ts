import { EventEmitter } from 'node:events';
import type { Identity } from '../../shared/identity.js';

interface AuthEventMap {
  /** These credentials were just revoked: whatever was opened with them must close. */
  loggedOut: [identity: Identity];
}

export class AuthEvents extends EventEmitter<AuthEventMap> {}
