/**
 * Hostile eslogger lines: real lines from fixtures/ mutated the ways a compromised host, a buggy
 * producer or a damaged file would (byte flips, truncation, deep nesting, huge numbers and strings,
 * wrong types, duplicated keys, BOM/CRLF/NUL/invalid UTF-8, number/key disagreement, newer versions,
 * prototype keys). A batch is a short stream of such lines, mostly real ones, so the engine's state
 * (lineage, gaps, correlations) sees hostile lines in context.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ALL_EVENT_TYPES } from '@nightjar/core';
import { ROOT } from './paths.js';

/** Every line of the fixtures' plain .jsonl traces (the real eslogger shapes the mutations start from). */
export function fixtureLines(): string[] {
  const dir = join(ROOT, 'fixtures');
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl'))
        for (const l of readFileSync(p, 'utf8').split('\n')) if (l.trim().startsWith('{')) out.push(l.trim());
    }
  };
  walk(dir);
  return out;
}

/** One change to a line. Indexes are raw naturals, taken modulo what they index, so they shrink to 0. */
export type Mutation =
  | { readonly k: 'flip'; readonly at: number; readonly ch: number }
  | { readonly k: 'truncate'; readonly at: number }
  | { readonly k: 'nest'; readonly path: number; readonly depth: number; readonly array: boolean }
  | { readonly k: 'number'; readonly path: number; readonly text: string }
  | { readonly k: 'string'; readonly path: number; readonly length: number; readonly unit: string }
  | { readonly k: 'type'; readonly path: number; readonly value: unknown }
  | { readonly k: 'dupKey'; readonly key: string; readonly value: unknown }
  | { readonly k: 'bom' }
  | { readonly k: 'crlf' }
  | { readonly k: 'nul'; readonly at: number }
  | { readonly k: 'surrogate'; readonly at: number }
  | { readonly k: 'eventType'; readonly n: number }
  | { readonly k: 'version'; readonly v: number }
  | { readonly k: 'proto'; readonly path: number }
  | { readonly k: 'seq'; readonly field: string; readonly value: unknown }
  | { readonly k: 'host'; readonly name: unknown }
  | { readonly k: 'time'; readonly value: unknown };

export interface LineSpec {
  readonly base: number;
  readonly mutations: readonly Mutation[];
}

export interface Budget {
  /** Deepest nesting generated. */
  readonly maxDepth: number;
  /** Longest string generated. */
  readonly maxString: number;
}

const NUMBER_TEXTS = [
  '1e308',
  '-1e308',
  '1e999',
  '-0',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551615',
  '0.000000000000000000001',
  '123456789012345678901234567890',
  '4.9e-324',
];
const SEQ_FIELDS = ['seq_num', 'global_seq_num', 'glob_seq_num'];
const TOP_KEYS = [
  'event_type',
  'time',
  'event',
  'process',
  'seq_num',
  'global_seq_num',
  'version',
  'host',
  'mach_time',
];
const EVENT_NUMBERS = ALL_EVENT_TYPES.map((t) => t.type);

export function mutationArb(b: Budget): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const path = fc.nat();
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ k: fc.constant('flip' as const), at, ch: fc.integer({ min: 0, max: 0xffff }) }),
    },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('truncate' as const), at }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('nest' as const),
        path,
        depth: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: b.maxDepth })),
        array: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('number' as const), path, text: fc.constantFrom(...NUMBER_TEXTS) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('string' as const),
        path,
        length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: b.maxString })),
        unit: fc.constantFrom('a', 'A?', '/', '\\', '*', 'é', '\u{1F600}', '"', '\u0000', '%s'),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ k: fc.constant('type' as const), path, value: fc.jsonValue({ maxDepth: 3 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('dupKey' as const),
        key: fc.constantFrom(...TOP_KEYS),
        value: fc.jsonValue({ maxDepth: 2 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('bom' as const) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('crlf' as const) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('nul' as const), at }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('surrogate' as const), at }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('eventType' as const),
        n: fc.oneof(fc.constantFrom(...EVENT_NUMBERS), fc.integer({ min: -5, max: 100_000 })),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('version' as const), v: fc.integer({ min: 0, max: 1_000_000 }) }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('proto' as const), path }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('seq' as const),
        field: fc.constantFrom(...SEQ_FIELDS),
        value: fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 2 ** 53, 1.5, '7', null)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('host' as const),
        name: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('time' as const),
        value: fc.oneof(
          fc.constantFrom(
            '',
            '2024-02-30T00:00:00Z',
            '9999-12-31T23:59:59.999999999Z',
            '0000-01-01T00:00:00Z',
            'now',
            0,
          ),
          fc.string(),
        ),
      }),
    },
  );
}

