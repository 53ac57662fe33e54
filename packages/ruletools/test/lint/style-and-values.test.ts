/**
 * The value, style and Endpoint Security type checks: for each, a rule that triggers it and the same
 * rule written the way the check asks, which does not.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, parseRuleText } from '@nightjar/rules';
import type { CheckId } from '../../src/lint/catalog.js';
import { parseLintConfig, withCheckOverrides } from '../../src/lint/config.js';
import { applyFixes } from '../../src/lint/fixes.js';
import { lintDocuments } from '../../src/lint/run.js';
import { excludeFiles } from '../../src/rule-input.js';

const RULE = (o: {
  head?: string;
  tags?: string;
  ls?: string;
  det: string;
  title?: string;
  desc?: string;
}) => `title: ${o.title ?? 'Curl Run'}
id: 7b1e5c2a-0000-4000-8000-000000000201
status: test
description: ${o.desc ?? 'Detects curl, for the linter tests.'}
author: Nightjar tests
date: 2024-01-01
level: medium
${o.head ?? ''}tags:
${o.tags ?? '  - attack.execution\n  - attack.t1059.004'}
logsource:
${o.ls ?? '  product: macos\n  category: process_creation'}
detection:
${o.det}tests:
  - name: fires on curl
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, -s, "http://x"] }
`;
const NATIVE = '  product: macos\n  service: endpointsecurity\n  category: exec';

function checksOf(text: string, file = '/virtual/r.yml'): CheckId[] {
  return lintDocuments(parseRuleText(text, file), undefined, { sources: new Map([[file, text]]) }).findings.map(
    (f) => f.checkId,
  );
}

interface Pair {
  readonly check: CheckId;
  readonly bad: string;
  readonly good: string;
}

const sel = (items: string, cond = 'selection') => `  selection:\n${items}  condition: ${cond}\n`;
const PAIRS: Pair[] = [
  {
    check: 'nj/star-only-value',
    bad: RULE({ det: sel("    Image|endswith: /curl\n    CommandLine: '*'\n") }),
    good: RULE({ det: sel('    Image|endswith: /curl\n    CommandLine|exists: true\n') }),
  },
  {
    check: 'nj/empty-value-list',
    bad: RULE({ det: sel('    Image|endswith: []\n') }),
    good: RULE({ det: sel('    Image|endswith: [/curl]\n') }),
  },
  {
    check: 'nj/duplicate-value',
    bad: RULE({ det: sel('    Image|endswith:\n      - /curl\n      - /wget\n      - /Curl\n') }),
    good: RULE({ det: sel('    Image|endswith|cased:\n      - /curl\n      - /wget\n      - /Curl\n') }),
  },
  {
    check: 'nj/escaped-wildcard',
    bad: RULE({ det: sel("    Image|endswith: /curl\n    CommandLine|contains: 'http\\*'\n") }),
    good: RULE({ det: sel("    Image|endswith: /curl\n    CommandLine|contains: 'C:\\\\*'\n") }),
  },
  {
    check: 'nj/one-of-single',
    bad: RULE({ det: sel('    Image|endswith: /curl\n', '1 of them') }),
    good: RULE({ det: sel('    Image|endswith: /curl\n', '1 of selection*') }),
  },
  {
    check: 'nj/unknown-tag-namespace',
    bad: RULE({
      det: sel('    Image|endswith: /curl\n'),
      tags: '  - attack.execution\n  - attack.t1059.004\n  - mitre.t1059',
    }),
    good: RULE({
      det: sel('    Image|endswith: /curl\n'),
      tags: '  - attack.execution\n  - attack.t1059.004\n  - tlp.clear',
    }),
  },
  {
    check: 'nj/technique-without-tactic',
    bad: RULE({ det: sel('    Image|endswith: /curl\n'), tags: '  - attack.t1059.004' }),
    good: RULE({
      det: sel('    Image|endswith: /curl\n'),
      tags: '  - attack.command-and-control\n  - attack.t1059.004',
    }),
  },
  {
    check: 'nj/related-id',
    bad: RULE({ det: sel('    Image|endswith: /curl\n'), head: 'related:\n  - id: curl-v1\n    type: derived\n' }),
    good: RULE({
      det: sel('    Image|endswith: /curl\n'),
      head: 'related:\n  - id: 7b1e5c2a-0000-4000-8000-000000000999\n    type: derived\n',
    }),
  },
  {
    check: 'nj/title-style',
    bad: RULE({ det: sel('    Image|endswith: /curl\n'), title: 'Detects curl runs.' }),
    good: RULE({ det: sel('    Image|endswith: /curl\n'), title: 'Curl Runs' }),
  },
  {
    check: 'nj/description-style',
    bad: RULE({ det: sel('    Image|endswith: /curl\n'), title: 'Curl Runs', desc: 'Curl Runs' }),
    good: RULE({ det: sel('    Image|endswith: /curl\n'), title: 'Curl Runs', desc: 'Detects curl run by anything.' }),
  },
  {
    check: 'nj/link-style',
    bad: RULE({
      det: sel('    Image|endswith: /curl\n'),
      head: 'references:\n  - https://github.com/SigmaHQ/sigma/blob/master/rules/x.yml\n',
    }),
    good: RULE({
      det: sel('    Image|endswith: /curl\n'),
      head: 'references:\n  - https://github.com/SigmaHQ/sigma/blob/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567/rules/x.yml\n  - https://attack.mitre.org/techniques/T1059/004/\n',
    }),
  },
  {
    check: 'nj/modified-equals-date',
    bad: RULE({ det: sel('    Image|endswith: /curl\n'), head: 'modified: 2024-01-01\n' }),
    good: RULE({ det: sel('    Image|endswith: /curl\n'), head: 'modified: 2024-02-01\n' }),
  },
  {
    check: 'nj/object-field',
    bad: RULE({ ls: NATIVE, det: sel('    process.executable: /usr/bin/curl\n') }),
    good: RULE({ ls: NATIVE, det: sel('    process.executable.path: /usr/bin/curl\n') }),
  },
  {
    check: 'nj/field-type',
    bad: RULE({ ls: NATIVE, det: sel('    process.executable.path: /usr/bin/curl\n    process.ppid: launchd\n') }),
    good: RULE({ ls: NATIVE, det: sel("    process.executable.path: /usr/bin/curl\n    process.ppid: '1'\n") }),
  },
];

describe('each new check: a rule that triggers it, and the same rule written as it asks', () => {
  for (const p of PAIRS) {
    it(`${p.check}`, () => {
      expect(checksOf(p.bad)).toContain(p.check);
      expect(checksOf(p.good)).not.toContain(p.check);
    });
  }

  it('nj/field-type: booleans, numeric comparisons on text, and mapped taxonomy fields', () => {
    const native = (items: string) => checksOf(RULE({ ls: NATIVE, det: sel(items) }));
    expect(native("    process.is_platform_binary: 'yes'\n")).toContain('nj/field-type');
    expect(native('    process.is_platform_binary: false\n')).not.toContain('nj/field-type');
    expect(native("    process.is_platform_binary: 'False'\n")).not.toContain('nj/field-type');
    expect(native('    process.signing_id|gt: 5\n')).toContain('nj/field-type');
    expect(native('    process.ppid|gt: 5\n')).not.toContain('nj/field-type');
    expect(native("    process.ppid: '1*'\n")).not.toContain('nj/field-type');
    expect(native('    process.team_id: true\n')).toContain('nj/field-type');
    // Image maps to the exec target's executable path (text): a number there is fine, a boolean is not.
    expect(checksOf(RULE({ det: sel('    Image: true\n') }))).toContain('nj/field-type');
    expect(checksOf(RULE({ det: sel('    Image|endswith: /curl\n') }))).not.toContain('nj/field-type');
  });

  it('nj/object-field names the path to compare instead, and allows exists', () => {
    const r = lintDocuments(
      parseRuleText(RULE({ ls: NATIVE, det: sel('    process.executable: /usr/bin/curl\n') }), '/v/o.yml'),
    );
    expect(r.findings.find((f) => f.checkId === 'nj/object-field')?.message).toContain("'process.executable.path'");
    expect(
      checksOf(RULE({ ls: NATIVE, det: sel('    process.executable.path: /x\n    process.tty|exists: true\n') })),
    ).not.toContain('nj/object-field');
  });

  it('nj/generate-silenced: reported on the base rule, naming the correlation; not when generate is stated', () => {
    const base = RULE({ head: 'name: curl_block\n', det: sel('    Image|endswith: /curl\n') });
    const corr = (gen: string) => `---
title: Curl Three Times
id: 7b1e5c2a-0000-4000-8000-000000000202
status: test
description: Detects curl run three times by one process.
author: Nightjar tests
date: 2024-01-01
level: medium
correlation:
  type: event_count
${gen}  rules: [curl_block]
  group-by: [process.entity_id]
  timespan: 1m
  condition: { gte: 3 }
`;
    const r = lintDocuments(parseRuleText(base + corr(''), '/v/g.yml'));
    const f = r.findings.find((x) => x.checkId === 'nj/generate-silenced');
    expect(f).toMatchObject({ severity: 'info', ruleId: '7b1e5c2a-0000-4000-8000-000000000201', line: 2 });
    expect(f?.message).toContain("correlation 'Curl Three Times'");
    for (const gen of ['  generate: true\n', '  generate: false\n'])
      expect(checksOf(base + corr(gen))).not.toContain('nj/generate-silenced');
  });

  it('nj/filter-level-status: a filter with level and status, and one without', () => {
    const filter = (extra: string) => `title: Quiet Brew Curl
id: 7b1e5c2a-0000-4000-8000-000000000203
description: Drops curl run by Homebrew from the curl rule.
${extra}logsource:
  product: macos
  category: process_creation
filter:
  rules: [7b1e5c2a-0000-4000-8000-000000000201]
  selection:
    ParentImage|endswith: /brew
  condition: not selection
---
${RULE({ det: sel('    Image|endswith: /curl\n') })}`;
    expect(checksOf(filter('level: low\nstatus: test\n')).filter((c) => c === 'nj/filter-level-status')).toHaveLength(
      2,
    );
    expect(checksOf(filter(''))).not.toContain('nj/filter-level-status');
  });
});

describe('--fix', () => {
  const FIXABLE = RULE({
    title: 'Curl Runs.',
    head: 'modified: 2024-01-01\nreferences:\n  - http://attack.mitre.org/techniques/T1059/004/\n',
    det: `  selection:
    Image|endswith:
      - /curl
      - /wget
      - /CURL # the same as /curl without case
    CommandLine: '*'
  condition: selection
`,
  });

  it('rewrites every fixable finding, and the fixed file re-lints clean', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njfix-'));
    const file = path.join(dir, 'r.yml');
    writeFileSync(file, FIXABLE);
    const before = lintDocuments(await loadRuleFiles([file], {}));
    expect(before.findings.map((f) => [f.checkId, f.fix !== undefined])).toEqual([
      ['nj/title-style', true],
      ['nj/modified-equals-date', true],
      ['nj/link-style', true],
      ['nj/duplicate-value', true],
      ['nj/star-only-value', true],
    ]);
    const { text, fixed } = applyFixes(readFileSync(file, 'utf8'), before.findings);
    expect(fixed).toHaveLength(5);
    writeFileSync(file, text);
    expect(text).toContain('title: Curl Runs\n');
    expect(text).not.toContain('modified:');
    expect(text).toContain('  - https://attack.mitre.org/techniques/T1059/004/\n');
    expect(text).toContain('      - /wget\n    CommandLine|exists: true\n');
    expect(lintDocuments(await loadRuleFiles([file], {})).findings).toEqual([]);
  });

  it('keeps a byte-order mark, also when the entry removed is the first of line 1', () => {
    // FIXABLE's modified: moved to line 1, right after the BOM.
    const text = `\uFEFFmodified: 2024-01-01\n${FIXABLE.replace('modified: 2024-01-01\n', '')}`;
    const r = lintDocuments(parseRuleText(text, '/v/r.yml'), undefined, { sources: new Map([['/v/r.yml', text]]) });
    const modified = r.findings.filter((f) => f.checkId === 'nj/modified-equals-date');
    expect(modified).toMatchObject([{ line: 1, col: 11 }]);
    expect(applyFixes(text, modified).text).toBe(text.replace('modified: 2024-01-01\n', ''));
  });

  it('offers no fix when the file on disk is not the text that was linted (an editor buffer)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njfix-'));
    const file = path.join(dir, 'r.yml');
    // On disk, one more line at the top: every offset of the linted text is off by its length.
    writeFileSync(file, `# saved before the edit\n${FIXABLE}`);
    const r = lintDocuments(parseRuleText(FIXABLE, file));
    expect(r.findings.map((f) => f.checkId)).toContain('nj/star-only-value');
    expect(r.findings.filter((f) => f.fix !== undefined)).toEqual([]);
    // Given the buffer's text, the fixes are there.
    const given = lintDocuments(parseRuleText(FIXABLE, file), undefined, { sources: new Map([[file, FIXABLE]]) });
    expect(given.findings.filter((f) => f.fix !== undefined)).toHaveLength(5);
  });

  it('does not offer a fix where the rewrite is not certain (a star in a list, a flow mapping key)', () => {
    const text = RULE({ det: sel("    Image|endswith: /curl\n    CommandLine: ['*', x]\n") });
    const f = lintDocuments(parseRuleText(text, '/v/r.yml'), undefined, {
      sources: new Map([['/v/r.yml', text]]),
    }).findings.find((x) => x.checkId === 'nj/star-only-value');
    expect(f).toBeDefined();
    expect(f?.fix).toBeUndefined();
  });
});

describe('suppression comments, --disable/--enable, --exclude', () => {
  const bad = RULE({ det: sel("    Image|endswith: /curl\n    CommandLine: '*'\n") });
  it('disable-next-line, disable-line and file-level directives switch findings off, and only those', () => {
    expect(checksOf(bad)).toContain('nj/star-only-value');
    const next = bad.replace(
      "    CommandLine: '*'",
      "    # nightjar-lint-disable-next-line star-only-value -- any value is fine here\n    CommandLine: '*'",
    );
    expect(checksOf(next)).not.toContain('nj/star-only-value');
    const other = bad.replace(
      "    CommandLine: '*'",
      "    # nightjar-lint-disable-next-line nj/field-type\n    CommandLine: '*'",
    );
    expect(checksOf(other)).toContain('nj/star-only-value');
    const same = bad.replace("    CommandLine: '*'", "    CommandLine: '*' # nightjar-lint-disable-line");
    expect(checksOf(same)).not.toContain('nj/star-only-value');
    const file = `# nightjar-lint-disable nj/star-only-value\n${bad}`;
    expect(checksOf(file)).not.toContain('nj/star-only-value');
  });
  it('a directive naming an unknown check is reported', () => {
    const typo = `# nightjar-lint-disable nj/star-only-valu\n${bad}`;
    const r = lintDocuments(parseRuleText(typo, '/v/t.yml'), undefined, { sources: new Map([['/v/t.yml', typo]]) });
    expect(r.findings.find((f) => f.message.includes("'nj/star-only-valu'"))).toMatchObject({ line: 1 });
    expect(r.findings.some((f) => f.checkId === 'nj/star-only-value')).toBe(true);
  });
  it('--disable turns a check off, --enable turns on what the config turned off; unknown ids are errors', () => {
    const cfg = parseLintConfig('checks:\n  nj/star-only-value: off\n', 'cfg');
    const run = (c: ReturnType<typeof parseLintConfig>) =>
      lintDocuments(parseRuleText(bad, '/v/r.yml'), c).findings.map((f) => f.checkId);
    expect(run(cfg)).not.toContain('nj/star-only-value');
    expect(run(withCheckOverrides(cfg, { enable: ['star-only-value'] }))).toContain('nj/star-only-value');
    expect(run(withCheckOverrides(parseLintConfig('', 'cfg'), { disable: ['nj/star-only-value'] }))).not.toContain(
      'nj/star-only-value',
    );
    expect(() => withCheckOverrides(cfg, { disable: ['star-only'] })).toThrow(
      /unknown check 'star-only'.*did you mean nj\/star-only-value/,
    );
  });
  it('--exclude drops matching files (relative or absolute globs)', () => {
    const a = parseRuleText(bad, '/repo/rules/draft/a.yml');
    expect(excludeFiles(a, ['rules/draft/**'], '/repo').documents).toHaveLength(0);
    expect(excludeFiles(a, ['**/draft/*.yml'], '/elsewhere').documents).toHaveLength(0);
    expect(excludeFiles(a, ['rules/other/**'], '/repo').documents).toHaveLength(1);
  });
});

describe('ranges', () => {
  it('findings carry the end of the offending node', () => {
    const text = RULE({ det: sel("    Image|endswith: /curl\n    CommandLine: '*'\n") });
    const f = lintDocuments(parseRuleText(text, '/v/r.yml')).findings.find((x) => x.checkId === 'nj/star-only-value')!;
    const line = text.split('\n')[f.line - 1];
    expect(f.endLine).toBe(f.line);
    expect(line.slice(f.col - 1, f.endCol! - 1)).toBe("'*'");
  });
});
