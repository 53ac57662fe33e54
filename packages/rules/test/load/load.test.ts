import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RuleLoadError,
  bundledRulesDir,
  compileRuleText,
  formatDiagnostic,
  loadRuleFiles,
  loadRules,
  parseRuleText,
} from '@nightjar/rules';
import type { RuleDiagnostic } from '@nightjar/rules';
import { fastParseYamlDocs } from '../../src/load/fast-yaml.js';
import { parseYamlText } from '../../src/load/yaml.js';
import { ctx, execEvent, openEvent, where } from './helpers.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const EXEC_RULE = `title: curl exec
id: 11111111-1111-4111-8111-111111111111
name: curl_exec
logsource:
  product: macos
  service: endpointsecurity
  category: exec
detection:
  sel:
    event.exec.target.executable.path|endswith: /curl
  condition: sel
level: high
`;

const OPEN_RULE = `title: open of secrets
id: 22222222-2222-4222-8222-222222222222
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
  sel:
    event.open.file.path|contains: /secrets/
  condition: sel
`;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'nj-load-'));
}

describe('loading documents', () => {
  it('loads a multi-document file into separate rules, in order, with positions', () => {
    const r = parseRuleText(`${EXEC_RULE}---\n${OPEN_RULE}`, 'multi.yml');
    expect(r.diagnostics).toEqual([]);
    expect(r.ruleset.rules.map((x) => x.id)).toEqual([
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
    ]);
    expect(r.documents.map((d) => [d.index, d.kind])).toEqual([
      [0, 'rule'],
      [1, 'rule'],
    ]);
    // The second document starts on the line after '---' (EXEC_RULE has 12 lines).
    expect(r.ruleset.rules[1].source).toEqual({ file: 'multi.yml', line: 14, col: 1 });
    expect(r.ruleset.rules[0].level).toBe('high');
    expect(r.ruleset.rules[1].level).toBe('medium');
    expect(r.ruleset.rules[0].name).toBe('curl_exec');
    expect(r.ruleset.rules[0].eventTypes).toEqual(['exec']);
  });

  it('compiled rules match the events they should and no others', () => {
    const rs = compileRuleText(`${EXEC_RULE}---\n${OPEN_RULE}`);
    const [exec, open] = rs.rules;
    expect(exec.match(execEvent('/usr/bin/curl', ['curl', 'x']), ctx)).toBe(true);
    expect(exec.match(execEvent('/usr/bin/wget', ['wget']), ctx)).toBe(false);
    expect(open.match(openEvent('/Users/a/secrets/key'), ctx)).toBe(true);
    expect(open.match(openEvent('/tmp/x'), ctx)).toBe(false);
  });

  it('skips empty documents and reports an empty file as a warning', () => {
    const r = parseRuleText(`${OPEN_RULE}---\n# only a comment\n---\n${EXEC_RULE}---\n`, 'e.yml');
    expect(r.diagnostics).toEqual([]);
    expect(r.documents.map((d) => d.index)).toEqual([0, 2]);
    const empty = parseRuleText('# nothing\n', 'empty.yml');
    expect(empty.diagnostics.map(where)).toEqual(['NJ_EMPTY_FILE@1:1']);
    expect(empty.diagnostics[0].severity).toBe('warning');
  });

  it('exposes tests:, nightjar:, detectionInfo and locate on each document', () => {
    const text = `${EXEC_RULE}nightjar:\n  suppress: 10m\ntests:\n  - name: fires\n    expect: alert\n`;
    const r = parseRuleText(text, 'x.yml');
    expect(r.diagnostics).toEqual([]);
    const d = r.documents[0];
    expect(d.tests).toEqual([{ name: 'fires', expect: 'alert' }]);
    expect(d.nightjar).toEqual({ suppress: '10m' });
    expect(d.id).toBe('11111111-1111-4111-8111-111111111111');
    expect(d.title).toBe('curl exec');
    expect(d.detectionInfo).toBeDefined();
    expect(d.compiled?.suppressUs).toBe(600_000_000);
    // line 10 is '    event.exec.target.executable.path|endswith: /curl'; the value starts at col 49.
    expect(d.locate(['detection', 'sel', 'event.exec.target.executable.path|endswith'])).toMatchObject({
      line: 10,
      col: 49,
    });
    expect(d.locate(['detection', 'sel', 'event.exec.target.executable.path|endswith'], { key: true })).toMatchObject({
      line: 10,
      col: 5,
    });
    // A missing key points at the deepest node that exists.
    expect(d.locate(['detection', 'nope', 3])).toMatchObject({ line: 9, col: 3 });
  });

  it('gives rules without an id a stable synthetic one and refuses duplicate ids and names', () => {
    const noId = OPEN_RULE.replace(/^id: .*\n/m, '');
    const r = parseRuleText(
      `${noId}---\n${OPEN_RULE}---\n${OPEN_RULE}---\n${EXEC_RULE}---\n${EXEC_RULE.replace(/^id: 1+/m, 'id: 33333333')}`,
      'd.yml',
    );
    expect(r.ruleset.rules[0].id).toBe('d.yml#0');
    // Docs start on lines 1, 11, 22, 33, 46: the 3rd repeats the 2nd's id, the 5th the 4th's name.
    expect(r.diagnostics.map(where)).toEqual(['NJ_DUPLICATE_ID@23:5', 'NJ_DUPLICATE_NAME@48:7']);
    expect(r.diagnostics[0].message).toContain('d.yml:11:1');
    expect(r.ruleset.rules).toHaveLength(3);
  });
});

