/**
 * `parley/client`: a typed Parley client for browsers and Node.
 *
 *   import { createParleyClient } from 'parley/client';
 *   const client = createParleyClient({ url: 'http://localhost:3000', token });
 *   client.on('message', (message, change) => render(message));
 *   await client.send(bobId, 'hello');
 */
export { ParleyClient, createParleyClient } from './client.js';
export { ParleyError } from './errors.js';
export { ParleyApi, type RestOptions } from './rest.js';
export { browserStorage, memoryStorage } from './storage.js';
export type * from './types.js';
export type * from '../protocol/events.js';
