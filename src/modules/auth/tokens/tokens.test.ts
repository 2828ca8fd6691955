import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { createTokenService } from './tokens.js';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);

async function verifyError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected verify to reject, but it resolved');
}

async function expectUnauthorized(promise: Promise<unknown>): Promise<void> {
  const error = await verifyError(promise);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
}

/** A token as Parley would sign it, with overridable claims. */
function craft({
  sub = 'user-1',
  jti = 'token-1',
  iss = 'parley',
  aud = 'parley-api',
  typ = 'at+jwt',
  exp = '1h',
  secret = key,
  alg = 'HS256',
}: {
  sub?: string | null;
  jti?: string | null;
  iss?: string;
  aud?: string | null;
  typ?: string | null;
  exp?: string | number | null;
  secret?: Uint8Array;
  alg?: string;
} = {}) {
  const jwt = new SignJWT({}).setProtectedHeader(typ === null ? { alg } : { alg, typ }).setIssuer(iss).setIssuedAt();
  if (aud !== null) jwt.setAudience(aud);
  if (sub !== null) jwt.setSubject(sub);
  if (jti !== null) jwt.setJti(jti);
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(secret);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('token service', () => {
  const service = createTokenService({ secret: SECRET, ttlSeconds: 900 });

  it('issues a token that verifies to its user id, token id and expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await service.issue('user-42');
    const after = Math.floor(Date.now() / 1000);
    const claims = await service.verify(token);

    expect(claims.userId).toBe('user-42');
    expect(typeof claims.tokenId).toBe('string');
    expect(claims.tokenId.length).toBeGreaterThan(0);
    expect(claims.expiresAt).toBeInstanceOf(Date);
    const expSeconds = claims.expiresAt.getTime() / 1000;
    expect(expSeconds).toBeGreaterThanOrEqual(before + 900);
    expect(expSeconds).toBeLessThanOrEqual(after + 900);
  });

  it('signs HS256 tokens issued by parley that live exactly ttlSeconds', async () => {
    const token = await createTokenService({ secret: SECRET, ttlSeconds: 1 }).issue('user-1');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const payload = decodeJwt(token);
    expect(payload.iss).toBe('parley');
    expect(payload.aud).toBe('parley-api');
    expect(payload.sub).toBe('user-1');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(1);
  });

  it('gives every token its own id, which verify reports', async () => {
    const tokens = await Promise.all([service.issue('user-1'), service.issue('user-1'), service.issue('user-1')]);
    const ids = await Promise.all(tokens.map(async (token) => (await service.verify(token)).tokenId));
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual(tokens.map((token) => decodeJwt(token).jti));
  });

  it('accepts a token crafted with the same secret and claims (the test helper is faithful)', async () => {
    const claims = await service.verify(await craft({ sub: 'user-7', jti: 'jti-7' }));
    expect(claims).toMatchObject({ userId: 'user-7', tokenId: 'jti-7' });
  });

  it('rejects a token whose payload was tampered with', async () => {
    const token = await service.issue('user-1');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    await expectUnauthorized(service.verify(`${header}.${forged}.${signature}`));
  });

  it('rejects a token whose signature was tampered with', async () => {
    const token = await service.issue('user-1');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    await expectUnauthorized(service.verify(`${header}.${payload}.${flipped}`));
    await expectUnauthorized(service.verify(`${header}.${payload}.`));
  });

  it('rejects a token signed with another secret', async () => {
    const other = createTokenService({ secret: 'another-secret-that-is-also-long-enough!!', ttlSeconds: 900 });
    await expectUnauthorized(service.verify(await other.issue('user-1')));
    await expectUnauthorized(other.verify(await service.issue('user-1')));
  });

  it('rejects an expired token', async () => {
    const expired = await craft({ exp: Math.floor(Date.now() / 1000) - 10 });
    await expectUnauthorized(service.verify(expired));
  });

  it('rejects its own token once ttlSeconds have passed', async () => {
    const shortLived = createTokenService({ secret: SECRET, ttlSeconds: 1 });
    const token = await shortLived.issue('user-1');
    await expect(shortLived.verify(token)).resolves.toMatchObject({ userId: 'user-1' });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 2000);
    await expectUnauthorized(shortLived.verify(token));
  });

  it('rejects a token from another issuer', async () => {
    await expectUnauthorized(service.verify(await craft({ iss: 'someone-else' })));
  });

  it('rejects a token for another audience, or for none', async () => {
    await expectUnauthorized(service.verify(await craft({ aud: 'another-service' })));
    await expectUnauthorized(service.verify(await craft({ aud: null })));
  });

  it('rejects a JWT of another type, or of none (e.g. an ID token signed with the same key)', async () => {
    await expectUnauthorized(service.verify(await craft({ typ: 'JWT' })));
    await expectUnauthorized(service.verify(await craft({ typ: null })));
  });

  it('rejects a well-signed token whose claims have the wrong types, or an expiry past any date', async () => {
    const signed = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuer('parley')
        .setAudience('parley-api')
        .setIssuedAt()
        .setJti('jti-1')
        .setExpirationTime('1h')
        .sign(key);
    await expectUnauthorized(service.verify(await signed({ sub: ['user-1'] })));
    await expectUnauthorized(service.verify(await signed({ sub: { id: 'user-1' } })));
    await expectUnauthorized(service.verify(await signed({ sub: 'user-1', sid: 42 })));
    await expectUnauthorized(service.verify(await craft({ exp: 1e300 })));
  });

  it('rejects a token without subject, token id or expiry', async () => {
    await expectUnauthorized(service.verify(await craft({ sub: null })));
    await expectUnauthorized(service.verify(await craft({ jti: null })));
    await expectUnauthorized(service.verify(await craft({ exp: null })));
  });

  it('rejects unsigned tokens and other algorithms', async () => {
    const unsigned = new UnsecuredJWT({}).setSubject('user-1').setJti('t').setIssuer('parley').setExpirationTime('1h');
    await expectUnauthorized(service.verify(unsigned.encode()));
    await expectUnauthorized(service.verify(await craft({ alg: 'HS512', secret: new Uint8Array(64).fill(1) })));
  });

  it.each(['', 'not-a-token', 'a.b.c', 'Bearer x.y.z'])('rejects the malformed token %j', async (token) => {
    await expectUnauthorized(service.verify(token));
  });
});