export function lineSpecArb(nBase: number, b: Budget): fc.Arbitrary<LineSpec> {
  return fc.record({
    base: fc.nat({ max: nBase - 1 }),
    mutations: fc.oneof(
      { weight: 1, arbitrary: fc.constant([] as Mutation[]) },
      { weight: 3, arbitrary: fc.array(mutationArb(b), { minLength: 1, maxLength: 3 }) },
    ),
  });
}

/** A batch: a short stream of lines, a fraction of them mutated. */
export function batchArb(nBase: number, b: Budget, maxLines: number): fc.Arbitrary<LineSpec[]> {
  return fc.array(lineSpecArb(nBase, b), { minLength: 1, maxLength: maxLines });
}

type Json = Record<string, unknown>;

/** Paths to every value in a parsed line, parents before children (cached per base line). */
function pathsOf(v: unknown, prefix: string[] = [], out: string[][] = [], depth = 0): string[][] {
  if (typeof v !== 'object' || v === null || depth > 6) return out;
  for (const k of Object.keys(v)) {
    const p = [...prefix, k];
    out.push(p);
    pathsOf((v as Json)[k], p, out, depth + 1);
  }
  return out;
}

function setAt(obj: Json, path: readonly string[], value: unknown): void {
  let o: unknown = obj;
  for (let i = 0; i < path.length - 1; i++) {
    o = (o as Json)[path[i]!];
    if (typeof o !== 'object' || o === null) return;
  }
  Object.defineProperty(o, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** Placeholders for values spliced in as raw JSON text after stringify (deep nesting, unparseable numbers). */
const RAW = '\u0001raw:';

/** Applies a LineSpec to its base line. Pure: the same spec and base give the same line. */
export function buildLine(bases: readonly string[], spec: LineSpec): string {
  const baseText = bases[spec.base % bases.length]!;
  if (spec.mutations.length === 0) return baseText;
  const obj = JSON.parse(baseText) as Json;
  const paths = pathsOf(obj);
  const pick = (n: number): string[] => paths[n % Math.max(1, paths.length)] ?? ['event_type'];
  const raw: string[] = [];
  const rawValue = (text: string): string => {
    raw.push(text);
    return `${RAW}${raw.length - 1}`;
  };
  const textOps: Mutation[] = [];
  for (const m of spec.mutations) {
    switch (m.k) {
      case 'nest':
        setAt(
          obj,
          pick(m.path),
          rawValue(`${(m.array ? '[' : '{"a":').repeat(m.depth)}1${(m.array ? ']' : '}').repeat(m.depth)}`),
        );
        break;
      case 'number':
        setAt(obj, pick(m.path), rawValue(m.text));
        break;
      case 'string':
        setAt(obj, pick(m.path), m.unit.repeat(Math.ceil(m.length / m.unit.length)).slice(0, m.length));
        break;
      case 'type':
        setAt(obj, pick(m.path), m.value);
        break;
      case 'eventType':
        obj.event_type = m.n;
        break;
      case 'version':
        obj.version = m.v;
        break;
      case 'proto': {
        const target = pick(m.path);
        const evil = { polluted: 'yes', toString: 'x', hasOwnProperty: 1 };
        setAt(obj, target.length > 1 ? target : ['event'], { __proto__: evil, constructor: { prototype: evil } });
        // JSON.stringify drops a __proto__ own key only when it is not own: write it as text.
        setAt(obj, ['__proto__'], rawValue('{"polluted":"yes"}'));
        break;
      }
      case 'seq':
        obj[m.field] = m.value;
        break;
      case 'host':
        obj.host = typeof m.name === 'string' ? { hostname: m.name } : m.name;
        break;
      case 'time':
        obj.time = m.value;
        break;
      default:
        textOps.push(m);
    }
  }
  let text = JSON.stringify(obj);
  if (raw.length > 0) text = text.replace(/"\\u0001raw:(\d+)"/g, (_, i: string) => raw[Number(i)]!);
  for (const m of textOps) {
    switch (m.k) {
      case 'flip': {
        const i = m.at % Math.max(1, text.length);
        text = text.slice(0, i) + String.fromCharCode(m.ch === 10 ? 11 : m.ch) + text.slice(i + 1);
        break;
      }
      case 'truncate':
        text = text.slice(0, m.at % Math.max(1, text.length));
        break;
      case 'dupKey':
        text = text.replace(/\}\s*$/, `,${JSON.stringify(m.key)}:${JSON.stringify(m.value) ?? 'null'}}`);
        break;
      case 'bom':
        text = `\ufeff${text}`;
        break;
      case 'crlf':
        text = `${text}\r`;
        break;
      case 'nul': {
        const i = m.at % Math.max(1, text.length);
        text = `${text.slice(0, i)}\u0000${text.slice(i)}`;
        break;
      }
      case 'surrogate': {
        const i = m.at % Math.max(1, text.length);
        text = `${text.slice(0, i)}\ud800${text.slice(i)}`;
        break;
      }
      default:
        break;
    }
  }
  // A line never holds a newline (the splitter would make two lines of it).
  return text.replace(/\n/g, ' ');
}
