import fc from 'fast-check';

/**
 * Generators for the HTTP fuzz: bodies, headers, ids and query strings that are mostly wrong in
 * every way a client (or an attacker) can get them wrong, and sometimes right, so that requests
 * also get past validation into the domain and the store.
 *
 * Everything is generated as data (strings and small descriptors) and turned into a request at
 * run time, so a printed counterexample reads as the request that was sent.
 */

/** Keys that have tripped JavaScript services before: prototype pollution and friends. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
] as const;

/** Every field name some route of API.md takes, so that a random key is often a real one in the wrong place. */
const KNOWN_FIELDS = [
  'commune',
  'title',
  'description',
  'category',
  'workingGroup',
  'sessionDate',
  'note',
  'reason',
  'department',
  'dueAt',
  'dueInWorkingDays',
  'instructions',
  'requestedDueAt',
  'resolution',
  'id',
  'revision',
  'status',
  'actor',
  'role',
] as const;

/** Characters Node's HTTP client accepts in a header value: visible ASCII, space, tab and obs-text (0x80–0xff). */
const headerChar = fc
  .oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((code) => String.fromCharCode(code));

export const headerValue = (maxLength: number) => fc.string({ unit: headerChar, maxLength });

/** A long run of one character: cheap to generate, as hard on the server as a random one. */
const longRun = (min: number, max: number, char = 'x') => fc.integer({ min, max }).map((n) => char.repeat(n));

/** Any string a client could send: ASCII, full Unicode (lone surrogates too), control characters, or long. */
export const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', '\n', '\u202e', 'null', 'undefined', 'NaN', '[object Object]') },
  { weight: 1, arbitrary: longRun(200, 1200) },
);

/** ISO 8601 and things that look like it: the forms class-validator and `new Date` disagree on matter most. */
export const isoLike = fc.oneof(
  { weight: 3, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('Z', '+07:00', '-05:30', '+14:00', '+0700', '+07', ''),
      )
      .map(([d, offset]) => d.toISOString().slice(0, 19) + offset),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '2026-03-02',
      '2026-03-02T09:00:00+07:00',
      '2026-02-30',
      '2026-02-29',
      '2026-13-01',
      '20260302',
      '2026-W10',
      '2026-W10-1',
      '2026-061',
      '2026-366',
      '2026-03-02T09',
      '2026-03-02T09:00',
      '2026-03-02T24:00:00Z',
      '2026-03-02T09:00:00,5Z',
      '2026-03-02 09:00',
      '2026',
      '2026-03',
      '0000-01-01',
      '-000001-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '+275760-09-13T00:00:00.001Z',
      '9999-12-31T23:59:59.999+14:00',
      '1970-01-01T00:00:00Z',
      'now',
      'yesterday',
      '0',
      '-1',
      '1e21',
    ),
  },
  { weight: 1, arbitrary: anyString },
);

/** The text of a JSON scalar, including numbers JSON.parse reads but JavaScript cannot hold exactly. */
const scalarText = fc.oneof(
  fc.integer().map(String),
  fc.double().map((n) => JSON.stringify(n)),
  fc.boolean().map(String),
  fc.constant('null'),
  fc.constantFrom('1e400', '-1e400', '-0', '123456789012345678901234567890', '0.1e-400', '1.0'),
  anyString.map((s) => JSON.stringify(s)),
  isoLike.map((s) => JSON.stringify(s)),
);

const objectKey = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_FIELDS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
);

/** JSON text of an arbitrary value, written by hand so that keys like `__proto__` and duplicate keys survive. */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarText, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
  object: fc
    .array(fc.tuple(objectKey, tie('value')), { maxLength: 6 })
    .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).value;

/** What was sent as the body, and the top-level keys when it is a JSON object (null otherwise). */
export interface FuzzBody {
  kind: string;
  text: string | undefined;
  topKeys: string[] | null;
}

function objectText(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

type Mutation =
  | { op: 'drop'; index: number }
  | { op: 'retype'; index: number; value: string }
  | { op: 'add'; key: string; value: string }
  | { op: 'duplicate'; index: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), index: fc.nat() }),
  fc.record({ op: fc.constant('retype' as const), index: fc.nat(), value: jsonText }),
  fc.record({ op: fc.constant('add' as const), key: objectKey, value: jsonText }),
  fc.record({ op: fc.constant('duplicate' as const), index: fc.nat(), value: jsonText }),
);

