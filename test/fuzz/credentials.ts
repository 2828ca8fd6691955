import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';

/** What a credential variant is built from: one user's real token and cookie, and the server's key. */
export interface Keyring {
  userId: string;
  token: string;
  cookie: string;
  jwtSecret: string;
  /** Parley's own origin, e.g. http://127.0.0.1:4711. */
  origin: string;
}

export interface SentCredentials {
  headers: Record<string, string>;
  /** The user the server must accept them as, null when it must refuse them (401), undefined when either is right. */
  acceptedAs: string | null | undefined;
  /** Cookie-only credentials from another site: an unsafe request (POST) is refused with 403 first. */
  crossSite?: true;
}

export interface CredentialVariant {
  how: string;
  build(keys: Keyring): Promise<SentCredentials>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const variant = (how: string, build: (keys: Keyring) => SentCredentials | Promise<SentCredentials>): CredentialVariant => ({
  how,
  build: async (keys) => build(keys),
  toString: () => how, // fast-check prints the counterexample with it
} as CredentialVariant);

const refused = (headers: Record<string, string>): SentCredentials => ({ headers, acceptedAs: null });

/** A token Parley's key signed, with claims Parley never issues. */
async function signed(keys: Keyring, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header }).sign(new TextEncoder().encode(keys.jwtSecret));
}

const goodClaims = (keys: Keyring) => ({ sub: keys.userId, jti: randomUUID(), iss: 'parley', aud: 'parley-api', iat: nowSeconds(), exp: nowSeconds() + 600 });

/**
 * Claims a token signed with the right key could still get wrong; each must be refused. The
 * fuzz found the last four accepted, or answered 500, before tokens.ts checked the claims' types.
 */
const ODD_CLAIMS: [string, (keys: Keyring) => Record<string, unknown>][] = [
  ['sub missing', (keys) => ({ ...goodClaims(keys), sub: undefined })],
  ['sub of an unknown user', (keys) => ({ ...goodClaims(keys), sub: 'nobody-0000' })],
  ['sub "__proto__"', (keys) => ({ ...goodClaims(keys), sub: '__proto__' })],
  ['sub "constructor"', (keys) => ({ ...goodClaims(keys), sub: 'constructor' })],
  ['sub a number', (keys) => ({ ...goodClaims(keys), sub: 42 })],
  ['jti missing', (keys) => ({ ...goodClaims(keys), jti: undefined })],
  ['exp in the past', (keys) => ({ ...goodClaims(keys), exp: nowSeconds() - 10 })],
  ['exp a string', (keys) => ({ ...goodClaims(keys), exp: String(nowSeconds() + 600) })],
  ['exp missing', (keys) => ({ ...goodClaims(keys), exp: undefined })],
  ['another issuer', (keys) => ({ ...goodClaims(keys), iss: 'elsewhere' })],
  ['another audience', (keys) => ({ ...goodClaims(keys), aud: 'other-api' })],
  ['nbf in the future', (keys) => ({ ...goodClaims(keys), nbf: nowSeconds() + 600 })],
  ['sub an object', (keys) => ({ ...goodClaims(keys), sub: { $ne: null } })],
  ['sub an array', (keys) => ({ ...goodClaims(keys), sub: [keys.userId] })],
  ['jti an object', (keys) => ({ ...goodClaims(keys), jti: { $gt: '' } })],
  ['exp past any date', (keys) => ({ ...goodClaims(keys), exp: 1e300 })],
];

const BROKEN_HEADERS = ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNzd29yZA==', 'Bearer a b', 'Token abc', 'Bearer null', 'Bearer undefined', 'Bearer [object Object]', 'Bearer {"$ne":null}', `Bearer ${'a'.repeat(8000)}`];
const BROKEN_COOKIES = ['connect.sid=', 'connect.sid=garbage', 'connect.sid=s%3Aabc.def', 'connect.sid=%E0%A4%A', 'connect.sid=s%3A__proto__.x', 'connect.sid="s:x.y"', 'connect.sid=s%3A' + 'a'.repeat(4000), '__proto__=x; constructor=y'];

