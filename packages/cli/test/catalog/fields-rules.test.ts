import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES } from '@nightjar/core';
import { cli } from '../options/fake-io.js';

describe('nightjar fields', () => {
  it('lists a taxonomy category’s fields with type, ES events and the path read', async () => {
    const r = await cli(['fields', '-c', 'process_creation']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CATEGORY +FIELD +TYPE +ES EVENTS +READS$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^process_creation +Image +string +exec +event\.exec\.target\.executable\.path$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^process_creation +CommandLine +string +exec +event\.exec\.args joined by ' '$/),
    );
    // Columns line up: every FIELD cell starts at the same column.
    const col = lines[0].indexOf('FIELD');
    for (const l of lines.slice(1)) expect(l.slice(col - 2, col)).toBe('  ');
  });
  it('file_event fields name every ES event they are read from; json has the same rows', async () => {
    const j = JSON.parse((await cli(['fields', '-c', 'file_event', '-f', 'json'])).stdout) as {
      mapping: string;
      fields: { field: string; eventTypes: string[]; type: string }[];
    };
    expect(j.mapping).toBe('sigmahq-macos');
    expect(j.fields.find((f) => f.field === 'TargetFilename')).toMatchObject({
      eventTypes: ['create', 'rename', 'close', 'write'],
      type: 'string',
    });
  });
  it('an ES event name lists its native paths', async () => {
    const r = await cli(['fields', '--category', 'open']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^open +event\.open\.file\.path +string +open/m);
    expect(r.stdout).toMatch(/^open +parent\.\* +process/m);
  });
  it('an unknown category is a usage error with a suggestion; an unsupported one says why', async () => {
    const r = await cli(['fields', '-c', 'proces_creation']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("(did you mean 'process_creation'?)");
    const u = await cli(['fields', '-c', 'dns_query']);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('ES has no DNS events');
  });
});

describe('docs/fields.md', () => {
  const doc = readFileSync(new URL('../../docs/fields.md', import.meta.url), 'utf8');
  const bullet = (start: string) => doc.slice(doc.indexOf(start)).split(/\n(?=- |\n)/)[0];
  const typesOf = async (argv: string[]) =>
    (JSON.parse((await cli(['fields', ...argv, '-f', 'json'])).stdout) as { fields: { type: string }[] }).fields.map(
      (f) => f.type,
    );

  it('names every type the command prints for an ES event name, in that bullet', async () => {
    const printed = new Set<string>();
    for (const t of ALL_EVENT_TYPES.filter((x) => x.kind === 'notify'))
      for (const type of await typesOf(['-c', t.name])) printed.add(type);
    expect(printed.size).toBeGreaterThan(5);
    const text = bullet('- **An ES event name**');
    for (const type of printed) expect(text, type).toContain(`\`${type}\``);
  });

  it('names every type the built-in mapping prints for a taxonomy category, in that bullet', async () => {
    const text = bullet('- **A taxonomy category**');
    for (const type of new Set(await typesOf([]))) expect(text, type).toContain(`\`${type}\``);
  });
});

describe('nightjar rules', () => {
  it('list: id, level, ES event types and title of every rule loaded', async () => {
    const r = await cli(['rules', 'list', 'rules']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ID +LEVEL +ES EVENTS +TITLE$/),
      expect.stringMatching(/^7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a01 +high +exec +Curl Downloads A Script$/),
      expect.stringMatching(/^7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a02 +\w+ +open +/),
      '',
    ]);
  });
  it('show: the compiled view — event types, fields and the paths they read, prefilter literals', async () => {
    const r = await cli(['rules', 'show', '7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a01', 'rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Curl Downloads A Script');
    expect(r.stdout).toMatch(/ES events +exec/);
    expect(r.stdout).toMatch(/event\.exec\.target\.executable\.path +→ event\.exec\.target\.executable\.path/);
    expect(r.stdout).toMatch(/prefilter +.*endswith '(\/curl|\.sh)'/);
    const j = JSON.parse((await cli(['rules', 'show', 'Curl Downloads A Script', 'rules', '-f', 'json'])).stdout) as {
      eventTypes: string[];
      prefilter: { kind: string; lit: string }[][];
      generates: boolean;
    };
    expect(j.eventTypes).toEqual(['exec']);
    expect(j.prefilter.flat().length).toBeGreaterThan(0);
    expect(j.generates).toBe(true);
  });
  it('show: an unknown id suggests the nearest; a bad subcommand too', async () => {
    const r = await cli(['rules', 'show', '7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a0x', 'rules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean '7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a01'");
    const s = await cli(['rules', 'lst']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain("(did you mean 'list'?)");
  });
  it('no subcommand: the same message as a wrong one (what is expected), not "expected at least 1 input"', async () => {
    for (const argv of [['rules'], ['rules', '-f', 'json']]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("nightjar rules: expected 'list' or 'show <id>'\nRun 'nightjar rules --help' for usage.\n");
    }
    expect((await cli(['rules', 'bogus'])).stderr).toContain(
      "nightjar rules: expected 'list' or 'show <id>', got 'bogus'",
    );
  });
});

describe('docs/rules.md', () => {
  it('each `$ nightjar rules …` example prints what the doc shows (run from the repository root)', async () => {
    const repo = fileURLToPath(new URL('../../../../', import.meta.url));
    const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/^```\n\$ nightjar (rules [^\n]*)\n([\s\S]*?)^```$/gm)];
    expect(examples.map((m) => m[1].split(' ')[1])).toEqual(['list', 'show']);
    for (const [, command, shown] of examples) {
      const r = await cli(command.split(' '), { cwd: repo });
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toBe(shown);
    }
  });
});

describe('did you mean', () => {
  it('for an unknown command', async () => {
    const r = await cli(['scna']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nightjar: unknown command 'scna' \(did you mean 'scan'\?\)/);
    expect((await cli(['qqqqqq'])).stderr).not.toContain('did you mean');
  });
  it('for an unknown flag', async () => {
    const r = await cli(['lint', '--formt', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--formt' (did you mean '--format'?)");
  });
});

describe('docs/ for every command', () => {
  it('each command the top-level help lists has docs/<command>.md naming each of its flags', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const docs = new URL('../../docs/', import.meta.url);
    const top = (await cli(['--help'])).stdout;
    const commands = [...top.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    expect(commands).toEqual(expect.arrayContaining(['scan', 'test', 'lint', 'fields', 'rules']));
    for (const c of commands) {
      const file = new URL(`${c}.md`, docs);
      expect(existsSync(file), `docs/${c}.md`).toBe(true);
      const text = readFileSync(file, 'utf8');
      const flags = new Set([...(await cli([c, '--help'])).stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
      flags.delete('--help');
      for (const f of flags) expect(text, `docs/${c}.md mentions ${f}`).toContain(f);
    }
  });
});
