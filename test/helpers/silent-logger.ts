import { createLogger } from '../../src/shared/logger.js';

/** For parts built outside a Parley instance (stores, services) in tests that do not read logs. */
export const silentLogger = createLogger({ level: 'silent', pretty: false });