describe('diagnostics: codes and exact positions', () => {
  const one = (text: string) => parseRuleText(text, 'r.yml').diagnostics.map(where);

  it('NJ_YAML_SYNTAX', () => {
    // An unclosed flow collection or quoted string is reported where it was opened, not where the
    // text ran out (yaml's own position: line 3 here, the end of the file).
    expect(one('title: a\nlogsource: [unclosed\n')).toEqual(['NJ_YAML_SYNTAX@2:12']);
    expect(one('a: 1\n b: 2\n')).toEqual(['NJ_YAML_SYNTAX@1:4', 'NJ_YAML_SYNTAX@1:4']);
  });

  it('NJ_YAML_SYNTAX for an unclosed quote or bracket points at its opening, innermost first', () => {
    const rule = (sel: string) =>
      `title: a\nlogsource: {product: macos, category: process_creation}\ndetection:\n  sel:\n${sel}\n  condition: sel\nlevel: high\n`;
    const d = parseRuleText(rule("    Image|endswith: '/curl"), 'r.yml').diagnostics;
    expect(d.map(where)).toEqual(['NJ_YAML_SYNTAX@5:21']);
    expect(d[0].message).toBe("YAML: Missing closing 'quote (opened here)");
    expect(one(rule('    Image: "/usr/bin/curl'))).toEqual(['NJ_YAML_SYNTAX@5:12']);
    // A quote inside an unclosed flow map: each error at its own opening.
    expect(one('title: a\nx: {a: 1, b: "q\n')).toEqual(['NJ_YAML_SYNTAX@2:4', 'NJ_YAML_SYNTAX@2:14']);
    // A bracket closed on a line indented too little does not close it for YAML: its opening is named.
    expect(one('title: a\nx: [1,\n2]\n')[0]).toBe('NJ_YAML_SYNTAX@2:4');
    // A hostile file with thousands of such errors: the CST is walked once, and only the first 16
    // are looked up (the rest keep yaml's position), so the file costs linear time.
    const many = parseRuleText(`title: a\n${'k: [1,\n2]\n'.repeat(2000)}`, 'r.yml').diagnostics;
    expect(many.length).toBeGreaterThan(2000);
    expect(many.filter((x) => x.message.endsWith('(opened here)'))).toHaveLength(16);
    // Other syntax errors keep yaml's position.
    expect(one('a: 1\n b: 2\n')).toEqual(['NJ_YAML_SYNTAX@1:4', 'NJ_YAML_SYNTAX@1:4']);
  });

  it('NJ_YAML_WARNING is a warning; the rule still loads', () => {
    const r = parseRuleText(`%FOO bar\n---\n${OPEN_RULE}`, 'r.yml');
    expect(r.diagnostics.map(where)).toEqual(['NJ_YAML_WARNING@1:1']);
    expect(r.diagnostics[0].severity).toBe('warning');
    expect(r.ruleset.rules).toHaveLength(1);
  });

  it('NJ_YAML_DUPLICATE_KEY points at the repeated key', () => {
    expect(one('title: a\nlogsource:\n  product: macos\n  product: linux\n')).toEqual(['NJ_YAML_DUPLICATE_KEY@4:3']);
  });

  it('NJ_YAML_TAG refuses tags that construct values', () => {
    expect(one('title: !!python/object:os.system x\n')).toEqual(['NJ_YAML_TAG@1:8']);
    expect(one('title: a\nx: !!set {a, b}\n')).toEqual(['NJ_YAML_TAG@2:4']);
    expect(one('%YAML 1.1\n---\ntitle: a\nb: !!binary aGk=\n')).toEqual(['NJ_YAML_TAG@4:4']);
    expect(one('a: !!timestamp 2001-01-01\nb: !!omap [x: 1]\nc: !custom v\n')).toEqual([
      'NJ_YAML_TAG@1:4',
      'NJ_YAML_TAG@2:4',
      'NJ_YAML_TAG@3:4',
    ]);
    // Core tags are plain data and stay allowed.
    expect(one(`${OPEN_RULE}x: !!str 12\n`)).toEqual([]);
  });

  it('NJ_YAML_ALIAS_LIMIT stops a billion-laughs document', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    expect(one(lines.join('\n') + '\n')).toEqual(['NJ_YAML_ALIAS_LIMIT@1:1']);
  });

  it('NJ_YAML_TOO_DEEP for nesting beyond the cap, flow or block, without a stack overflow', () => {
    expect(one('title: ' + '['.repeat(100) + ']'.repeat(100) + '\n')).toEqual(['NJ_YAML_TOO_DEEP@1:1']);
    // Absurd nesting is stopped by the pre-scan, at the bracket that crosses its bound (2 × maxDepth).
    expect(one('x: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n')).toEqual(['NJ_YAML_TOO_DEEP@1:132']);
    expect(one('- '.repeat(100_000) + 'x\n')).toEqual(['NJ_YAML_TOO_DEEP@1:129']);
    const block = Array.from({ length: 70 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';
    expect(one(block)).toEqual(['NJ_YAML_TOO_DEEP@1:1']);
    // The cap is configurable.
    expect(parseRuleText('a: [[[1]]]\n', 'r.yml', { maxDepth: 2 }).diagnostics.map(where)).toEqual([
      'NJ_YAML_TOO_DEEP@1:1',
    ]);
  });

  it('NJ_YAML_TOO_MANY_DOCS, found by the pre-scan before parsing', () => {
    expect(one('---\na: 1\n'.repeat(10_001))).toEqual(['NJ_YAML_TOO_MANY_DOCS@20001:1']);
    expect(
      parseRuleText(`${OPEN_RULE}---\n${OPEN_RULE}---\n${OPEN_RULE}`, 'r.yml', { maxDocuments: 2 }).diagnostics.map(
        where,
      ),
    ).toEqual(['NJ_YAML_TOO_MANY_DOCS@22:1']);
  });

  it('duplicate keys are found in large mappings without quadratic cost, and 1 and "1" collide', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => `k${i}: v`).join('\n') + '\nk7: again\n';
    expect(one(big)).toEqual(['NJ_YAML_DUPLICATE_KEY@20001:1']);
    expect(one('title: a\n1: x\n"1": y\n')).toEqual(['NJ_YAML_DUPLICATE_KEY@3:1']);
  });

  it('NJ_FILE_TOO_LARGE', () => {
    const r = parseRuleText(OPEN_RULE + '#' + 'x'.repeat(2000) + '\n', 'big.yml', { maxFileBytes: 1000 });
    expect(r.diagnostics.map(where)).toEqual(['NJ_FILE_TOO_LARGE@1:1']);
  });

  it('NJ_NOT_MAPPING and NJ_UNSUPPORTED_ACTION', () => {
    expect(one('- a\n- b\n')).toEqual(['NJ_NOT_MAPPING@1:1']);
    expect(one('title: a\n---\njust a string\n')).toEqual([
      'NJ_SCHEMA_MISSING@1:1',
      'NJ_SCHEMA_MISSING@1:1',
      'NJ_NOT_MAPPING@3:1',
    ]);
    expect(one('action: global\ntitle: a\n')).toEqual(['NJ_UNSUPPORTED_ACTION@1:1']);
  });

  it('NJ_SCHEMA_MISSING points at the mapping that lacks the key', () => {
    const r = parseRuleText('title: a\nlogsource:\n  product: macos\ndetection:\n  sel:\n    a: 1\n', 'r.yml');
    expect(r.diagnostics.map(where)).toEqual(['NJ_SCHEMA_MISSING@5:3']);
    expect(r.diagnostics[0].message).toBe("detection: missing required key 'condition'");
  });

  it('NJ_SCHEMA_INVALID points at the bad value; NJ_SCHEMA_UNKNOWN_KEY at the key', () => {
    const bad = OPEN_RULE.replace('condition: sel', 'condition: sel\nlevel: severe\nstatus: 3');
    expect(one(bad)).toEqual(['NJ_SCHEMA_INVALID@11:8', 'NJ_SCHEMA_INVALID@12:9']);
    expect(one(`${OPEN_RULE}nightjar:\n  supress: 10m\n`)).toEqual(['NJ_SCHEMA_UNKNOWN_KEY@12:3']);
  });

  it('NJ_SCHEMA_FORMAT is a warning: the rule still loads', () => {
    const r = parseRuleText(
      OPEN_RULE.replace('condition: sel', 'condition: sel\ntags:\n  - Attack.T1059\ndate: 2024/01/02'),
      'r.yml',
    );
    expect(r.diagnostics.map(where)).toEqual(['NJ_SCHEMA_FORMAT@12:5', 'NJ_SCHEMA_FORMAT@13:7']);
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(r.ruleset.rules).toHaveLength(1);
  });

  it('unknown top-level keys are allowed (Sigma custom attributes)', () => {
    expect(one(`${OPEN_RULE}x-custom:\n  anything: [1, 2]\n`)).toEqual([]);
  });

  it('NJ_DURATION_INVALID for a bad nightjar.suppress', () => {
    expect(one(`${OPEN_RULE}nightjar:\n  suppress: 10 minutes\n`)).toEqual(['NJ_DURATION_INVALID@12:13']);
  });

  it('detection compiler errors (RuleError paths) map to file:line:col', () => {
    const r = parseRuleText(
      OPEN_RULE.replace('open\n', 'open\n').replace('category: open', 'category: nosuchevent'),
      'r.yml',
    );
    expect(r.diagnostics.map(where)).toEqual(['NJ_UNKNOWN_EVENT_TYPE@6:13']);
    expect(formatDiagnostic(r.diagnostics[0])).toMatch(/^r\.yml:6:13: error .* \[NJ_UNKNOWN_EVENT_TYPE\]$/);
    expect(r.diagnostics[0].rule).toBe('22222222-2222-4222-8222-222222222222');
  });

  it('bad documents do not stop the good ones', () => {
    const r = parseRuleText(`title: [\n---\n${OPEN_RULE}---\n- list\n---\n${EXEC_RULE}`, 'mix.yml');
    expect(r.ruleset.rules.map((x) => x.title)).toEqual(['open of secrets', 'curl exec']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NJ_YAML_SYNTAX', 'NJ_NOT_MAPPING']);
    expect(r.documents.map((d) => d.kind)).toEqual(['unknown', 'rule', 'unknown', 'rule']);
  });
});

