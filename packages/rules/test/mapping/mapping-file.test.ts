import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { DecodeError, Engine, decodeLine, type Alert } from '@nightjar/core';
import {
  FieldMappingError,
  builtinFieldMapping,
  builtinMappingFile,
  compileSources,
  loadFieldMapping,
  parseFieldMapping,
  validateFieldMappingData,
  type FieldMapping,
  type RuleSource,
} from '../../src/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../../../..');
const ECS_FILE = resolve(HERE, '../../mappings/examples/ecs-macos.yaml');

function mappingErrors(text: string): { line: number; col: number; code: string; message: string }[] {
  try {
    parseFieldMapping(text, 'm.yaml');
  } catch (e) {
    if (e instanceof FieldMappingError)
      return e.diagnostics.map(({ line, col, code, message }) => ({ line, col, code, message }));
    throw e;
  }
  return [];
}

describe('mapping files: format and located errors', () => {
  it('the built-in sigmahq-macos file passes the JSON Schema and compiles', () => {
    const data = parseAllDocuments(readFileSync(builtinMappingFile('sigmahq-macos'), 'utf8'))[0].toJS() as unknown;
    expect(validateFieldMappingData(data)).toEqual([]);
    const m = builtinFieldMapping('sigmahq-macos');
    expect(m.name).toBe('sigmahq-macos');
    expect([...m.categories.keys()]).toContain('process_creation');
    expect(m.unsupported.get('dns_query')).toBe('ES has no DNS events');
  });

  it('a minimal file: a string is an ES path, fieldsets are shared, the event name is checked', () => {
    const m = parseFieldMapping(
      `nightjar_field_mapping: 1
name: tiny
fieldsets:
  who: { proc.path: process.executable.path }
categories:
  process_creation:
    exec:
      fieldsets: [who]
      fields:
        cmd: { getter: command_line, from: event.exec.args }
`,
      'tiny.yaml',
    );
    const pc = m.categories.get('process_creation')!;
    expect(pc.eventTypes).toEqual(['exec']);
    expect(pc.fields.get('proc.path')!.get('exec')!.resolved).toBe('process.executable.path');
    expect(pc.fields.get('cmd')!.get('exec')!.resolved).toBe("event.exec.args joined by ' '");
    expect(m.product).toBe('macos');
    expect(m.file).toBe('tiny.yaml');
  });

  it('schema problems point at file:line:col of the offending key or value', () => {
    expect(
      mappingErrors(`nightjar_field_mapping: 1
name: bad
categories:
  process_creation:
    exec:
      fields:
        Image: { from: a.b, colour: red }
        User: { getter: whoami, from: x.y }
`),
    ).toEqual([
      expect.objectContaining({
        line: 7,
        col: 29,
        code: 'NJ_MAPPING_SCHEMA',
        message: expect.stringContaining("unknown key 'colour'"),
      }),
      expect.objectContaining({
        line: 8,
        col: 25,
        code: 'NJ_MAPPING_SCHEMA',
        message: expect.stringContaining('must be one of'),
      }),
    ]);
    expect(mappingErrors('name: x\ncategories: {}\n')).toEqual([
      expect.objectContaining({
        line: 1,
        col: 1,
        message: expect.stringContaining("missing required key 'nightjar_field_mapping'"),
      }),
      expect.objectContaining({ line: 2, col: 13, code: 'NJ_MAPPING_SCHEMA' }),
    ]);
  });

  it('semantic problems: unknown ES event, unknown fieldset, a path core cannot compile, a getter without from', () => {
    expect(
      mappingErrors(`nightjar_field_mapping: 1
name: bad
categories:
  process_creation:
    exce:
      fields: { Image: process.executable.path }
    exec:
      fieldsets: [actr]
      fields:
        Image: event..x
        CommandLine: { getter: command_line }
`),
    ).toEqual([
      {
        line: 5,
        col: 5,
        code: 'NJ_MAPPING_EVENT_TYPE',
        message: expect.stringContaining("'exce' is not an Endpoint Security event name"),
      },
      { line: 8, col: 19, code: 'NJ_MAPPING_FIELDSET', message: "unknown fieldset 'actr' (defined: none)" },
      { line: 10, col: 16, code: 'NJ_MAPPING_FIELD_PATH', message: expect.stringContaining('empty segment') },
      {
        line: 11,
        col: 22,
        code: 'NJ_MAPPING_SCHEMA',
        message: "getter 'command_line' needs 'from' (the ES path it reads)",
      },
    ]);
  });

  it('YAML syntax errors and unreadable files are located too', () => {
    expect(mappingErrors('name: [unclosed\n')[0]).toMatchObject({ code: 'NJ_MAPPING_YAML', line: 1, col: 7 });
    expect(() => loadFieldMapping(join(HERE, 'no-such-mapping.yaml'))).toThrow(
      /no-such-mapping.yaml:1:1: cannot read the mapping file: no such file/,
    );
  });

  it('rules are checked against the mapping in use: an unmapped name is located, with a suggestion', () => {
    const ecs = loadFieldMapping(ECS_FILE);
    const rule = `title: t
id: 00000000-0000-4000-8000-00000000ec51
logsource: {product: macos, category: process_creation}
detection:
  sel:
    process.comand_line|contains: curl
  condition: sel
level: low
`;
    const strict: FieldMapping = { ...ecs, nativePaths: false };
    const r = compileSources([{ file: 'r.yml', text: rule }], { fieldMapping: strict });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'NJ_UNMAPPED_FIELD',
        line: 6,
        col: 5,
        message: expect.stringContaining("(did you mean 'process.command_line'?)"),
      }),
    ]);
    // With native paths on (the default), the same dotted name is read as an ES path instead.
    expect(compileSources([{ file: 'r.yml', text: rule }], { fieldMapping: ecs }).diagnostics).toEqual([]);
    // A SigmaHQ name the ECS mapping does not define is refused.
    const sigmaName = rule.replace('process.comand_line', 'CommandLine');
    expect(compileSources([{ file: 'r.yml', text: sigmaName }], { fieldMapping: ecs }).diagnostics[0]).toMatchObject({
      code: 'NJ_UNMAPPED_FIELD',
    });
  });
});

