/**
 * The tester's reports as a rule author reads them: malformed cases once and by name, the value a
 * `|contains|all` item missed, the values a wrongly matching negative case matched, correlation
 * groups that fired said to have fired, and the `-t` filter.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { formatJunit } from '../../src/tester/format.js';
import { runRuleTests, type RunTestsOptions } from '../../src/tester/run.js';

const HEAD = (n: number, title: string, extra = '') => `title: ${title}
id: 7b1e5c2a-0000-4000-8000-00000000030${n}
status: test
description: A rule for the tester tests.
author: t
date: 2024-01-01
level: high
${extra}`;
const CURL_ALL = `logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: /curl
    CommandLine|contains|all: [' -s', ' -L', 'http']
  condition: selection
`;
const exec = (args: string) => `      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [${args}] }
`;

async function report(text: string, opts: RunTestsOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'njtester-'));
  writeFileSync(path.join(dir, 'r.yml'), text);
  return runRuleTests(await loadRuleFiles([dir], {}), opts);
}

describe('malformed cases', () => {
  it('count once per case, under the case name, in every format', async () => {
    const r = await report(`${HEAD(1, 'Curl All')}${CURL_ALL}tests:
  - name: bad expect
    expect: { matches: true }
    events:
${exec('curl, -s, -L, http://x')}  - name: fine
    expect: { match: true }
    events:
${exec('curl, -s, -L, http://x')}`);
    const cases = r.rules[0].cases;
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      ['bad expect', 'error'],
      ['fine', 'pass'],
    ]);
    // Two problems with that expect (an unknown key, no match/alerts), one error.
    expect(cases[0].message).toBe(
      'unknown key(s) in expect: matches (allowed: match, alerts, group); expect needs match: true|false or alerts: <non-negative integer>',
    );
    expect(r.summary).toMatchObject({ cases: 2, errors: 1, passed: 1 });
    const junit = formatJunit(r);
    expect(junit).toContain('name="bad expect"');
    expect(junit).not.toContain('tests[');
    expect(junit).toMatch(/<testsuites [^>]*tests="2" failures="0" errors="1"/);
  });
});

describe('explanations', () => {
  it('a failing |contains|all names the value the event lacks', async () => {
    const r = await report(`${HEAD(2, 'Curl All')}${CURL_ALL}tests:
  - name: fires
    expect: { match: true }
    events:
${exec('curl, -s, http://x')}`);
    const c = r.rules[0].cases[0];
    expect(c.status).toBe('fail');
    expect(c.explanation!.join('\n')).toContain(
      `false item(s): CommandLine|contains|all (event has "curl -s http://x"), missing " -L"`,
    );
  });

  it('a wrongly matching negative case shows the values each item matched', async () => {
    const r = await report(`${HEAD(3, 'Curl All')}${CURL_ALL}tests:
  - name: quiet
    expect: { match: false }
    events:
${exec('curl, -s, -L, http://x')}`);
    const why = r.rules[0].cases[0].explanation!.join('\n');
    expect(why).toContain(
      'selection: true — matched Image|endswith (event has "/usr/bin/curl"), CommandLine|contains|all (event has "curl -s -L http://x")',
    );
  });

  it('a correlation group that fired is said to have fired (not "at most … needs …")', async () => {
    const base = `${HEAD(4, 'Curl Run', 'name: curl_run\n')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: /curl
  condition: selection
---
${HEAD(5, 'Curl Twice')}correlation:
  type: event_count
  generate: false
  rules: [curl_run]
  group-by: [process.entity_id]
  timespan: 1m
  condition: { gte: 2 }
tests:
  - name: expects no alert, gets one
    expect: { match: false }
    events:
`;
    const ev = `      - type: exec
        process: { pid: 501, pidversion: 7 }
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, x] }
`;
    const r = await report(base + ev + ev);
    const c = r.rules.find((x) => x.kind === 'correlation')!.cases[0];
    expect(c.status).toBe('fail');
    expect(c.alerts).toBe(1);
    const groupLine = c.explanation!.find((l) => l.startsWith('group {'))!;
    expect(groupLine).toMatch(
      /^group \{process\.entity_id=.*\}: fired 1 alert\(s\): reached 2 event\(s\) within 1m \(needs gte 2\)$/,
    );
    expect(groupLine).not.toContain('at most');
  });
});

describe('-t filter', () => {
  const two = `${HEAD(6, 'Curl All')}${CURL_ALL}tests:
  - name: fires on a full download
    expect: { match: true }
    events:
${exec('curl, -s, -L, http://x')}  - name: quiet on a bare curl
    expect: { match: false }
    events:
${exec('curl')}---
${HEAD(7, 'Wget Run')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: /wget
  condition: selection
tests:
  - name: fires on wget
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/wget } }, args: [wget] }
`;
  it('a case-name match runs only those cases; a rule title or id match runs the whole rule', async () => {
    const byName = await report(two, { filter: 'QUIET' });
    expect(byName.rules.map((r) => [r.title, r.cases.map((c) => c.name)])).toEqual([
      ['Curl All', ['quiet on a bare curl']],
    ]);
    expect(byName.summary).toMatchObject({ rules: 1, cases: 1, passed: 1 });
    const byTitle = await report(two, { filter: 'wget run' });
    expect(byTitle.rules.map((r) => r.title)).toEqual(['Wget Run']);
    const byId = await report(two, { filter: /0306$/ });
    expect(byId.rules.map((r) => r.cases.length)).toEqual([2]);
    const none = await report(two, { filter: 'nothing like it' });
    expect(none.summary).toMatchObject({ rules: 0, cases: 0 });
    expect((await report(two)).summary.cases).toBe(3);
  });
});
