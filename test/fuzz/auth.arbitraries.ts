import fc from 'fast-check';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../src/modules/auth/credentials/credentials.schemas.js';
import { aroundLimits, DANGEROUS_KEYS, fieldValue, GRAPHEME_CLUSTERS, INJECTIONS, LONE_SURROGATES, mutatedObject, nastyText } from './values.js';

const USERNAME_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-';
const usernameCharacter = fc.constantFrom(...USERNAME_CHARACTERS);

/** Usernames of the allowed characters, 2-4 and 31-33 long (the limits are 3 and 32). */
const usernameAroundLimits = aroundLimits(3, 32).chain((length) =>
  fc.array(usernameCharacter, { minLength: length, maxLength: length }).map((characters) => characters.join('')),
);

/** Names that look like object keys or operators, yet are valid usernames. */
const keyLikeUsernames = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '...', '---', '___');

export const usernameArbitrary = (known: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: usernameAroundLimits },
    { weight: 2, arbitrary: keyLikeUsernames },
    { weight: 2, arbitrary: fc.constantFrom(...known).chain((name) => fc.constantFrom(name, name.toUpperCase(), name.toLowerCase())) },
    { weight: 2, arbitrary: nastyText },
    { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS, ...DANGEROUS_KEYS, 'ab c', 'ä'.repeat(5), 'user\u200bname', `name${LONE_SURROGATES[0]}`) },
  );

/** The most common passwords, in any letter case. */
const COMMON = ['password', '12345678', '123456789', 'qwertyuiop', 'iloveyou', 'password1', 'password123', 'sunshine', 'football', '1qaz2wsx', 'trustno1', 'baseball'];
const commonPassword = fc
  .tuple(fc.constantFrom(...COMMON), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }))
  .map(([password, upper]) => [...password].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

/** Passwords 7-9 and 127-129 UTF-16 units long, of one- and two-unit characters. */
const passwordAroundLimits = aroundLimits(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH).chain((units) =>
  fc.constantFrom('k', 'Ω', '😀', ...GRAPHEME_CLUSTERS.slice(0, 3)).chain((character) =>
    fc.string({ unit: 'grapheme-ascii', minLength: units, maxLength: units }).map((base) => {
      // Replace a part with the character, keeping the length in UTF-16 units.
      const tail = character.repeat(Math.floor(units / 2 / character.length));
      return base.slice(0, units - tail.length) + tail;
    }),
  ),
);

export const passwordArbitrary = fc.oneof(
  { weight: 4, arbitrary: passwordAroundLimits },
  { weight: 3, arbitrary: commonPassword },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.tuple(fc.string({ minLength: 8, maxLength: 20 }), fc.constantFrom(...LONE_SURROGATES), fc.nat(20)).map(([text, lone, at]) => text.slice(0, at) + lone + text.slice(at)) },
  { weight: 1, arbitrary: nastyText },
);

/** A registration that should go through: a fresh valid username, an uncommon well-formed password. */
const plausibleRegistration = fc.record({
  username: fc.array(usernameCharacter, { minLength: 8, maxLength: 20 }).map((characters) => characters.join('')),
  password: fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 10, maxLength: 40 }),
    fc.tuple(fc.string({ minLength: 6, maxLength: 20 }), fc.constantFrom(...GRAPHEME_CLUSTERS)).map(([text, cluster]) => `${text} ${cluster}!`),
  ),
});

export const registerBody = (known: string[]) =>
  fc.oneof(
    { weight: 1, arbitrary: plausibleRegistration },
    { weight: 2, arbitrary: mutatedObject({ username: fieldValue(usernameArbitrary(known)), password: fieldValue(passwordArbitrary) }) },
  );

export const loginBody = (known: string[], knownPassword: string) =>
  fc.oneof(
    // The right account in any letter case, with its password or one close to it.
    {
      weight: 1,
      arbitrary: fc.record({
        username: fc.constantFrom(...known).chain((name) => fc.constantFrom(name, name.toUpperCase(), name.toLowerCase())),
        password: fc.constantFrom(knownPassword, knownPassword.toUpperCase(), `${knownPassword} `, knownPassword.slice(1)),
      }),
    },
    {
      weight: 2,
      arbitrary: mutatedObject({
        username: fieldValue(usernameArbitrary(known)),
        password: fieldValue(fc.oneof(fc.constant(knownPassword), passwordArbitrary)),
      }),
    },
  );