/** A route's valid body with a few fields dropped, retyped, duplicated, or unknown ones added. */
function mutatedValid(valid: Record<string, unknown> | undefined): fc.Arbitrary<FuzzBody> {
  const base: Array<[string, string]> = Object.entries(valid ?? {}).map(([k, v]) => [k, JSON.stringify(v)]);
  const mutations = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
  );
  return mutations.map((mutations) => {
    const entries = base.map((e) => [...e] as [string, string]);
    for (const m of mutations) {
      if (m.op === 'add') entries.push([m.key, m.value]);
      else if (entries.length === 0) continue;
      else if (m.op === 'drop') entries.splice(m.index % entries.length, 1);
      else if (m.op === 'retype') entries[m.index % entries.length][1] = m.value;
      else entries.push([entries[m.index % entries.length][0], m.value]);
    }
    return { kind: mutations.length === 0 ? 'valid' : 'mutated', text: objectText(entries), topKeys: entries.map(([k]) => k) };
  });
}

/** Nesting deep enough to exhaust a recursive walker, still under the body limit for most depths. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 50, max: 40_000 }), fc.constantFrom('array', 'object', 'field'), fc.constantFrom(...KNOWN_FIELDS))
  .map(([depth, shape, field]): FuzzBody => {
    if (shape === 'array')
      return { kind: 'deep', text: `{"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`, topKeys: [field] };
    if (shape === 'object') return { kind: 'deep', text: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, topKeys: ['a'] };
    return { kind: 'deep', text: `{"${field}":${'{"a":'.repeat(depth)}1${'}'.repeat(depth + 1)}`, topKeys: [field] };
  });

/** A valid body whose one text field is around and over the 100 kB body limit. */
const huge = (valid: Record<string, unknown> | undefined) =>
  fc.tuple(fc.integer({ min: 60_000, max: 400_000 }), fc.constantFrom('x', 'ệ', '😀')).map(([n, char]): FuzzBody => {
    const entries: Array<[string, string]> = Object.entries(valid ?? { note: '' }).map(([k, v]) => [k, JSON.stringify(v)]);
    const textField = Math.max(
      entries.findIndex(([, v]) => v.startsWith('"')),
      0,
    );
    entries[textField][1] = JSON.stringify(char.repeat(Math.ceil(n / Buffer.byteLength(char))));
    return { kind: 'huge', text: objectText(entries), topKeys: entries.map(([k]) => k) };
  });

/** Bodies for a command: mostly near-valid, then random JSON, broken JSON, deep, huge, or none at all. */
export function commandBody(valid: Record<string, unknown> | undefined): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    { weight: 14, arbitrary: mutatedValid(valid) },
    {
      weight: 3,
      arbitrary: fc
        .array(fc.tuple(objectKey, jsonText), { maxLength: 6 })
        .map((entries): FuzzBody => ({ kind: 'object', text: objectText(entries), topKeys: entries.map(([k]) => k) })),
    },
    { weight: 2, arbitrary: jsonText.map((text): FuzzBody => ({ kind: 'json', text, topKeys: null })) },
    { weight: 2, arbitrary: anyString.map((text): FuzzBody => ({ kind: 'raw', text, topKeys: null })) },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: huge(valid) },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'none', text: undefined, topKeys: null }) },
  );
}

export const contentType = fc.oneof(
  { weight: 30, arbitrary: fc.constant('application/json') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'application/merge-patch+json',
      'application/xml',
      'APPLICATION/JSON',
      '*/*',
      'application/json, text/plain',
    ),
  },
  { weight: 1, arbitrary: headerValue(60) },
);

/** Revisions in the forms If-Match accepts, stale or current, and garbage. */
export const ifMatch = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }).map((n) => `"${n}"`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom('W/"%"', '%', '"%', ' "%" ', '"%", "1"', '"-%"', '"%.0"'))
      .map(([n, form]) => form.replace('%', String(n))),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', '""', '"99999999999999999999"', '"1e3"', 'W/', '"0x1"') },
  { weight: 2, arbitrary: headerValue(60) },
);

export const idempotencyKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('retry-1', 'retry-2', 'retry-3') },
  { weight: 2, arbitrary: headerValue(80) },
  { weight: 1, arbitrary: fc.integer({ min: 190, max: 260 }).map((n) => 'k'.repeat(n)) },
  { weight: 1, arbitrary: longRun(300, 1500, 'k') },
);

export const correlationIdHeader = fc.oneof(
  fc.constantFrom('abc-123', 'a:b.c_d-e', ''),
  headerValue(140),
  longRun(129, 1000, 'c'),
);

/** Optional request headers around the body: each one present or absent. */
export interface FuzzHeaders {
  contentType?: string;
  /** `CURRENT` stands for the target item's current revision, filled in when the request is sent. */
  ifMatch?: string;
  idempotencyKey?: string;
  correlationId?: string;
  contentEncoding?: string;
  accept?: string;
}

export const CURRENT_REVISION = 'CURRENT';

/** Absent `absentWeight` times out of `absentWeight + 1`, else drawn from `arb`. */
const sometimes = <T>(arb: fc.Arbitrary<T>, absentWeight: number) =>
  fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const acceptHeader = fc.constantFrom('application/json', 'text/html', '*/*', 'application/x-ndjson', '');

