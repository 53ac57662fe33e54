import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fastParseYaml, fastParseYamlDocs } from '../../src/load/fast-yaml.js';
import {
  DEFAULT_LIMITS,
  parseYamlText,
  parseYamlTextFull,
  type KeyPath,
  type ParsedYamlDoc,
} from '../../src/load/yaml.js';
import { parseRuleText } from '../../src/index.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** Every key path of a value (map keys and list indexes), for comparing locators. */
function paths(v: unknown, prefix: KeyPath = [], out: KeyPath[] = [], seen = new Set<unknown>()): KeyPath[] {
  out.push(prefix);
  if (v === null || typeof v !== 'object' || seen.has(v)) return out;
  seen.add(v);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out, seen));
  else for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out, seen);
  return out;
}

/**
 * The fast path's contract: when it parses a text, the result equals the full parser's — same
 * documents and indexes, same data, no diagnostics, same root start, same positions everywhere.
 */
function expectSameAsFull(text: string, file = 'f.yml', checkPositions = true): 'fast' | 'full' {
  const fast = fastParseYaml(text, DEFAULT_LIMITS.maxDepth, DEFAULT_LIMITS.maxAliasCount);
  const full = parseYamlTextFull(text, file);
  if (!fast) return 'full';
  expect(full.flatMap((d) => d.diagnostics)).toEqual([]);
  expect(fast.map((d) => d.index)).toEqual(full.map((d) => d.index));
  fast.forEach((d, i) => {
    const f = full[i];
    expect(d.data).toEqual(f.data);
    expect({ line: d.line, col: d.col }).toEqual({ line: f.locate([]).line, col: f.locate([]).col });
  });
  if (checkPositions) {
    const viaFast = parseYamlText(text, file);
    viaFast.forEach((d: ParsedYamlDoc, i) => {
      const f = full[i];
      expect(d.start).toEqual(f.start);
      for (const p of paths(d.data)) {
        expect(d.locate(p)).toEqual(f.locate(p));
        expect(d.locate(p, { key: true })).toEqual(f.locate(p, { key: true }));
        // A key the document lacks points where the full parser points (the map that should hold it).
        expect(d.locate([...p, 'no-such-key'])).toEqual(f.locate([...p, 'no-such-key']));
      }
      expect(d.doc.toJS()).toEqual(f.doc.toJS());
    });
  }
  return 'fast';
}

/**
 * The per-document contract: whatever mix of fast documents and yaml-parsed ones parseYamlText
 * uses, its result equals a whole-file yaml parse — same documents and indexes, same data, same
 * diagnostics at the same file:line:col, same root starts, and (with checkPositions) the same
 * position for every key path and the same yaml Document data. Returns how the file was read.
 */
function expectSameAsWhole(text: string, file = 'f.yml', checkPositions = true): 'fast' | 'mixed' | 'yaml' | 'whole' {
  const split = fastParseYamlDocs(text, DEFAULT_LIMITS.maxDepth, DEFAULT_LIMITS.maxAliasCount);
  const got = parseYamlText(text, file);
  const want = parseYamlTextFull(text, file);
  expect(got.map((d) => d.index)).toEqual(want.map((d) => d.index));
  got.forEach((d, i) => {
    const w = want[i];
    expect(d.diagnostics).toEqual(w.diagnostics);
    expect(d.data).toEqual(w.data);
    expect(d.start).toEqual(w.start);
    if (checkPositions) {
      for (const p of paths(w.data)) {
        expect(d.locate(p)).toEqual(w.locate(p));
        expect(d.locate(p, { key: true })).toEqual(w.locate(p, { key: true }));
      }
      // A refused document's toJS throws (alias budget, unresolved alias) on both sides alike.
      if (w.data !== undefined) expect(d.doc.toJS()).toEqual(w.doc.toJS());
    }
  });
  if (!split) return 'whole';
  const fallbacks = split.filter((d) => 'fallback' in d).length;
  return fallbacks === 0 ? 'fast' : fallbacks === split.length ? 'yaml' : 'mixed';
}

/** A line-folded description (as yaml.stringify writes a long one): a multi-line plain scalar. */
const FOLDED = 'description: a description long enough that a YAML writer folds it\n  onto a second line\n';

