import { describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/free-port.js';
import { silentLogger } from '../../../test/helpers/silent-logger.js';
import { StoreStartupError } from '../store.js';
import { openMongoStore } from './open.js';
import { connectFailure, hostsOf, requireTransactions } from './startup.js';


const mongoHandles = () => process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap' || type === 'Timeout').length;

describe('MongoDB start-up', () => {
  it('names the hosts of a URI without its credentials or options', () => {
    expect(hostsOf('mongodb://parley:s3cret@db1:27017,db2:27017/parley?replicaSet=rs0')).toBe('db1:27017,db2:27017');
    expect(hostsOf('mongodb+srv://cluster0.example.net/parley')).toBe('cluster0.example.net');
    expect(hostsOf('mongodb://localhost')).toBe('localhost');
  });

  it('refuses a standalone server, saying how to make it a replica set; accepts a replica set member and mongos', () => {
    const refusal = (() => {
      try {
        requireTransactions({}, 'mongodb://user:pw@db:27017/parley');
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(StoreStartupError);
    expect((refusal as Error).message).toMatch(/standalone.*--replSet rs0.*rs\.initiate\(\).*replicaSet=rs0/);
    expect((refusal as Error).message).toContain('db:27017');
    expect((refusal as Error).message).not.toContain('pw');
    expect(() => requireTransactions({ setName: 'rs0' }, 'mongodb://db')).not.toThrow();
    expect(() => requireTransactions({ msg: 'isdbgrid' }, 'mongodb://mongos')).not.toThrow();
  });

  it('says what failed to connect in one line, with the host and the settings to check', () => {
    const failure = connectFailure(new Error('connect ECONNREFUSED 127.0.0.1:1\n    at TCPConnectWrap'), 'mongodb://u:p@127.0.0.1:1/x', 500);
    expect(failure.message).not.toContain('\n');
    expect(failure.message).toMatch(/^cannot connect to MongoDB at 127\.0\.0\.1:1 within 500 ms \(connect ECONNREFUSED 127\.0\.0\.1:1\); check MONGODB_URI/);
    expect(failure.message).toContain('STORE_TIMEOUT');
  });

  it('fails with that message when nothing listens, within the timeout, and leaves no connection behind', async () => {
    const port = await freePort();
    const before = mongoHandles();
    const started = performance.now();
    const refusal = await openMongoStore({ uri: `mongodb://parley:secret@127.0.0.1:${port}/parley`, timeoutMs: 500, logger: silentLogger }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(refusal).toBeInstanceOf(StoreStartupError);
    expect((refusal as Error).message).toContain(`cannot connect to MongoDB at 127.0.0.1:${port} within 500 ms`);
    expect((refusal as Error).message).not.toContain('secret');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mongoHandles()).toBeLessThanOrEqual(before);
  });
});

describe('MongoDB start-up against a standalone server (a wire-protocol stand-in)', () => {
  it('refuses to start, saying how to make it a replica set, and closes every connection it opened', async () => {
    const { startFakeStandaloneMongod } = await import('../../../test/helpers/fake-mongod.js');
    const standalone = await startFakeStandaloneMongod();
    try {
      const refusal = await openMongoStore({ uri: standalone.uri, timeoutMs: 2000, logger: silentLogger }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(standalone.commands).toContain('hello');
      expect(refusal).toBeInstanceOf(StoreStartupError);
      expect((refusal as Error).message).toMatch(/is a standalone server.*--replSet rs0/);
      const deadline = performance.now() + 3000;
      while (standalone.openConnections() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(standalone.openConnections()).toBe(0);
    } finally {
      await standalone.close();
    }
  });
});