describe('loadRules and loadRuleFiles on disk', () => {
  it('walks directories recursively, sorted, *.yml/*.yaml only, hidden folders and nightjar.config.yaml skipped', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, 'a', 'deep'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(
      join(dir, 'b', 'z.yml'),
      EXEC_RULE.replace(/^id: .*$/m, 'id: b-z').replace('name: curl_exec', 'name: bz'),
    );
    writeFileSync(join(dir, 'a', 'deep', 'y.yaml'), OPEN_RULE.replace(/^id: .*$/m, 'id: a-deep-y'));
    writeFileSync(join(dir, 'a', 'x.YML'), OPEN_RULE.replace(/^id: .*$/m, 'id: a-x'));
    writeFileSync(join(dir, 'a', 'notes.txt'), 'not yaml: [');
    writeFileSync(join(dir, '.git', 'h.yml'), 'broken: [');
    // The lint configuration sits at a rule repository's root and is not a rule.
    writeFileSync(join(dir, 'nightjar.config.yaml'), 'rules:\n  nj/missing-tests: off\n');
    symlinkSync(join(dir, 'a'), join(dir, 'c-link'));
    const rs = await loadRules([dir]);
    expect(rs.rules.map((r) => r.id)).toEqual(['a-deep-y', 'a-x', 'b-z']);
    expect(rs.documents.map((d) => d.file)).toEqual([
      join(dir, 'a', 'deep', 'y.yaml'),
      join(dir, 'a', 'x.YML'),
      join(dir, 'b', 'z.yml'),
    ]);
    // An explicit file is loaded whatever its extension.
    writeFileSync(join(dir, 'rule.sigma'), OPEN_RULE);
    expect((await loadRules([join(dir, 'rule.sigma')])).rules).toHaveLength(1);
  });

  it('throws RuleLoadError with every error, and the lenient form keeps what loaded', async () => {
    const dir = tmp();
    writeFileSync(join(dir, '1.yml'), OPEN_RULE);
    writeFileSync(join(dir, '2.yml'), 'title: a\nlogsource: {}\n');
    writeFileSync(join(dir, '3.yml'), 'a: 1\na: 2\n');
    const err = await loadRules([dir, join(dir, 'missing.yml')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleLoadError);
    const diags = (err as RuleLoadError).diagnostics;
    expect(diags.map((d) => `${d.file.slice(dir.length + 1)}:${where(d)}`)).toEqual([
      'missing.yml:NJ_PATH_NOT_FOUND@1:1',
      '2.yml:NJ_SCHEMA_MISSING@1:1',
      '3.yml:NJ_YAML_DUPLICATE_KEY@2:1',
    ]);
    expect((err as RuleLoadError).code).toBe('NJ_RULE_LOAD');
    const lenient = await loadRuleFiles([dir, join(dir, 'missing.yml')]);
    expect(lenient.ruleset.rules.map((r) => r.title)).toEqual(['open of secrets']);
    expect(lenient.diagnostics).toHaveLength(3);
    expect(lenient.ruleset.diagnostics).toEqual(lenient.diagnostics);
  });

  it('a *.yml in a folder that cannot be stat-ed is reported like the same path named, not skipped', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ok.yml'), OPEN_RULE);
    symlinkSync(join(dir, 'gone.yml'), join(dir, 'dangling.yml'));
    symlinkSync(join(dir, 'loop.yml'), join(dir, 'loop.yml'));
    // Not named as a rule file: nothing says it was one.
    symlinkSync(join(dir, 'gone'), join(dir, 'notes'));
    const walked = await loadRuleFiles([dir]);
    expect(walked.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${where(d)}`)).toEqual([
      'dangling.yml:NJ_PATH_NOT_FOUND@1:1',
      'loop.yml:NJ_FILE_READ@1:1',
    ]);
    expect(walked.diagnostics[0]?.message).toBe(
      `no such file or directory: ${join(dir, 'dangling.yml')} (a symbolic link to '${join(dir, 'gone.yml')}', which does not exist)`,
    );
    expect(walked.diagnostics[1]?.message).toMatch(/^cannot read rule file: ELOOP/);
    expect(walked.ruleset.rules).toHaveLength(1);
    // Named directly, the same paths give the same diagnostics, and a path both named and walked is reported once.
    const named = await loadRuleFiles([join(dir, 'dangling.yml'), join(dir, 'loop.yml'), dir]);
    expect(named.diagnostics).toEqual(walked.diagnostics);
    await expect(loadRules([dir])).rejects.toBeInstanceOf(RuleLoadError);
  });

  it.skipIf(process.getuid?.() === 0)(
    'a subfolder that cannot be listed is one located NJ_FILE_READ; the rest loads (skipped as root: root lists anything)',
    async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'ok.yml'), OPEN_RULE);
      mkdirSync(join(dir, 'locked'));
      writeFileSync(join(dir, 'locked', 'hidden.yml'), OPEN_RULE);
      chmodSync(join(dir, 'locked'), 0o000);
      try {
        const r = await loadRuleFiles([dir]);
        expect(r.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${where(d)}`)).toEqual([
          'locked:NJ_FILE_READ@1:1',
        ]);
        expect(r.diagnostics[0]?.message).toMatch(/^cannot list rule folder: EACCES/);
        expect(r.ruleset.rules).toHaveLength(1);
      } finally {
        chmodSync(join(dir, 'locked'), 0o755);
      }
    },
  );

  it('NJ_FILE_READ for a path that is not a regular file (a FIFO would block forever)', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [join(dir, 'pipe.yml')]);
    writeFileSync(join(dir, 'ok.yml'), OPEN_RULE);
    const r = await loadRuleFiles([join(dir, 'pipe.yml'), dir]);
    expect(r.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${where(d)}`)).toEqual([
      'pipe.yml:NJ_FILE_READ@1:1',
    ]);
    expect(r.ruleset.rules).toHaveLength(1);
  });

  it('a FIFO *.yml inside a walked folder is reported too, not skipped (and never read)', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    execFileSync('mkfifo', [join(dir, 'sub', 'pipe.yml'), join(dir, 'sub', 'notes')]);
    writeFileSync(join(dir, 'ok.yml'), OPEN_RULE);
    const r = await loadRuleFiles([dir]);
    expect(r.diagnostics.map((d) => `${d.file.slice(dir.length + 1)}:${where(d)}`)).toEqual([
      'sub/pipe.yml:NJ_FILE_READ@1:1',
    ]);
    expect(r.diagnostics[0]?.message).toBe(`not a regular file: ${join(dir, 'sub', 'pipe.yml')}`);
    expect(r.ruleset.rules).toHaveLength(1);
  });

  it('refuses an oversized file before reading it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'big.yml'), OPEN_RULE + '#'.repeat(5000));
    const r = await loadRuleFiles([dir], { maxFileBytes: 4096 });
    expect(r.diagnostics.map(where)).toEqual(['NJ_FILE_TOO_LARGE@1:1']);
  });
});

describe('options', () => {
  const TAXONOMY = `title: t\nlogsource: {product: macos, category: process_creation}\ndetection:\n  sel: {Image|endswith: /curl}\n  condition: sel\n`;

  it("fieldMapping 'none' accepts native rules and refuses taxonomy ones", () => {
    expect(parseRuleText(OPEN_RULE, 'r.yml', { fieldMapping: 'none' }).diagnostics).toEqual([]);
    expect(parseRuleText(TAXONOMY, 'r.yml', { fieldMapping: 'none' }).diagnostics.map(where)).toEqual([
      'NJ_UNSUPPORTED_LOGSOURCE@2:39',
    ]);
    expect(parseRuleText(TAXONOMY, 'r.yml').diagnostics).toEqual([]);
  });

  it('an unknown fieldMapping is the caller’s error, thrown once', () => {
    expect(() => parseRuleText(OPEN_RULE, 'r.yml', { fieldMapping: 'ecs' as never })).toThrow(
      expect.objectContaining({ code: 'NJ_UNKNOWN_FIELD_MAPPING' }),
    );
  });

  it('placeholders reach the detection compiler', () => {
    const rule = OPEN_RULE.replace(
      'event.open.file.path|contains: /secrets/',
      'event.open.file.path|expand: "%vault%"',
    );
    expect(parseRuleText(rule).diagnostics.map((d) => d.code)).toEqual(['NJ_UNKNOWN_PLACEHOLDER']);
    const rs = compileRuleText(rule, 'r.yml', { placeholders: { vault: ['/v/a', '/v/b'] } });
    expect(rs.rules[0].match(openEvent('/v/b'), ctx)).toBe(true);
    expect(rs.rules[0].match(openEvent('/v/c'), ctx)).toBe(false);
  });
});

describe('requiredEventTypes', () => {
  it('is the sorted union of the rules’ event types', () => {
    const rs = compileRuleText(`${OPEN_RULE}---\n${EXEC_RULE}`);
    expect(rs.requiredEventTypes()).toEqual(['exec', 'open']);
    expect(rs.usesLineage).toBe(false);
  });

  it('adds fork, exec and exit when a rule reads lineage', () => {
    const lineage = OPEN_RULE.replace(
      'event.open.file.path|contains: /secrets/',
      'parent.executable.path|endswith: /python3',
    );
    const rs = compileRuleText(lineage);
    expect(rs.usesLineage).toBe(true);
    expect(rs.requiredEventTypes()).toEqual(['exec', 'exit', 'fork', 'open']);
  });

  it('adds them for a SigmaHQ ParentImage rule too', () => {
    const rs = compileRuleText(
      `title: p\nlogsource:\n  product: macos\n  category: process_creation\ndetection:\n  sel:\n    ParentImage|endswith: /osascript\n  condition: sel\n`,
    );
    expect(rs.requiredEventTypes()).toEqual(['exec', 'exit', 'fork']);
  });

  it('byId finds rules and correlations', () => {
    const rs = compileRuleText(OPEN_RULE);
    expect(rs.byId('22222222-2222-4222-8222-222222222222')?.title).toBe('open of secrets');
    expect(rs.byId('nope')).toBeUndefined();
  });
});

describe('bundledRulesDir', () => {
  it("resolves to the repository's top-level rules/ folder from the sources", () => {
    const dir = bundledRulesDir();
    expect(resolve(dir)).toBe(resolve(HERE, '../../../../rules'));
  });

  it('the shipped ruleset loads with no error', async () => {
    const r = await loadRuleFiles([bundledRulesDir()]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(r.ruleset.rules.length).toBeGreaterThan(0);
  });
});

const CORPUS = resolve(HERE, '../../../../../shared/corpus/sigmahq-macos');
describe.skipIf(!existsSync(CORPUS))('SigmaHQ macOS corpus (skipped: ../shared/corpus absent)', () => {
  it('loads all 75 rules with no error', async () => {
    const r = await loadRuleFiles([CORPUS]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map(formatDiagnostic)).toEqual([]);
    expect(r.ruleset.rules).toHaveLength(75);
    expect(r.ruleset.requiredEventTypes()).toEqual(expect.arrayContaining(['exec', 'exit', 'fork']));
  });
});

describe('a text that overflows the YAML parser', () => {
  it('an unclosed `{` before 20,000 block-map lines is one located NJ_YAML_SYNTAX, not a throw', () => {
    // yaml's parser recurses once per line after it; the loader threw RangeError out of parseRuleText.
    const lines = ['title: t', 'id: 7d0c2a4e-8f1b-4c55-9d2e-3a6b5c4d1e0f', 'status: test', 'level: low', 'x-huge:'];
    for (let i = 0; i < 20_000; i++) lines.push(i === 100 ? ` {k${i}: ${i}` : `  k${i}: ${i}`);
    const r = parseRuleText(`${lines.join('\n')}\n`, 'flip.yml');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'NJ_YAML_SYNTAX', file: 'flip.yml', line: 106, col: 2 });
    expect(r.diagnostics[0].message).toMatch(/not closed on its line/);
  });
});

describe('a byte-order mark is not a column', () => {
  const BOM = '\uFEFF';
  const full = (d: RuleDiagnostic) => `${where(d)}${d.endLine === undefined ? '' : `-${d.endLine}:${d.endCol}`}`;
  const diags = (text: string) => parseRuleText(text, 'bom.yml').diagnostics.map(full);

  it('diagnostics on line 1 (and after) point where they do in the same text without the BOM', () => {
    const texts = [
      // A schema finding spanning line 1 (a number title), and the document start.
      OPEN_RULE.replace('title: open of secrets', 'title: 12345'),
      // Each YAML-level error on line 1: syntax, duplicate key, refused tag.
      `title: [a\n${OPEN_RULE.slice(OPEN_RULE.indexOf('\n') + 1)}`,
      `a: 1\na: 2\n${OPEN_RULE}`,
      `x: !!binary aGk=\n${OPEN_RULE}`,
      // Absurd nesting, stopped by the pre-scan before yaml runs.
      'x: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n',
      // Several documents: only line 1 of the file holds the BOM.
      `${EXEC_RULE}---\n${OPEN_RULE.replace('level', 'x').replace('title: open of secrets', 'title: 1')}`,
    ];
    for (const text of texts) {
      const want = diags(text);
      expect(want.length).toBeGreaterThan(0);
      expect(diags(BOM + text)).toEqual(want);
    }
    expect(diags(BOM + OPEN_RULE.replace('title: open of secrets', 'title: 12345'))).toContain(
      'NJ_SCHEMA_INVALID@1:8-1:13',
    );
  });

  it("every key path's position and each document's start are those of the text without the BOM", () => {
    const text = `${EXEC_RULE}---\n${OPEN_RULE}`;
    // A BOM sends the file to the full parser (fast-yaml.ts steps aside), so both are compared.
    expect(fastParseYamlDocs(BOM + text, 64, 100)).toBeUndefined();
    const plain = parseYamlText(text, 'bom.yml');
    const withBom = parseYamlText(BOM + text, 'bom.yml');
    expect(withBom.map((d) => d.start)).toEqual(plain.map((d) => d.start));
    expect(withBom[0]?.start).toEqual({ line: 1, col: 1 });
    withBom.forEach((d, i) => {
      const p = plain[i];
      for (const path of [[], ['title'], ['detection', 'sel'], ['no-such-key']])
        for (const key of [false, true]) expect(d.locate(path, { key })).toEqual(p.locate(path, { key }));
    });
    expect(withBom[0]?.locate(['title'])).toMatchObject({ line: 1, col: 8, endLine: 1, endCol: 17 });
  });

  it('an unclosed flow collection on line 1 that exhausts the YAML parser points at its bracket', () => {
    const lines = ['x: {k: 1'];
    for (let i = 0; i < 20_000; i++) lines.push(`  k${i}: ${i}`);
    const text = `${lines.join('\n')}\n`;
    expect(diags(text)).toEqual(['NJ_YAML_SYNTAX@1:4']);
    expect(diags(BOM + text)).toEqual(['NJ_YAML_SYNTAX@1:4']);
  });
});