export const commandHeaders: fc.Arbitrary<FuzzHeaders> = fc.record({
  contentType: contentType,
  ifMatch: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(CURRENT_REVISION) },
    { weight: 2, arbitrary: ifMatch },
  ),
  idempotencyKey: sometimes(idempotencyKey, 3),
  correlationId: sometimes(correlationIdHeader, 2),
  contentEncoding: sometimes(fc.constantFrom('gzip', 'deflate', 'identity', 'br', 'x-junk', 'gzip, gzip'), 19),
  accept: sometimes(acceptHeader, 3),
});

export const queryHeaders: fc.Arbitrary<FuzzHeaders> = fc.record({
  correlationId: sometimes(correlationIdHeader, 2),
  accept: sometimes(acceptHeader, 3),
  ifMatch: sometimes(ifMatch, 5),
});

/** The item a path names: one of the live fixture items (by status), or a literal id. */
export type FuzzId = { kind: 'known'; state: KnownState; upper: boolean } | { kind: 'literal'; id: string; encode: boolean };

export const KNOWN_STATES = ['raised', 'accepted', 'assigned', 'resolved', 'declined'] as const;
export type KnownState = (typeof KNOWN_STATES)[number];

/** Characters that can go into a request path unescaped: the id reaches Express's own decoding as is. */
const rawPathChar = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'abcdef0123456789-ABCDEF'.split('')) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('%', '%00', '%zz', '%2F', '%2e%2e', '..', '%E0%A4%A', '%C0%AF', '%u0041', ';', '~', '!', '*'),
    },
  )
  .map((c) => c);

export function pathId(preferred: KnownState | null): fc.Arbitrary<FuzzId> {
  const known = fc.record({ kind: fc.constant('known' as const), state: fc.constantFrom(...KNOWN_STATES), upper: fc.boolean() });
  const literal = (id: fc.Arbitrary<string>, encode: boolean) =>
    id.map((value): FuzzId => ({ kind: 'literal', id: value, encode }));
  return fc.oneof(
    {
      weight: preferred ? 6 : 0,
      arbitrary: fc.constant<FuzzId>({ kind: 'known', state: preferred ?? 'raised', upper: false }),
    },
    { weight: 4, arbitrary: known },
    { weight: 3, arbitrary: literal(fc.uuid(), false) },
    { weight: 2, arbitrary: literal(fc.string({ maxLength: 60 }), true) },
    { weight: 2, arbitrary: literal(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), true) },
    { weight: 1, arbitrary: literal(longRun(100, 2500, 'a'), true) },
    { weight: 2, arbitrary: literal(fc.string({ unit: rawPathChar, minLength: 1, maxLength: 20 }), false) },
    {
      weight: 1,
      arbitrary: literal(
        fc.uuid().map((u) => `${u} `),
        true,
      ),
    },
  );
}

/** One query parameter: a name and a value (sent URL-encoded, or raw when `raw`). */
export interface QueryPart {
  key: string;
  value: string;
  raw?: boolean;
}

/** Query strings made of a route's own parameters with odd values, repeated ones, and unknown ones. */
export function queryString(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<QueryPart[]> {
  const names = Object.keys(known);
  const ownPart =
    names.length === 0
      ? fc.constant<QueryPart | null>(null)
      : fc.constantFrom(...names).chain((key) => known[key].map((value): QueryPart | null => ({ key, value })));
  const foreign = fc.record({ key: fc.oneof(objectKey, fc.constantFrom('asOf', 'limit', 'cursor')), value: anyString });
  const rawJunk = fc
    .tuple(fc.constantFrom(...(names.length > 0 ? names : ['x'])), fc.constantFrom('%', '%zz', '%00', '[]', '[0]=1', '%E0%A4%A'))
    .map(([key, value]): QueryPart => ({ key, value, raw: true }));
  return fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: ownPart },
        { weight: 2, arbitrary: foreign },
        { weight: 1, arbitrary: rawJunk },
        {
          weight: 1,
          arbitrary: fc.record({
            key: fc.constantFrom(...(names.length > 0 ? names : ['x'])).map((k) => `${k}[a]`),
            value: anyString,
          }),
        },
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.filter((p): p is QueryPart => p !== null));
}

export const limitValue = fc.oneof(
  fc.integer({ min: -5, max: 600 }).map(String),
  fc.constantFrom('1e2', '0x10', '50.5', ' 5', '', 'NaN', 'Infinity', '99999999999999999999', '-0'),
  anyString,
);

/**
 * `minPosition` values that do not make the request wait its 5 s: positions already reached, or
 * values the interceptor ignores (a position ahead of the log is tested elsewhere, on purpose slowly).
 */
export const minPositionValue = fc.oneof(
  fc.constantFrom('0', '1', '2', '', '-1', '1.5', 'abc', '0x1', '1234567890123456789'),
  anyString.filter((s) => !/^\d{1,18}$/.test(s)),
);
