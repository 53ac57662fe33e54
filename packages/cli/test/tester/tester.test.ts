import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '@nightjar/rules';
import { tester } from '@nightjar/ruletools';
import { run } from '../../src/commands/test.js';
import type { CliIO } from '../../src/io.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { expandBriefEvents, runRuleTests } = tester;
type TestReport = tester.TestReport;
const goodRules = path.join(here, '../../../ruletools/test/lint/good-rules');

const HEAD = (id: string, title: string) => `title: ${title}
id: ${id}
status: test
description: tester test rule
author: t
date: 2024-01-01
level: high
`;
const CURL = `logsource:
  product: macos
  category: process_creation
detection:
  selection:
    Image|endswith: /curl
    CommandLine|contains: '| sh'
  filter_version:
    CommandLine|contains: --version
  condition: selection and not filter_version
`;

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'njtest-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function test(dir: string, coverage = false): Promise<TestReport> {
  return runRuleTests(await loadRuleFiles([dir], {}), { coverage });
}

function io(cwd = here): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: new PassThrough(), stdout, stderr, cwd, env: { NO_COLOR: '1' }, out: () => o, err: () => e };
}

const cases = (r: TestReport) => r.rules.flatMap((x) => x.cases.map((c) => ({ rule: x.title, ...c })));

describe('nightjar test: pass', () => {
  it('runs the good rules (detection, native, correlation) and passes them all', async () => {
    const r = await test(goodRules);
    expect(r.summary).toMatchObject({ rules: 4, cases: 7, passed: 7, failed: 0, errors: 0 });
    const t = io();
    expect(await run([goodRules], t)).toBe(0);
    expect(t.out()).toMatch(/^Tests: 7 passed \(7 cases in 4 rules\)/m);
  });
});

