import { openMongoStore } from '../../src/store/mongo/index.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { describeConversationContract } from './conversations-contract.js';
import { describeStoreContract } from './store-contract.js';

/*
 * Runs the Store conformance suite against a real MongoDB when MONGODB_URI is set, e.g.
 *   MONGODB_URI=mongodb://localhost:27017/parley-test npx vitest run test/conformance
 * The database may be shared: every test uses random usernames, ids and conversation ids.
 * Without MONGODB_URI the suite is reported as skipped, under a name that says why.
 */
const uri = process.env['MONGODB_URI'];

const open = async () => {
  if (!uri) throw new Error('MONGODB_URI is not set');
  return openMongoStore({ uri, logger: silentLogger });
};

describeStoreContract(uri ? 'MongoDB store' : 'MongoDB store conformance (skipped: set MONGODB_URI to run)', open, { skip: !uri });

// Another instance is another store on the same database.
describeConversationContract(uri ? 'MongoDB conversations' : 'MongoDB conversations conformance (skipped: set MONGODB_URI to run)', open, open, {
  skip: !uri,
});
