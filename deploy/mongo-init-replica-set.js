// Run by deploy/docker-compose.yml's mongo-init service (mongosh, once per `up`): makes the
// single-member replica set rs0 that Parley needs (its sends are transactions, which MongoDB has
// on replica sets only), then waits until the member is primary, so that the Parley instances,
// which start after this succeeds, find a writable database.
//
// Idempotent: on every later `up` the set exists (its configuration lives in the mongo-data
// volume), rs.status() answers, and this only waits for the primary. The member's host name is
// the compose service name, which the Parley containers resolve; tools on the host machine connect
// with ?directConnection=true instead.

/* global rs, db, print, sleep -- mongosh's shell helpers */

const REPLICA_SET = 'rs0';
const MEMBER = 'mongo:27017';
const PRIMARY_DEADLINE_MS = 60_000;

try {
  rs.status();
  print(`replica set ${REPLICA_SET} already initiated`);
} catch (error) {
  if (error.codeName !== 'NotYetInitialized') throw error;
  try {
    rs.initiate({ _id: REPLICA_SET, members: [{ _id: 0, host: MEMBER }] });
    print(`replica set ${REPLICA_SET} initiated with ${MEMBER}`);
  } catch (initiateError) {
    // Another run initiated it in between: as good as this one.
    if (initiateError.codeName !== 'AlreadyInitialized') throw initiateError;
  }
}

const deadline = Date.now() + PRIMARY_DEADLINE_MS;
while (!db.hello().isWritablePrimary) {
  if (Date.now() > deadline) throw new Error(`no primary in replica set ${REPLICA_SET} within ${PRIMARY_DEADLINE_MS / 1000} s`);
  sleep(500);
}
print(`replica set ${REPLICA_SET}: ${MEMBER} is primary`);
