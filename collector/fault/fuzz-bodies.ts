import { gzipSync } from 'node:zlib';
import { seededRandom } from './sdk-reports.js';

/** One fuzzed request: what to send and what kind of damage it carries. */
export interface FuzzCase {
  readonly kind: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload: string | Buffer;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Every path to a leaf (number, string, boolean) in a JSON value. */
function leafPaths(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leafPaths(v, [...path, k], out);
  else out.push(path);
  return out;
}

/** Every path to an object in a JSON value (the root included). */
function objectPaths(value: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) value.forEach((v, i) => objectPaths(v, [...path, i], out));
  else if (value && typeof value === 'object') {
    out.push(path);
    for (const [k, v] of Object.entries(value)) objectPaths(v, [...path, k], out);
  }
  return out;
}

function at(root: Json, path: readonly (string | number)[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, root);
}

function setAt(root: Json, path: readonly (string | number)[], value: Json): void {
  const parent = at(root, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1] as string | number] = value;
}

function deepNesting(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

const REQUIRED_TOP = ['v', 'sdkVersion', 'tenant', 'sessionId', 'callId', 'participantId', 'batchSeq', 'sentAt', 'meta', 'dropped', 'samples', 'events'];
const REQUIRED_SAMPLE = ['pc', 'seq', 'ts', 'dur', 'conn', 'streams', 'labels'];
const WRONG_TYPES: readonly string[] = ['application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/html', 'image/png'];

/**
 * A generator of bad request bodies, each a mutation of `valid` (a valid
 * batch for the public key `key`) that the collector must refuse with a
 * 4xx: wrong types, huge numbers, deep nesting, prototype keys, truncated
 * JSON, wrong content types, invalid UTF-8, oversize bodies, unknown or
 * missing fields, a foreign tenant, corrupt gzip. No case is valid.
 */
export function createFuzzer(valid: object, key: string, seed: number, oversizeBytes: number) {
  const random = seededRandom(seed);
  const base = JSON.parse(JSON.stringify(valid)) as Json;
  const text = JSON.stringify(base);
  const leaves = leafPaths(base);
  const objects = objectPaths(base);
  const url = `/v1/reports?key=${encodeURIComponent(key)}`;
  const json = (kind: string, payload: string | Buffer, headers: Record<string, string> = {}): FuzzCase => ({
    kind,
    url,
    headers: { 'content-type': random() < 0.5 ? 'application/json' : 'text/plain;charset=UTF-8', ...headers },
    payload,
  });
  const mutated = (change: (copy: Json) => void): string => {
    const copy = JSON.parse(text) as Json;
    change(copy);
    return JSON.stringify(copy);
  };

  const oversize = mutated((c) => ((c as Record<string, Json>).pad = 'x'.repeat(oversizeBytes)));
  const gz = gzipSync(text);

  const mutations: readonly (() => FuzzCase)[] = [
    () => {
      const path = pick(random, leaves);
      const current = at(base, path);
      const options: Json[] = typeof current === 'number' ? ['12', [], {}, true, null] : [7, [], { a: 1 }, false, null];
      return json('wrong-type', mutated((c) => setAt(c, path, pick(random, options))));
    },
    () => {
      const numeric = leaves.filter((p) => typeof at(base, p) === 'number');
      const path = pick(random, numeric);
      const huge = pick(random, ['1e300', '-1e300', '1e999', '18446744073709551616', '9007199254740993e10']);
      return json('huge-number', mutated((c) => setAt(c, path, 0)).replace(`"${String(path.at(-1))}":0`, `"${String(path.at(-1))}":${huge}`));
    },
    () => {
      const path = pick(random, [...leaves, ...objects.filter((p) => p.length > 0)]);
      const marker = '"__deep__"';
      return json('deep-nesting', mutated((c) => setAt(c, path, '__deep__')).replace(marker, deepNesting(1000 + Math.floor(random() * 9000))));
    },
    () => {
      const path = pick(random, objects);
      const poison = pick(random, ['"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}']);
      const marker = '"__poison__":0';
      const body = mutated((c) => ((at(c, path) as Record<string, Json>).__poison__ = 0));
      return json('proto-key', body.replace(marker, poison));
    },
    () => json('truncated', text.slice(0, 1 + Math.floor(random() * (text.length - 2)))),
    () => ({ kind: 'content-type', url, headers: { 'content-type': pick(random, WRONG_TYPES) }, payload: text }),
    () => {
      const at = 1 + Math.floor(random() * (text.length - 2));
      const bytes = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(pick(random, [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]])), Buffer.from(text.slice(at))]);
      return json('invalid-utf8', bytes);
    },
    () => json('oversize', oversize),
    () => {
      const path = pick(random, objects);
      return json('unknown-field', mutated((c) => ((at(c, path) as Record<string, Json>).zz_unknown = 1)));
    },
    () => {
      const inSample = random() < 0.5;
      const field = pick(random, inSample ? REQUIRED_SAMPLE : REQUIRED_TOP);
      return json('missing-field', mutated((c) => delete (inSample ? (at(c, ['samples', 0]) as Record<string, Json>) : (c as Record<string, Json>))[field]));
    },
    () => json('not-an-object', pick(random, ['null', '[]', '"batch"', '42', 'true', '', ' ', '{}'])),
    () => json('foreign-tenant', mutated((c) => ((c as Record<string, Json>).tenant = 'someone-elses-key'))),
    () => json('bad-literal', mutated((c) => setAt(c, ['events', 0, 'type'], pick(random, ['pc.exploded', 'SESSION.START', ''])))),
    () => json('long-string', mutated((c) => setAt(c, pick(random, [['sessionId'], ['callId'], ['meta', 'browser']]), 'y'.repeat(600)))),
    () => {
      const damaged = Buffer.from(gz);
      for (let i = 0; i < 8; i++) damaged[10 + Math.floor(random() * (damaged.length - 18))] = Math.floor(random() * 256);
      return json('corrupt-gzip', random() < 0.5 ? damaged : gz.subarray(0, Math.floor(gz.length / 2)), { 'content-encoding': 'gzip' });
    },
  ];

  return {
    /** The next bad request. */
    next(): FuzzCase {
      return pick(random, mutations)();
    },
  };
}