// SigmaHQ names → ECS names, for rewriting the shipped rules.
const TO_ECS: Record<string, string> = {
  Image: 'process.executable',
  CommandLine: 'process.command_line',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  TargetFilename: 'file.path',
  User: 'user.id',
  ProcessId: 'process.pid',
  CurrentDirectory: 'process.working_directory',
};

function renameField(key: string): string {
  const [name, ...mods] = key.split('|');
  const to = TO_ECS[name];
  return to === undefined ? key : [to, ...mods].join('|');
}

function translateDetection(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(translateDetection);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [renameField(k), translateDetection(x)]));
  return v;
}

/** One rule document with its taxonomy field names rewritten to ECS (detection keys, correlation fields). */
function translateDoc(d: Record<string, unknown>): Record<string, unknown> {
  const out = { ...d };
  if (d.detection && typeof d.detection === 'object') {
    out.detection = Object.fromEntries(
      Object.entries(d.detection).map(([k, v]) => [k, k === 'condition' ? v : translateDetection(v)]),
    );
  }
  const c = d.correlation as Record<string, unknown> | undefined;
  if (c) {
    const cc: Record<string, unknown> = { ...c };
    if (Array.isArray(c['group-by'])) cc['group-by'] = (c['group-by'] as string[]).map(renameField);
    if (typeof c.field === 'string') cc.field = renameField(c.field);
    const cond = c.condition as Record<string, unknown> | undefined;
    if (cond && typeof cond.field === 'string') cc.condition = { ...cond, field: renameField(cond.field) };
    if (c.aliases && typeof c.aliases === 'object')
      cc.aliases = Object.fromEntries(
        Object.entries(c.aliases).map(([a, per]) => [
          a,
          Object.fromEntries(Object.entries(per as Record<string, string>).map(([r, f]) => [r, renameField(f)])),
        ]),
      );
    out.correlation = cc;
  }
  return out;
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function scan(sources: RuleSource[], fieldMapping: FieldMapping | 'sigmahq-macos', traces: string[]): Alert[] {
  const loaded = compileSources(sources, { fieldMapping });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const alerts: Alert[] = [];
  for (const trace of traces) {
    const engine = new Engine(loaded.ruleset);
    readFileSync(trace, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        const ev = decodeLine(line, i + 1);
        if (ev instanceof DecodeError) return; // the fixtures' deliberately malformed lines
        for (const a of engine.push(ev)) alerts.push(a);
      });
    alerts.push(...engine.flush());
  }
  // Where the rule was written differs (the rewritten text); everything else must be the same.
  return alerts.map((a) => ({ ...a, rule: { ...a.rule, source: undefined } }));
}

describe('an ECS-style mapping file runs rules written in ECS names like the built-in mapping (budget: a few seconds)', () => {
  const files = ruleFiles(join(ROOT, 'rules'));
  const original: RuleSource[] = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  let renamed = 0;
  const translated: RuleSource[] = original.map(({ file, text }) => {
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
    const out = docs.map(translateDoc);
    const rewritten = out.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    if (rewritten !== docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n')) renamed++;
    return { file, text: rewritten };
  });
  const traces = readdirSync(join(ROOT, 'fixtures'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(ROOT, 'fixtures', f));

  it('the rewrite touched the taxonomy rules and their text now holds ECS names only', () => {
    expect(renamed).toBeGreaterThan(40);
    const all = translated.map((s) => s.text).join('\n');
    expect(all).toContain('process.command_line|contains');
    expect(all).toContain('process.parent.executable');
    expect(all).toContain('file.path');
    expect(all).not.toMatch(/^\s+(Image|CommandLine|ParentImage|TargetFilename)(\|[a-z|]+)?:/m);
  });

  it('same alerts on every fixture trace', () => {
    const ecs = loadFieldMapping(ECS_FILE);
    const builtin = scan(original, 'sigmahq-macos', traces);
    const viaEcs = scan(translated, ecs, traces);
    expect(builtin.length).toBeGreaterThan(50);
    // Taxonomy rules fired, not only native ones.
    const taxonomyIds = new Set(
      original.flatMap(({ text }) =>
        parseAllDocuments(text)
          .map((d) => d.toJS() as { id?: string; logsource?: { service?: string; category?: string } })
          .filter((d) => d.logsource?.category === 'process_creation' && d.logsource.service === undefined)
          .map((d) => d.id),
      ),
    );
    expect(builtin.filter((a) => taxonomyIds.has(a.rule.id)).length).toBeGreaterThan(20);
    expect(viaEcs).toEqual(builtin);
  });
});
