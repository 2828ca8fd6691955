import { ParleyApi } from '../../src/client/index.js';

/**
 * REST calls from the page Parley serves: same origin, the HttpOnly session cookie authenticates.
 * No token is ever passed or kept (the register and login answers' token is thrown away).
 */
export const api = new ParleyApi({});