describe('nightjar test: fail, with the explanation', () => {
  it('says which selection and item was false, with the value the event had', async () => {
    const dir = repo({
      'r.yml': `${HEAD('11111111-1111-4111-8111-111111111111', 'Curl to shell')}${CURL}tests:
  - name: fires on wget piped to sh
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/wget } }, args: [wget, -q, x, '|', sh] }
`,
    });
    const r = await test(dir);
    const [c] = cases(r);
    expect(c.status).toBe('fail');
    expect(c.message).toBe('expected a match, got 0 alert(s)');
    const why = c.explanation!.join('\n');
    expect(why).toContain('event #1 (exec at +0ms): condition "selection and not filter_version" is false');
    expect(why).toMatch(/selection: false — false item\(s\): Image\|endswith \(event has "\/usr\/bin\/wget"\)/);
    // Mapped virtual fields show their value too (CommandLine = args joined by spaces).
    expect(why).toMatch(/filter_version: false — CommandLine\|contains \(event has "wget -q x \| sh"\)/);
    expect(r.summary.failed).toBe(1);
  });

  it('explains an unexpected match: the filter that should have excluded it was false', async () => {
    const dir = repo({
      'r.yml': `${HEAD('22222222-2222-4222-8222-222222222222', 'Curl to shell')}${CURL}tests:
  - name: quiet on curl -V
    expect: { match: false }
    events:
      - type: open
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, -V, '|', sh] }
`,
    });
    const [c] = cases(await test(dir));
    expect(c.status).toBe('fail');
    expect(c.message).toBe('expected no match, got 1 alert(s)');
    const why = c.explanation!.join('\n');
    expect(why).toContain('event #2 (exec at +1ms): condition "selection and not filter_version" is true');
    expect(why).toMatch(/filter_version: false/);
    expect(why).toMatch(/selection: true/);
  });

  it('says when no event of the rule type was given', async () => {
    const dir = repo({
      'r.yml': `${HEAD('33333333-3333-4333-8333-333333333333', 'Curl to shell')}${CURL}tests:
  - name: wrong type
    expect: { match: true }
    events: [{ type: open }]
`,
    });
    const [c] = cases(await test(dir));
    expect(c.explanation!.join('\n')).toMatch(/no event of the rule's type\(s\) \(exec\).*open/);
  });

  it('counts alerts: expect { alerts: N }', async () => {
    const ev = `      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, x, '|', sh] }
`;
    const dir = repo({
      'r.yml': `${HEAD('44444444-4444-4444-8444-444444444444', 'Curl to shell')}${CURL}tests:
  - name: two
    expect: { alerts: 2 }
    events:
${ev}${ev}  - name: three
    expect: { alerts: 3 }
    events:
${ev}${ev}`,
    });
    const cs = cases(await test(dir));
    expect(cs.map((c) => c.status)).toEqual(['pass', 'fail']);
    expect(cs[1].message).toBe('expected 3 alert(s), got 2');
  });
});

describe('nightjar test: lineage', () => {
  it('evaluates ParentImage through the engine lineage, in the run and in the explanation', async () => {
    const dir = repo({
      'r.yml': `${HEAD('12121212-1212-4212-8212-121212121212', 'Shell from Word')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    ParentImage|endswith: /Microsoft Word
    Image|endswith: /sh
  condition: selection
tests:
  - name: fires when Word forks a shell
    expect: { match: true }
    events:
      - type: exec
        process: { pid: 400, pidversion: 1, ppid: 1, executable: { path: /bin/launchctl } }
        exec: { target: { executable: { path: /Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word } } }
      - type: fork
        process: { pid: 400, pidversion: 2, executable: { path: /Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word } }
        fork: { child: { pid: 401, pidversion: 1 } }
      - type: exec
        process: { pid: 401, pidversion: 1, ppid: 400, executable: { path: /Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word } }
        exec: { target: { executable: { path: /bin/sh } } }
  - name: wrongly expects a match when Terminal is the parent
    expect: { match: true }
    events:
      - type: exec
        process: { pid: 500, pidversion: 1, ppid: 300, executable: { path: /System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal } }
        exec: { target: { executable: { path: /bin/sh } } }
`,
    });
    const cs = cases(await test(dir));
    expect(cs.map((c) => c.status)).toEqual(['pass', 'fail']);
    const why = cs[1].explanation!.join('\n');
    // The selection's Image item matched; the ParentImage item (a lineage field) did not.
    expect(why).toMatch(/selection: false — false item\(s\): ParentImage\|endswith$/m);
  });
});

describe('nightjar test: Sigma filters', () => {
  it('applies filter documents to the rule under test and names them when they exclude an event', async () => {
    const dir = repo({
      'r.yml': `${HEAD('13131313-1313-4313-8313-131313131313', 'Curl')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: /curl
  condition: selection
tests:
  - name: wrongly expects a match on brew
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, brew.sh] }
  - name: fires elsewhere
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, evil.sh] }
---
title: Ignore brew
id: 14141414-1414-4414-8414-141414141414
logsource: { product: macos, category: process_creation }
filter:
  rules: [13131313-1313-4313-8313-131313131313]
  selection:
    CommandLine|contains: brew.sh
  condition: not selection
`,
    });
    const cs = cases(await test(dir));
    expect(cs.map((c) => c.status)).toEqual(['fail', 'pass']);
    expect(cs[0].explanation!.join('\n')).toContain(
      'condition "selection" is true; but filter(s) 14141414-1414-4414-8414-141414141414 applied to this rule excluded it',
    );
  });
});

describe('nightjar test: errors', () => {
  it('a rule that does not load is an error and exits 1', async () => {
    const dir = repo({
      'bad.yml': `${HEAD('55555555-5555-4555-8555-555555555555', 'Broken')}logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endwith: /curl
  condition: selection
tests:
  - name: never runs
    expect: { match: true }
    events: [{ type: exec }]
`,
      'good.yml': `${HEAD('66666666-6666-4666-8666-666666666666', 'Fine')}${CURL}tests:
  - name: quiet
    expect: { match: false }
    events: [{ type: exec }]
`,
    });
    const r = await test(dir);
    const broken = r.rules.find((x) => x.title === 'Broken')!;
    expect(broken.loadError).toMatch(/bad\.yml:\d+:\d+: .*endwith/);
    expect(r.summary.errors).toBeGreaterThanOrEqual(1);
    expect(r.summary.passed).toBe(1);
    const t = io();
    expect(await run([dir], t)).toBe(1);
    expect(t.out()).toMatch(/ERROR Broken/);
  });

  it('a bad fixture path or a malformed brief event is an error with its location', async () => {
    const dir = repo({
      'rules/r.yml': `${HEAD('77777777-7777-4777-8777-777777777777', 'Curl to shell')}${CURL}tests:
  - name: missing fixture
    expect: { match: false }
    fixture: ../fixtures/nope.jsonl
  - name: bad event
    expect: { match: false }
    events:
      - type: exec
      - type: exec
        time: "+2 seconds"
`,
    });
    const cs = cases(await test(path.join(dir, 'rules')));
    expect(cs.map((c) => c.status)).toEqual(['error', 'error']);
    expect(cs[0].message).toMatch(/nope\.jsonl/);
    expect(cs[1].message).toMatch(/event 2: bad time offset '\+2 seconds'/);
    // Points at the offending key: the `time:` of the second event.
    expect(cs[1].location!.line).toBe(27);
  });

  it('a case with several malformed brief events lists every problem, each at its file:line:col', async () => {
    const dir = repo({
      'rules/r.yml': `${HEAD('77777777-7777-4777-8777-777777777778', 'Curl to shell')}${CURL}tests:
  - name: many problems
    expect: { match: true }
    events:
      - type: exek
        time: "+2x"
        exe: 1
      - type: exec
        process: { pid: abc }
`,
    });
    const file = path.join(dir, 'rules/r.yml');
    const [c] = cases(await test(path.join(dir, 'rules')));
    expect(c.status).toBe('error');
    expect(c.message!.split('; ')).toEqual([
      `${file}:22:15: event 1: unknown ES event type 'exek'`,
      `${file}:23:15: event 1: bad time offset '+2x' (use +500ms, +2s, +1m)`,
      `${file}:24:14: event 1: unexpected key 'exe' (allowed: type, time, process and a payload named like the type)`,
      `${file}:26:25: event 2: process.pid must be a non-negative integer, got "abc"`,
    ]);
    // The case points at its first problem; the pretty output shows the paths relative to the cwd.
    expect(c.location).toMatchObject({ file, line: 22, col: 15 });
    const t = io(dir);
    expect(await run(['rules'], t)).toBe(1);
    expect(t.out()).toContain(`rules${path.sep}r.yml:22:15: event 1: unknown ES event type 'exek'; rules`);
    expect(t.out()).not.toContain(dir);
  });

  it('malformed tests: entries are errors, not silently skipped', async () => {
    const dir = repo({
      'r.yml': `${HEAD('88888888-8888-4888-8888-888888888888', 'Curl to shell')}${CURL}tests:
  - name: no expect
    events: [{ type: exec }]
`,
    });
    const cs = cases(await test(dir));
    expect(cs[0].status).toBe('error');
    expect(cs[0].message).toMatch(/'expect' is required/);
  });
});

describe('nightjar test: fixtures', () => {
  it('reads a JSON-lines fixture relative to the rule file', async () => {
    const lines = expandBriefEvents([
      { type: 'exec', exec: { target: { executable: { path: '/usr/bin/curl' } }, args: ['curl', 'x', '|', 'sh'] } },
      {
        type: 'exec',
        exec: { target: { executable: { path: '/usr/bin/curl' } }, args: ['curl', '--version', '|', 'sh'] },
      },
    ])
      .map((m) => JSON.stringify(m))
      .join('\n');
    const dir = repo({
      'fixtures/trace.jsonl': `${lines}\n`,
      'rules/r.yml': `${HEAD('99999999-9999-4999-8999-999999999999', 'Curl to shell')}${CURL}tests:
  - name: one alert from the trace
    expect: { alerts: 1 }
    fixture: ../fixtures/trace.jsonl
`,
    });
    const cs = cases(await test(path.join(dir, 'rules')));
    expect(cs[0]).toMatchObject({ status: 'pass', alerts: 1, events: 2 });
  });
});

const BASE = (id: string, name: string, title: string, img: string) => `${HEAD(id, title)}name: ${name}
logsource: { product: macos, category: process_creation }
detection:
  selection:
    Image|endswith: ${img}
  condition: selection
`;

describe('nightjar test: correlations', () => {
  const corr = (type: string, rules: string[], cond: string, tests: string) => `---
title: Correlated
id: aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
level: high
correlation:
  type: ${type}
  rules: [${rules.join(', ')}]
  group-by: [process.entity_id]
  timespan: 1m
  condition: { ${cond} }
tests:
${tests}`;
  const ex = (img: string, pid = 501, time = '+1s') => `      - type: exec
        time: "${time}"
        process: { pid: ${pid}, pidversion: 7 }
        exec: { target: { executable: { path: ${img} } } }
`;

  it('temporal_ordered: passes in order, fails out of order naming the step reached', async () => {
    const dir = repo({
      'c.yml': `${BASE('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'dl', 'Download', '/curl')}---
${BASE('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'mk', 'Chmod', '/chmod')}${corr(
        'temporal_ordered',
        ['dl', 'mk'],
        'gte: 2',
        `  - name: download then chmod
    expect: { alerts: 1, group: { process.entity_id: "501:7" } }
    events:
${ex('/usr/bin/curl')}${ex('/bin/chmod')}  - name: chmod then download must fire
    expect: { match: true }
    events:
${ex('/bin/chmod')}${ex('/usr/bin/curl')}  - name: other group
    expect: { alerts: 1, group: { process.entity_id: "999:1" } }
    events:
${ex('/usr/bin/curl')}${ex('/bin/chmod')}`,
      )}`,
    });
    const r = await test(dir);
    const c = r.rules.find((x) => x.title === 'Correlated')!;
    expect(c.kind).toBe('correlation');
    expect(c.cases.map((x) => x.status)).toEqual(['pass', 'fail', 'fail']);
    const why = c.cases[1].explanation!.join('\n');
    expect(why).toContain('temporal_ordered over 2 rule(s) within 1m, condition gte 2, grouped by process.entity_id');
    expect(why).toMatch(/step 1 'Download' \(bbbbbbbb-[^)]*\): matched 1 event\(s\): #2/);
    expect(why).toMatch(/step 2 'Chmod' .*matched 1 event\(s\): #1/);
    expect(c.cases[2].message).toMatch(
      /expected 1 alert\(s\) in group \{"process.entity_id":"999:1"\}, got 1 \(0 in that group\)/,
    );
    expect(c.cases[2].explanation!.join('\n')).toMatch(/alert group\(s\) seen: \{"process.entity_id":"501:7"\}/);
  });

  it('event_count: says which step never happened and what count each group reached', async () => {
    const dir = repo({
      'c.yml': `${BASE('dddddddd-dddd-4ddd-8ddd-dddddddddddd', 'dl', 'Download', '/curl')}${corr(
        'event_count',
        ['dl'],
        'gte: 3',
        `  - name: three downloads
    expect: { match: true }
    events:
${ex('/usr/bin/curl')}${ex('/usr/bin/curl', 502)}${ex('/usr/bin/curl')}  - name: no downloads at all
    expect: { match: true }
    events:
${ex('/usr/bin/true')}`,
      )}`,
    });
    const r = await test(dir);
    const c = r.rules.find((x) => x.title === 'Correlated')!;
    expect(c.cases.map((x) => x.status)).toEqual(['fail', 'fail']);
    const why = c.cases[0].explanation!.join('\n');
    expect(why).toMatch(/group \{process.entity_id="501:7"\}: at most 2 event\(s\) within 1m \(needs gte 3\)/);
    expect(why).toMatch(/group \{process.entity_id="502:7"\}: at most 1 event\(s\)/);
    const why2 = c.cases[1].explanation!.join('\n');
    expect(why2).toMatch(/step 1 'Download' .*: never matched any event/);
    expect(why2).toContain('no group formed');
  });
});

describe('nightjar test: correlation grouped by a lineage field', () => {
  it('shows the parent.entity_id each step had', async () => {
    const dir = repo({
      'c.yml': `${BASE('16161616-1616-4616-8616-161616161616', 'dl', 'Download', '/curl')}---
${BASE('17171717-1717-4717-8717-171717171717', 'mk', 'Chmod', '/chmod')}---
title: Siblings
id: 18181818-1818-4818-8818-181818181818
level: high
correlation:
  type: temporal
  rules: [dl, mk]
  group-by: [parent.entity_id]
  timespan: 1m
  condition: { gte: 2 }
tests:
  - name: different parents do not correlate (wrongly expected)
    expect: { match: true }
    events:
      - type: exec
        process: { pid: 601, ppid: 500 }
        exec: { target: { executable: { path: /usr/bin/curl } } }
      - type: exec
        process: { pid: 602, ppid: 501 }
        exec: { target: { executable: { path: /bin/chmod } } }
`,
    });
    const r = await test(dir);
    const c = r.rules.find((x) => x.title === 'Siblings')!;
    expect(c.cases[0].status).toBe('fail');
    const why = c.cases[0].explanation!.join('\n');
    expect(why).toMatch(/group \{parent.entity_id="500:1"\}: at most 1 distinct rule\(s\) within 1m \(needs gte 2\)/);
    expect(why).toMatch(/group \{parent.entity_id="501:1"\}: at most 1 distinct rule\(s\)/);
  });
});

describe('nightjar test: formats and coverage', () => {
  const failing = () =>
    repo({
      'r.yml': `${HEAD('eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', 'Curl <to> "shell" & co')}${CURL}tests:
  - name: fires
    expect: { match: true }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, x, '|', sh] }
  - name: wrongly expects quiet
    expect: { match: false }
    events:
      - type: exec
        exec: { target: { executable: { path: /usr/bin/curl } }, args: [curl, x, '|', sh] }
`,
      'untested.yml': `${HEAD('ffffffff-ffff-4fff-8fff-ffffffffffff', 'No tests')}${CURL}`,
    });

  it('junit: well-formed XML with escaped names, a failure element carrying the explanation', async () => {
    const dir = failing();
    const t = io(dir);
    expect(await run([dir, '--format', 'junit'], t)).toBe(1);
    const xml = t.out();
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml).toContain('<testsuite name="Curl &lt;to&gt; &quot;shell&quot; &amp; co"');
    expect(xml).toMatch(/<testcase classname="eeeeeeee[^"]*" name="fires"[^>]*\/>/);
    expect(xml).toMatch(
      /<failure message="expected no match, got 1 alert\(s\)" type="failure">[\s\S]*filter_version: false[\s\S]*<\/failure>/,
    );
    expect(xml).toMatch(/<testsuites [^>]*tests="2" failures="1" errors="0"/);
    // Balanced tags (a small well-formedness check without an XML parser dependency).
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]);
    }
    expect(stack).toEqual([]);
    expect(t.err()).toMatch(/Tests: 1 failed, 1 passed/);
  });

  it('json: the report with summary', async () => {
    const t = io();
    await run([failing(), '--format', 'json'], t);
    const j = JSON.parse(t.out()) as TestReport;
    expect(j.summary).toMatchObject({ cases: 2, passed: 1, failed: 1, rulesWithoutTests: 1 });
  });

  it('--coverage lists rules without tests and unexercised selections', async () => {
    const dir = failing();
    const r = await test(dir, true);
    expect(r.coverage!.untested.map((u) => u.title)).toEqual(['No tests']);
    // filter_version is never true in a passing negative case (the only negative case fails).
    expect(r.coverage!.unexercised.map((u) => u.selection)).toEqual(['filter_version']);
    const t = io();
    await run([dir, '--coverage'], t);
    expect(t.out()).toMatch(/Coverage: 1\/2 rules have tests/);
    expect(t.out()).toMatch(/no tests\s+No tests/);
  });

  it('usage errors exit 2', async () => {
    const { main } = await import('../../src/main.js');
    expect(await main(['test', '--format', 'tap'], io())).toBe(2);
    expect(await main(['test', '--bogus'], io())).toBe(2);
    const t = io();
    expect(await main(['test', '/no/such/rules'], t)).toBe(2);
    expect(t.err()).toMatch(/no such rule file or directory: \/no\/such\/rules/);
  });
});

describe('nightjar test: untrusted rule text', () => {
  it('never sends control characters from rule text to the terminal', async () => {
    const dir = repo({
      'r.yml': `${HEAD('15151515-1515-4515-8515-151515151515', '"Evil \\e[31m title"')}${CURL}tests:
  - name: "case \\e[2J"
    expect: { match: true }
    events: [{ type: open }]
`,
    });
    const t = io(dir);
    await run([dir], t);
    expect(t.out()).not.toContain('\u001b');
    expect(t.out()).toContain('Evil \\u001b[31m title');
  });
});
