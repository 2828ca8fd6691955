import fc from 'fast-check';

/*
 * Building blocks shared by the routes' arbitraries: nasty text, values of the wrong type,
 * keys that poison objects or query databases, lengths around limits.
 */

export const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00'];

export const GRAPHEME_CLUSTERS = [
  '👩‍👩‍👧‍👦', // family: ZWJ sequence of 7 code points
  '🧑‍💻',
  '🏳️‍🌈', // with a variation selector
  '👍🏽', // skin tone modifier
  '🇫🇷', // regional indicators
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿', // tag sequence
  'e\u0301', // combining acute
  'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324', // stacked combining marks
  '\u0915\u094d\u0937', // Devanagari conjunct
  '각', // precomposed Hangul
  '\u1100\u1161\u11a8', // the same, decomposed into jamo
  '\ufdfa', // one code point, a long ligature
  '\u{12000}', // cuneiform, outside the BMP
  '\u0301', // a combining mark with nothing to combine with
];

/** Shows nothing: White_Space, Default_Ignorable_Code_Point and control characters. */
export const INVISIBLES = [' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2028', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u3164', '\ufe0f', '\u{e0100}', '\u{e0041}', '\u200e', '\u202e', '\u0000', '\u001b', '\u007f'];

export const INJECTIONS = [
  "' OR '1'='1",
  '"; DROP TABLE messages; --',
  '{"$ne":null}',
  '{"$where":"sleep(1000)"}',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '%00',
  '%',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}',
  '\\',
  '%s%n%x',
  'null',
  'undefined',
  'NaN',
  '[object Object]',
  '\r\nX-Injected: 1',
];

export const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', '$ne', '$gt', '$where', '$regex', '$expr', 'toString', 'valueOf', 'hasOwnProperty'];

/** A piece of text of every kind Parley must take apart correctly. */
const textPiece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...GRAPHEME_CLUSTERS) },
  { weight: 2, arbitrary: fc.constantFrom(...INVISIBLES) },
  { weight: 1, arbitrary: fc.constantFrom(...LONE_SURROGATES) },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
);

/** Short text mixing letters, emoji, invisible characters, lone surrogates and injections. */
export const nastyText = fc.array(textPiece, { maxLength: 10 }).map((pieces) => pieces.join(''));

/**
 * Text of exactly `length` code points, made of two characters that may differ in UTF-16 length
 * ("x" is one unit, "😀" two), so limits counted in code points and in units both get probed.
 */
export function textOfCodePoints(length: number, characters: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...characters), fc.constantFrom(...characters), fc.integer({ min: 0, max: length }))
    .map(([first, second, split]) => first.repeat(split) + second.repeat(length - split));
}

/** Lengths just around each limit: limit - 1, limit, limit + 1 (never negative). */
export function aroundLimits(...limits: number[]): fc.Arbitrary<number> {
  return fc.constantFrom(...[...new Set(limits.flatMap((limit) => [limit - 1, limit, limit + 1]))].filter((n) => n >= 0));
}

/** Numbers a careless parser chokes on. */
export const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, 2 ** 64, 1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A JSON object with an own key, even "__proto__" (a literal would set the prototype instead). */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** An object of one dangerous key: {"$ne": null}, {"__proto__": {"admin": true}}, ... */
export const operatorObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...DANGEROUS_KEYS), fc.oneof(fc.constant(null), fc.constant(''), fc.constant({ admin: true }), fc.constant(1), nastyText))
  .map(([key, value]) => withKey({}, key, value));

/** Nested `depth` levels deep: [[[...]]] or {"a":{"a":...}}. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Any JSON value of the wrong type for a field, dangerous objects and deep nesting included. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  nastyNumber,
  fc.constant([]),
  fc.constant({}),
  fc.array(nastyText, { maxLength: 3 }),
  operatorObject,
  fc.record({ length: fc.integer(), 0: nastyText }), // array-like
  fc.constantFrom(10, 100, 1000).chain((depth) => fc.constantFrom(nested(depth, 'array'), nested(depth, 'object'))),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A field's value: mostly one of its own kind, sometimes anything else. */
export function fieldValue<T>(ownKind: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: ownKind }, { weight: 1, arbitrary: wrongType });
}

/**
 * A JSON body shaped like `fields`, then mutated: a field missing, of the wrong type, extra
 * fields (dangerous keys too), the object wrapped in an array, or no object at all.
 */
export function mutatedObject(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const names = Object.keys(fields);
  const whole = fc.record(fields);
  const name = fc.constantFrom(...names);
  const extraKey = fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ maxLength: 10 }));
  return fc.oneof(
    { weight: 6, arbitrary: whole },
    { weight: 2, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    {
      weight: 2,
      arbitrary: fc.tuple(whole, name).map(([body, missing]) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== missing))),
    },
    { weight: 2, arbitrary: fc.tuple(whole, name, wrongType).map(([body, key, value]) => withKey(body, key, value)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(whole, fc.array(fc.tuple(extraKey, wrongType), { minLength: 1, maxLength: 3 }))
        .map(([body, extras]) => extras.reduce((acc, [key, value]) => withKey(acc, key, value), body)),
    },
    { weight: 1, arbitrary: whole.map((body) => [body]) },
    { weight: 1, arbitrary: wrongType },
  );
}
