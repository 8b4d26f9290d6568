// Inputs for the fuzz tests: values built from the shared zod schemas (so most requests get past
// the first check and reach the code behind it), and the hostile ones a schema never describes.
import fc from 'fast-check';
import type { z } from 'zod';

/** A JSON body as entries, so `__proto__` stays an own key and a key can appear twice. */
export type Entries = [string, unknown][];

interface Def {
  type: string;
  format?: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  entries?: Record<string, string>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  out?: { _zod: { def: Def } };
  checks?: { _zod: { def: { check: string; format?: string; pattern?: RegExp } } }[];
  coerce?: boolean;
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Values of a field name the schema cannot know about, e.g. the catalog's plan ids. */
export type Hints = Record<string, readonly unknown[]>;

/** A value the schema accepts (or nearly: lengths and formats are only aimed at). */
export function validFor(schema: unknown, hints: Hints = {}, key = ''): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const hinted = hints[key];
  const base = fromDef(def, hints);
  return hinted ? fc.oneof(base, fc.constantFrom(...hinted)) : base;
}

function fromDef(def: Def, hints: Hints): fc.Arbitrary<unknown> {
  switch (def.type) {
    case 'object':
      return fc
        .tuple(
          ...Object.entries(def.shape!).map(([key, field]) => {
            const optional = ['optional', 'default'].includes(field._zod.def.type);
            const value = validFor(field, hints, key);
            return optional
              ? fc.option(
                  value.map((v) => [key, v] as const),
                  { nil: undefined },
                )
              : value.map((v) => [key, v] as const);
          }),
        )
        .map((pairs) => pairs.filter((pair) => pair !== undefined) as Entries);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!));
    case 'optional':
    case 'default':
    case 'nullable':
      return fromDef(defOf(def.innerType), hints);
    case 'pipe':
      return defOf(def.out).type === 'enum'
        ? fromDef(defOf(def.out), hints)
        : fromDef(defOf(def.in), hints);
    case 'number':
      return fc.oneof(
        fc.integer({ min: -5, max: 150 }),
        fc.integer({ min: -5, max: 150 }).map(String),
      );
    case 'string':
      return stringFor(def);
    default:
      return fc.jsonValue();
  }
}

function stringFor(def: Def): fc.Arbitrary<string> {
  if (def.format === 'url') {
    return fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc
        .webPath()
        .map((path) => `https://shop.example.com${path.startsWith('/') ? '' : '/'}${path}`),
    );
  }
  const pattern = def.checks?.find((c) => c._zod.def.format === 'regex')?._zod.def.pattern;
  if (pattern) {
    // Lower case too, since codes are upper-cased after the check; and a space to be trimmed.
    return fc.oneof(
      fc.stringMatching(pattern),
      fc.stringMatching(pattern).map((s) => ` ${s.toLowerCase()} `),
    );
  }
  // No pattern to follow (a refinement is a function): identifier-like text gets past most of them.
  return fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme' }),
  );
}

/** Keys with a meaning somewhere in JavaScript, and a few a careless server might trust. */
export const dangerousKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'userId',
  'isAdmin',
  'price',
  'amount',
  'customer',
  'mode',
  '',
);

/** What no schema asks for: wrong types, odd numbers, huge and strange strings, nested junk. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, '', ' ', 'null', 'undefined'),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(
    '\u0000',
    '\u202e',
    'ｗｅｅｋｌｙ',
    'WEEKLY',
    'weekly\n',
    '../../etc/passwd',
    '%00',
  ),
  fc.integer({ min: 256, max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.oneof(dangerousKey, fc.string()), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 4,
  }),
);

/** A valid body, then maybe spoiled: a field dropped, a value swapped, keys added or doubled. */
export function entriesFor(schema: z.ZodType, hints: Hints = {}): fc.Arbitrary<Entries> {
  return fc
    .tuple(
      validFor(schema, hints) as fc.Arbitrary<Entries>,
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
          fc.record({ op: fc.constant('swap' as const), at: fc.nat(), value: hostileValue }),
          fc.record({
            op: fc.constant('add' as const),
            key: fc.oneof(dangerousKey, fc.string({ maxLength: 12 })),
            value: hostileValue,
          }),
          fc.record({ op: fc.constant('double' as const), at: fc.nat(), value: hostileValue }),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([valid, edits]) => {
      const entries: Entries = [...valid];
      for (const edit of edits) {
        const at = entries.length === 0 ? -1 : (edit as { at?: number }).at! % entries.length;
        if (edit.op === 'add') entries.push([edit.key, edit.value]);
        else if (at < 0) continue;
        else if (edit.op === 'drop') entries.splice(at, 1);
        else if (edit.op === 'swap') entries[at] = [entries[at]![0], edit.value];
        else entries.push([entries[at]![0], edit.value]);
      }
      return entries;
    });
}

/** JSON text of entries, written by hand so duplicate and `__proto__` keys survive. */
export function jsonOf(entries: Entries): string {
  const members = entries
    .map(([key, value]) => [JSON.stringify(key), JSON.stringify(value)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}:${value}`);
  return `{${members.join(',')}}`;
}

/** A request body: mostly JSON from the schema, sometimes broken, nested, binary or huge. */
export function bodyFor(schema: z.ZodType, hints: Hints = {}): fc.Arbitrary<string | Buffer> {
  const json = entriesFor(schema, hints).map(jsonOf);
  return fc.oneof(
    { weight: 12, arbitrary: json },
    {
      weight: 1,
      arbitrary: json.chain((text) => fc.nat(text.length).map((n) => text.slice(0, n))),
    },
    { weight: 1, arbitrary: json.map((text) => `[${text}]`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('null', '"weekly"', '42', 'true', '[]', '{}', '', ' ', '{"a":1}x'),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 10, max: 5_000 })
        .map((depth) => `${'{"a":['.repeat(depth)}${']}'.repeat(depth)}`),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(16 * 1024, 64 * 1024, 1024 * 1024 + 1).map((size) =>
        jsonOf([
          ['planId', 'weekly'],
          ['pad', 'x'.repeat(size)],
        ]),
      ),
    },
  );
}

/** Content types a client might send; only the first two are JSON. */
export const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constant('application/json; charset=utf-8') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/json; charset=utf-16le',
      'application/json; charset=bogus',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      'application/json, text/plain',
      'json',
    ),
  },
);

/** Header values as a client can send them: Latin-1 printable only, which is what HTTP allows. */
export const headerText = (maxLength = 80) =>
  fc
    .string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength,
    })
    .filter((s) => s === s.trim() && !s.includes('\u007f'));

/** A path segment: plain, percent-encoded (well or badly), traversal, unicode or very long. */
export const pathSegment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%ZZ', '%E0%A4%A', '%', '%00', '..', '..%2F..%2Fetc', '%2e%2e', 'cs_test_%0d%0a'),
  fc.integer({ min: 300, max: 4_000 }).map((n) => 'A'.repeat(n)),
);