describe('fast YAML path agrees with yaml', () => {
  const files = [
    ...yamlFiles(join(REPO, 'rules')),
    ...yamlFiles(join(REPO, 'packages/cli/test')),
    ...yamlFiles(join(REPO, 'packages/ruletools/test')),
    ...yamlFiles(join(REPO, '../shared/corpus')),
  ];

  it('on every rule file in the repository (and the SigmaHQ corpus when present); the shipped rules all take it', () => {
    expect(files.length).toBeGreaterThan(80);
    const used: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (expectSameAsFull(text, f) === 'fast') used.push(f);
    }
    const shipped = yamlFiles(join(REPO, 'rules'));
    expect(shipped.filter((f) => !used.includes(f))).toEqual([]);
  });

  it("a lone '-' in a flow list is yaml's error, never the string '-' (a shipped rule once relied on it)", () => {
    for (const text of ['a: [x, -]\n', 'a: [-, x]\n', 'a: {k: -}\n', 'a: [x, - ]\n', 'a: [x, -[]]\n']) {
      expect(fastParseYaml(text, DEFAULT_LIMITS.maxDepth, DEFAULT_LIMITS.maxAliasCount)).toBeUndefined();
      expect(parseYamlText(text, 'f.yml').flatMap((d) => d.diagnostics).length).toBeGreaterThan(0);
    }
    // A dash that starts a longer plain scalar is still read on the fast path, as yaml reads it.
    expect(expectSameAsFull('a: [x, -l, --flag]\n')).toBe('fast');
    // JSON-style flow maps: no space after the colon of a quoted key, before a quoted value or a collection.
    for (const t of ['a: {"x":"y","z":[1,2],"w":{"v":\'u\'}}\n', 'a: {\'x\':"y" ,"z":"a:b"}\n'])
      expect(expectSameAsFull(t), t).toBe('fast');
    // A plain value right after such a colon is left to yaml.
    expect(expectSameAsFull('a: {"x":y}\n')).toBe('full');
  });

  it('on random edits of those files: it either steps aside or agrees (no position checks, for speed)', () => {
    // Deterministic PRNG: a failure reproduces.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      ' ',
      '  ',
      '\n',
      '- ',
      ': ',
      ':',
      '#',
      ' #',
      "'",
      '"',
      '\\',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a ',
      '*a',
      '!',
      '|',
      '>',
      '|-',
      '---\n',
      '...',
      '%',
      '?',
      '~',
      'null',
      'true',
      '0x1F',
      '0o17',
      '1_0',
      '.5',
      '1e3',
      '-',
      'a',
      '\t',
      '\r\n',
      '__proto__: 1\n',
    ];
    const texts = files.slice(0, 60).map((f) => readFileSync(f, 'utf8'));
    let fast = 0;
    for (let k = 0; k < 1500; k++) {
      let t = texts[rnd(texts.length)];
      for (let m = 1 + rnd(3); m > 0; m--) {
        const at = rnd(t.length + 1);
        const op = rnd(3);
        if (op === 0) t = t.slice(0, at) + pieces[rnd(pieces.length)] + t.slice(at);
        else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rnd(4));
        else {
          // Re-indent one line.
          const ls = t.split('\n');
          const l = rnd(ls.length);
          ls[l] = rnd(2) === 0 ? ' ' + ls[l] : ls[l].replace(/^ /, '');
          t = ls.join('\n');
        }
      }
      if (expectSameAsFull(t, 'm.yml', false) === 'fast') fast++;
    }
    // Most edits are harmless (inside values): the check exercised both outcomes.
    expect(fast).toBeGreaterThan(200);
    expect(fast).toBeLessThan(1500);
  });

  it.each([
    ['plain map and list', 'a: 1\nb: [x, "y", \'z\']\nc:\n  - d\n  - e: f\n    g: h\n', 'fast'],
    ['list at the key indentation', 'tags:\n- a\n- b\nlevel: high\n', 'fast'],
    [
      'core-schema scalars',
      'a: [~, null, NULL, true, False, 0o17, 017, -12, +3, 0x1F, .inf, -.Inf, .NaN, 1e3, .5, 1., 1_000, 0b1, yes, on, 2024-01-01]\n',
      'fast',
    ],
    ['quoted keys and escapes', "\"a b\": \"x\\\"y\\\\z\\n\\t\\/\"\n'c''d': 'e''f'\n", 'fast'],
    ['block scalars', 'a: |\n  one\n\n  two\nb: >\n  three\n  four\n\n  five\nc: |-\n  six\nd: >-\n  seven\n', 'fast'],
    ['comments everywhere', '# top\na: 1 # trailing\n# between\nb:   # after key\n  - x # item\n', 'fast'],
    ['documents and their indexes', '# c\n---\na: 1\n---\n---\nb: 2\n---\n', 'fast'],
    ['anchors and aliases', 'p: &p { a: 1 }\nq: *p\nr: [*p, *p]\ns: &s str\nt: *s\n', 'fast'],
    ['url-like plain scalars', 'a: http://x/y?z=1#frag\nb: { u: http://x:80/ }\n', 'fast'],
    ['empty flow collections', 'a: []\nb: {}\nc: [[], {}]\n', 'fast'],
    ['colon keys', 'a:b: 1\n"c": 2\n', 'fast'],
    [
      'JSON-style flow maps (JSON.stringify output)',
      'a: {"x":null,"y":false,"z":true,"n":-1.5e3,"o":0,"s":"t","l":[1,2],"m":{"k":1}}\n',
      'fast',
    ],
    // Left to yaml (and reported by it where it is an error):
    ['multi-line plain', 'a: one\n  two\n', 'full'],
    ['multi-line quoted', 'a: "one\n  two"\n', 'full'],
    ['multi-line flow', 'a: [1,\n  2]\n', 'full'],
    ['duplicate key', 'a: 1\na: 2\n', 'full'],
    ['duplicate flow key', 'a: { b: 1, b: 2 }\n', 'full'],
    ['tag', 'a: !!set { x }\n', 'full'],
    ['tab', 'a:\t1\n', 'full'],
    ['CRLF', 'a: 1\r\nb: 2\r\n', 'full'],
    ['directive', '%YAML 1.2\n---\na: 1\n', 'full'],
    ['document end marker', 'a: 1\n...\n', 'full'],
    ['nested compact map', 'a: b: c\n', 'full'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n', 'full'],
    ['explicit key', '? a\n: b\n', 'full'],
    ['block scalar keep', 'a: |+\n  x\n\n', 'full'],
    ['non-string keys', '1: a\ntrue: b\n', 'full'],
    ['alias before anchor', 'a: *x\nb: &x 1\n', 'full'],
    ['anchor redefined', 'a: &x 1\nb: &x 2\nc: *x\n', 'full'],
    ['unicode escape', 'a: "\\u00e9"\n', 'full'],
    ['scalar root', 'just text\n', 'full'],
    ['JSON-style key, plain word value', 'a: {"x":abc}\n', 'full'],
    ['JSON-style key, number with a leading zero', 'a: {"x":01}\n', 'full'],
    ['JSON-style key, literal run on', 'a: {"x":nullx}\n', 'full'],
  ])('%s', (_name, text, expected) => {
    expect(expectSameAsFull(text)).toBe(expected);
  });

  it.each([
    ['block key', '__proto__: { polluted: 1 }\nb: 2\n'],
    ['flow key', 'a: { __proto__: { polluted: 1 }, b: 2 }\n'],
    ['quoted key', '"__proto__": { polluted: 1 }\nb: 2\n'],
  ])('a __proto__ %s is an own property, as yaml makes it, on the fast path; no prototype changes', (_n, text) => {
    expect(expectSameAsFull(text)).toBe('fast');
    const fast = fastParseYaml(text, DEFAULT_LIMITS.maxDepth, DEFAULT_LIMITS.maxAliasCount)!;
    const full = parseYamlTextFull(text, 'f.yml');
    const own = (d: unknown): Record<string, unknown> =>
      (text.startsWith('a:') ? (d as { a: Record<string, unknown> }).a : d) as Record<string, unknown>;
    for (const data of [fast[0].data, full[0].data]) {
      const m = own(data);
      expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
      expect(Object.keys(m)).toEqual(['__proto__', 'b']);
      expect(Object.getOwnPropertyDescriptor(m, '__proto__')?.value).toEqual({ polluted: 1 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('per-document fallback agrees with a whole-file yaml parse', () => {
  const files = [
    ...yamlFiles(join(REPO, 'rules')),
    ...yamlFiles(join(REPO, 'packages/cli/test')),
    ...yamlFiles(join(REPO, 'packages/ruletools/test')),
  ];
  const texts = files.map((f) => readFileSync(f, 'utf8'));

  it('files joined into many documents, one document made yaml-only in each: same result, that document alone goes to yaml', () => {
    let mixed = 0;
    for (let k = 0; k + 3 <= texts.length; k += 3) {
      const parts = texts.slice(k, k + 3).map((t) => (t.endsWith('\n') ? t : `${t}\n`));
      // A rule file's first line is a top-level key: a folded description before it stays in its mapping.
      const target = parts.findIndex((t) => /^[A-Za-z_][\w-]*:/.test(t) && !t.startsWith('---'));
      if (target < 0) continue;
      parts[target] = FOLDED + parts[target];
      const text = parts.join('---\n');
      const how = expectSameAsWhole(text, 'joined.yml');
      if (how === 'mixed') mixed++;
    }
    expect(mixed).toBeGreaterThan(20);
  });

  it('on random edits of multi-document files: every mix of fast and yaml documents equals the whole-file parse', () => {
    let seed = 777;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      ' ',
      '  ',
      '\n',
      '- ',
      ': ',
      ':',
      '#',
      ' #',
      "'",
      '"',
      '\\',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a ',
      '*a',
      '!',
      '!!set ',
      '|',
      '>',
      '|-',
      '---\n',
      '\n---\n',
      '\n...\n',
      '\n%YAML 1.2\n',
      '?',
      '~',
      '-',
      'a',
      '\t',
      '\r\n',
      '\u00a0',
      '\x01',
      '__proto__: 1\n',
      'level: x\n',
      '\n  folded\n',
    ];
    const counts = { fast: 0, mixed: 0, yaml: 0, whole: 0 };
    for (let k = 0; k < 500; k++) {
      const parts = Array.from({ length: 2 + rnd(4) }, () => texts[rnd(texts.length)].replace(/\n?$/, '\n'));
      // Edits land in one or two documents; the others stay as they are.
      for (let m = 1 + rnd(2); m > 0; m--) {
        const p = rnd(parts.length);
        let t = parts[p];
        const at = rnd(t.length + 1);
        const op = rnd(3);
        if (op === 0) t = t.slice(0, at) + pieces[rnd(pieces.length)] + t.slice(at);
        else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rnd(8));
        else {
          const ls = t.split('\n');
          const l = rnd(ls.length);
          ls[l] = rnd(2) === 0 ? ' ' + ls[l] : ls[l].replace(/^ /, '');
          t = ls.join('\n');
        }
        parts[p] = t;
      }
      counts[expectSameAsWhole(parts.join('---\n'), 'm.yml', k % 5 === 0)]++;
    }
    // Every way of reading a file was exercised.
    expect(counts.mixed).toBeGreaterThan(100);
    expect(counts.fast).toBeGreaterThan(50);
    expect(counts.whole).toBeGreaterThan(20);
  });

  const rule = (n: number, extra = '') =>
    `title: r${n}\nid: 00000000-0000-4000-8000-${String(n).padStart(12, '0')}\nlogsource: { product: macos, service: endpointsecurity, category: exec }\ndetection:\n  sel: { event.exec.target.executable.path: /bin/sh }\n  condition: sel\n${extra}`;
  const how = (text: string) => fastParseYamlDocs(text, 64, 100)?.map((d) => ('fallback' in d ? 'yaml' : 'fast'));

  it('a folded description sends only its own document to yaml; errors after it keep their file:line:col', () => {
    const text = [rule(0), rule(1, FOLDED), rule(2, 'level: extreme\n')].join('---\n');
    expect(how(text)).toEqual(['fast', 'yaml', 'fast']);
    expect(expectSameAsWhole(text)).toBe('mixed');
    const d = parseRuleText(text, 'h.yml').diagnostics.map((x) => `${x.code}@${x.line}:${x.col}`);
    // Document 2 starts on line 17 (6 + 1 + 8 + 1 lines before it); level is its 7th line.
    expect(d).toEqual(['NJ_SCHEMA_INVALID@23:8']);
    const docs = parseRuleText(text, 'h.yml').documents;
    expect(docs.map((x) => x.index)).toEqual([0, 1, 2]);
    expect(docs[1].locate(['description'])).toMatchObject({ file: 'h.yml', line: 14, col: 14, endLine: 15 });
  });

  it.each([
    ['directive', `%YAML 1.2\n---\n${rule(0)}---\n${rule(1, FOLDED)}`],
    ['document end marker', `${rule(0)}...\n---\n${rule(1, FOLDED)}`],
    ['text after a marker', `${rule(0)}--- # next\n${rule(1, FOLDED)}`],
    ['CRLF', `${rule(0)}---\n${rule(1, FOLDED)}`.replace(/\n/g, '\r\n')],
    ['tab before the first marker', `\t\n---\n${rule(0)}---\n${rule(1)}`],
    ['an error that may cross a marker', `${rule(0, 'description: "open\n')}---\n${rule(1)}`],
  ])('the whole file goes to yaml when the split is in doubt: %s', (_name, text) => {
    const split = fastParseYamlDocs(text, 64, 100);
    const whole = expectSameAsWhole(text);
    // Either the split was refused, or a document's own yaml parse failed and the file was reparsed.
    expect(
      whole === 'whole' ||
        parseYamlTextFull(text, 'f.yml').some((d) => d.diagnostics.some((x) => x.code === 'NJ_YAML_SYNTAX')),
    ).toBe(true);
    if (split) expect(split.some((d) => 'fallback' in d)).toBe(true);
  });

  it('per-document limits hold in mixed files: aliases, depth, duplicate keys, tags, tabs', () => {
    const uses = (n: number) => `tests:\n  - &e { a: 1 }\n${'  - *e\n'.repeat(n)}`;
    const cases: [string, string[]][] = [
      // 99 uses in each of two documents: aliases do not add up across documents.
      [[rule(0, uses(99)), rule(1, FOLDED + uses(99))].join('---\n'), []],
      // Document 1 starts on line 10 (8 lines of document 0, then its '---').
      [[rule(0, FOLDED), rule(1, uses(100))].join('---\n'), ['NJ_YAML_ALIAS_LIMIT@10:1']],
      [
        [rule(0, FOLDED), rule(1, `tests: ${'['.repeat(70)}1${']'.repeat(70)}\n`)].join('---\n'),
        ['NJ_YAML_TOO_DEEP@10:1'],
      ],
      [[rule(0), rule(1, 'level: low\nlevel: high\n'), rule(2, FOLDED)].join('---\n'), ['NJ_YAML_DUPLICATE_KEY@15:1']],
      [[rule(0, FOLDED), rule(1, 'tests: !!set { a }\n')].join('---\n'), ['NJ_YAML_TAG@16:8']],
      [[rule(0, FOLDED), rule(1, 'level:\thigh\n')].join('---\n'), []],
      // An alias cannot reach an anchor of another document: refused in the file and alone alike.
      [`${rule(0, 'tests: &t [1]\n')}---\n${rule(1, FOLDED + 'tests: *t\n')}`, ['NJ_YAML_ALIAS_LIMIT@9:1']],
    ];
    for (const [text, want] of cases) {
      expect(expectSameAsWhole(text)).not.toBe('fast');
      const got = parseRuleText(text, 'h.yml')
        .diagnostics.filter((x) => x.code.startsWith('NJ_YAML'))
        .map((x) => `${x.code}@${x.line}:${x.col}`);
      expect(got).toEqual(want);
    }
  });
});

describe('hostile YAML on the fast path', () => {
  const rule = (extra: string) =>
    `title: t\nid: 00000000-0000-4000-8000-000000000001\nlogsource: { product: macos, service: endpointsecurity, category: exec }\ndetection:\n  sel: { event.exec.target.executable.path: /bin/sh }\n  condition: sel\n${extra}`;
  const codes = (text: string, opts = {}) =>
    parseRuleText(text, 'h.yml', opts).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);

  it('alias budget: one use under the limit is taken, the limit is refused exactly where yaml refuses it', () => {
    const uses = (n: number) => rule(`tests:\n  - &e { a: 1 }\n${'  - *e\n'.repeat(n)}`);
    expect(fastParseYaml(uses(98), 64, 100)).toBeDefined();
    expect(codes(uses(98))).toEqual([]);
    // (1 + 100 uses) × 1 > 100: yaml's ReferenceError, so the fast path steps aside and yaml reports.
    expect(fastParseYaml(uses(100), 64, 100)).toBeUndefined();
    expect(codes(uses(100))).toEqual(['NJ_YAML_ALIAS_LIMIT@1:1']);
    expect(fastParseYaml(uses(99), 64, 100)).toBeDefined();
    expect(codes(uses(99))).toEqual([]);
    expect(fastParseYaml(uses(1), 64, 0)).toBeUndefined();
    expect(codes(uses(1), { maxAliasCount: 0 })).toEqual(['NJ_YAML_ALIAS_LIMIT@1:1']);
  });

  it('billion laughs (anchors over aliases, all on flow lines the fast path reads) is refused by yaml', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const p = String.fromCharCode(97 + i - 1);
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${p}`).join(', ')}]`,
      );
    }
    const text = rule(`tests:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    expect(fastParseYaml(text, 64, 100)).toBeUndefined();
    expect(codes(text)).toEqual(['NJ_YAML_ALIAS_LIMIT@1:1']);
  });

  it('depth: nesting past maxDepth in flow or block form is reported by yaml, not built by the fast path', () => {
    const flow = rule(`tests: ${'['.repeat(70)}1${']'.repeat(70)}\n`);
    expect(fastParseYaml(flow, 64, 100)).toBeUndefined();
    expect(codes(flow)).toEqual(['NJ_YAML_TOO_DEEP@1:1']);
    const block = rule(`tests:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`);
    expect(fastParseYaml(block, 64, 100)).toBeUndefined();
    // yaml points at the innermost mapping.
    expect(codes(block)).toEqual(['NJ_YAML_TOO_DEEP@72:129']);
    const blockAt = (n: number) =>
      rule(`tests:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`);
    expect(fastParseYaml(blockAt(64), 64, 100)).toBeDefined();
    expect(codes(blockAt(64))).toEqual([]);
    expect(fastParseYaml(blockAt(65), 64, 100)).toBeUndefined();
    expect(codes(blockAt(65))[0]).toMatch(/^NJ_YAML_TOO_DEEP@/);
    // At the cap exactly (the root is depth 0, `tests:` 1): the fast path takes it, one more it does not.
    const at = (n: number, inner: string) => rule(`tests: ${'['.repeat(n)}${inner}${']'.repeat(n)}\n`);
    expect(fastParseYaml(at(64, '1'), 64, 100)).toBeDefined();
    expect(codes(at(64, '1'))).toEqual([]);
    expect(fastParseYaml(at(65, '1'), 64, 100)).toBeUndefined();
    expect(codes(at(65, '1'))).toEqual(['NJ_YAML_TOO_DEEP@1:1']);
    // An anchored collection counts like any other (no alias: the depth is the parser's own count).
    expect(fastParseYaml(at(63, '&a [1]'), 64, 100)).toBeDefined();
    expect(codes(at(63, '&a [1]'))).toEqual([]);
    expect(fastParseYaml(at(64, '&a [1]'), 64, 100)).toBeUndefined();
    expect(codes(at(64, '&a [1]'))).toEqual(['NJ_YAML_TOO_DEEP@1:1']);
  });

  it('duplicate keys keep their exact position (block and flow)', () => {
    expect(codes(rule('level: low\nlevel: high\n'))).toEqual(['NJ_YAML_DUPLICATE_KEY@8:1']);
    expect(codes(rule('tests: [{ a: 1, a: 2 }]\n'))).toEqual(['NJ_YAML_DUPLICATE_KEY@7:17']);
  });

  it('the size cap applies before any parsing', () => {
    expect(codes(rule(`description: ${'x'.repeat(2000)}\n`), { maxFileBytes: 1000 })).toEqual([
      'NJ_FILE_TOO_LARGE@1:1',
    ]);
  });

  it('errors in fast-parsed rules point where the full parser points', () => {
    const text = rule('level: extreme\nstatus: nope\n');
    expect(fastParseYaml(text, 64, 100)).toBeDefined();
    const d = parseRuleText(text, 'h.yml').diagnostics.map((x) => ({
      code: x.code,
      line: x.line,
      col: x.col,
      endLine: x.endLine,
      endCol: x.endCol,
    }));
    expect(d).toEqual([
      { code: 'NJ_SCHEMA_INVALID', line: 7, col: 8, endLine: 7, endCol: 15 },
      { code: 'NJ_SCHEMA_INVALID', line: 8, col: 9, endLine: 8, endCol: 13 },
    ]);
  });
});