/** Credentials of every sort: right, slightly wrong, forged, malformed, absent. */
export const credentialVariant: fc.Arbitrary<CredentialVariant> = fc.oneof(
  fc.constantFrom(
    variant('the token', (keys) => ({ headers: bearer(keys.token), acceptedAs: keys.userId })),
    variant('the session cookie', (keys) => ({ headers: { cookie: keys.cookie }, acceptedAs: keys.userId })),
    variant('the token, scheme in lower case', (keys) => ({ headers: { authorization: `bearer ${keys.token}` }, acceptedAs: keys.userId })),
    variant('the token after two spaces', (keys) => ({ headers: { authorization: `Bearer  ${keys.token}` }, acceptedAs: keys.userId })),
    variant('the token and the cookie', (keys) => ({ headers: { ...bearer(keys.token), cookie: keys.cookie }, acceptedAs: keys.userId })),
    variant('the token from another site', (keys) => ({ headers: { ...bearer(keys.token), origin: 'https://evil.example' }, acceptedAs: keys.userId })),
    variant("the cookie from Parley's own origin", (keys) => ({ headers: { cookie: keys.cookie, origin: keys.origin }, acceptedAs: keys.userId })),
    variant('the cookie from another site', (keys) => ({ headers: { cookie: keys.cookie, origin: 'https://evil.example' }, acceptedAs: keys.userId, crossSite: true })),
    variant('the cookie from Origin "null"', (keys) => ({ headers: { cookie: keys.cookie, origin: 'null' }, acceptedAs: keys.userId, crossSite: true })),
    variant('the cookie marked Sec-Fetch-Site: cross-site', (keys) => ({
      headers: { cookie: keys.cookie, 'sec-fetch-site': 'cross-site' },
      acceptedAs: keys.userId,
      crossSite: true,
    })),
    variant('nothing', () => refused({})),
    variant('the token without its scheme', (keys) => refused({ authorization: keys.token })),
    variant('the token twice', (keys) => refused({ authorization: `Bearer ${keys.token} ${keys.token}` })),
    variant('a bad token next to a good cookie', (keys) => refused({ authorization: 'Bearer x.y.z', cookie: keys.cookie })),
    variant('the cookie with another signature', (keys) => refused({ cookie: keys.cookie.replace(/\.[^.]*$/, '.forged') })),
    variant('an unsigned token (alg none)', (keys) => refused(bearer(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(goodClaims(keys))}.`))),
    variant('a token signed with another key', async (keys) => refused(bearer(await signed({ ...keys, jwtSecret: 'x'.repeat(32) }, goodClaims(keys))))),
    variant('a token of another type', async (keys) => refused(bearer(await signed(keys, goodClaims(keys), { typ: 'JWT' })))),
    variant('the token with a segment more', (keys) => refused(bearer(`${keys.token}.x`))),
  ),
  fc.constantFrom(...BROKEN_HEADERS).map((authorization) => variant(`Authorization ${JSON.stringify(authorization.slice(0, 40))}`, () => refused({ authorization }))),
  fc.constantFrom(...BROKEN_COOKIES).map((cookie) => variant(`Cookie ${JSON.stringify(cookie.slice(0, 40))}`, () => refused({ cookie }))),
  fc.constantFrom(...ODD_CLAIMS).map(([how, claims]) => variant(`a token signed with the right key, ${how}`, async (keys) => refused(bearer(await signed(keys, claims(keys)))))),
  fc
    .tuple(fc.nat(), fc.constantFrom('A', 'B', '_', '-', '.', '%', '\u00e9'))
    .map(([at, character]) =>
      variant(`the token with one character replaced by ${character}`, (keys) => {
        const index = at % keys.token.length;
        const token = keys.token.slice(0, index) + character + keys.token.slice(index + 1);
        // The same token again is valid; a new last character may only change the signature's unused low bits.
        const acceptedAs = token === keys.token ? keys.userId : index === keys.token.length - 1 ? undefined : null;
        return { headers: bearer(token), acceptedAs };
      }),
    ),
  fc.nat().map((cut) => variant('the token cut short', (keys) => refused(bearer(keys.token.slice(0, cut % keys.token.length))))),
);
