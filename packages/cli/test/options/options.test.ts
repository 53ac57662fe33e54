import { mkdtempSync, readFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { Writable } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../../src/io.js';
import {
  checkInputs,
  colorEnabled,
  commandHelp,
  openOutput,
  parseCommand,
  requireRulePaths,
  resolveRulePaths,
  shownPath,
  type CommandSpec,
} from '../../src/options.js';
import { cli, fakeIO } from './fake-io.js';

const SPEC: CommandSpec<'a' | 'b'> = {
  name: 'demo',
  usage: '<input…> [options]',
  description: 'A demo command.',
  options: {
    rules: { type: 'string', multiple: true, arg: '<path>', help: 'rules' },
    format: { type: 'string', arg: '<name>', help: '' },
    flag: { type: 'boolean', help: 'a flag' },
  },
  formats: ['a', 'b'],
  positionals: { min: 1 },
  exitCodes: '0 ok',
};

describe('parseCommand', () => {
  it('parses repeatable --rules, --format and positionals', () => {
    const p = parseCommand(SPEC, ['x.jsonl', '--rules', 'r1', '--rules=r2', '--format', 'b', '--flag']);
    expect(p.positionals).toEqual(['x.jsonl']);
    expect(p.values.rules).toEqual(['r1', 'r2']);
    expect(p.format).toBe('b');
    expect(p.values.flag).toBe(true);
  });
  it('rejects an unknown flag with a UsageError naming it', () => {
    expect(() => parseCommand(SPEC, ['x', '--nope'])).toThrow(UsageError);
    expect(() => parseCommand(SPEC, ['x', '--nope'])).toThrow(/--nope/);
  });
  it('rejects a format the command does not offer, listing the valid ones', () => {
    expect(() => parseCommand(SPEC, ['x', '--format', 'c'])).toThrow(/unknown --format 'c' \(expected one of: a, b\)/);
  });
  it('requires the minimum number of positionals, unless --help', () => {
    expect(() => parseCommand(SPEC, [])).toThrow(/at least 1 input/);
    // A command whose first positional is a subcommand says what it expects instead.
    expect(() => parseCommand({ ...SPEC, positionals: { min: 1, missing: "expected 'a' or 'b'" } }, [])).toThrow(
      "expected 'a' or 'b'\nRun 'nightjar demo --help' for usage.",
    );
    expect(parseCommand(SPEC, ['--help']).help).toBe(true);
    expect(parseCommand(SPEC, ['-h']).help).toBe(true);
  });
  it('rejects positionals when the command takes none', () => {
    expect(() => parseCommand({ ...SPEC, positionals: undefined }, ['x'])).toThrow(UsageError);
  });
});

describe('resolveRulePaths', () => {
  it('resolves --rules against the io cwd', () => {
    const { io } = fakeIO({ cwd: '/base' });
    expect(resolveRulePaths({ rules: ['r', '/abs'] }, io)).toEqual(['/base/r', '/abs']);
  });
  it('defaults to the bundled ruleset', () => {
    const { io } = fakeIO();
    const [p] = resolveRulePaths({}, io);
    expect(p).toMatch(/rules$|ruleset$/);
  });
});

describe('checkInputs', () => {
  const { io } = fakeIO();
  it('fails with a CliError naming a missing file', () => {
    expect(() => checkInputs(['events/nope.jsonl'], io)).toThrow(CliError);
    expect(() => checkInputs(['events/nope.jsonl'], io)).toThrow(/cannot read 'events\/nope.jsonl': no such file/);
  });
  it('refuses a directory and a second stdin', () => {
    expect(() => checkInputs(['events'], io)).toThrow(/is a directory/);
    expect(() => checkInputs(['-', '-'], io)).toThrow(UsageError);
  });
  it('resolves files and keeps "-"', () => {
    expect(checkInputs(['events/clean.jsonl', '-'], io)).toEqual([path.join(io.cwd, 'events/clean.jsonl'), '-']);
  });
});

describe('openOutput', () => {
  it('writes to a file, creating missing folders', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-out-'));
    const { io, stdout } = fakeIO({ cwd: dir });
    const sink = await openOutput('a/b/out.txt', io);
    expect(sink.toFile).toBe(true);
    await sink.write('hello\n');
    await sink.close();
    expect(readFileSync(path.join(dir, 'a/b/out.txt'), 'utf8')).toBe('hello\n');
    expect(stdout.text()).toBe('');
  });
  it('refuses a directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-out-'));
    mkdirSync(path.join(dir, 'sub'));
    const { io } = fakeIO({ cwd: dir });
    await expect(openOutput('sub', io)).rejects.toThrow(/is a directory/);
  });
  it('uses stdout and its TTY flag when no file is given', async () => {
    const { io, stdout } = fakeIO({ stdoutTTY: true });
    const sink = await openOutput(undefined, io);
    expect(sink.isTTY).toBe(true);
    await sink.write('x');
    await sink.close();
    expect(stdout.text()).toBe('x');
  });
});

describe('openOutput on a closed pipe', () => {
  it('stops writing quietly when stdout gets EPIPE (nightjar scan | head)', async () => {
    const { io } = fakeIO();
    const epipe = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const sink = await openOutput(undefined, { ...io, stdout: epipe });
    await sink.write('a');
    await new Promise((r) => setImmediate(r));
    await sink.write('b');
    await expect(sink.close()).resolves.toBeUndefined();
  });
  it('fails with a CliError on any other write error', async () => {
    const { io } = fakeIO();
    const broken = new Writable({
      write(_c, _e, cb) {
        cb(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
      },
    });
    const sink = await openOutput(undefined, { ...io, stdout: broken });
    const attempt = async () => {
      await sink.write('a');
      await new Promise((r) => setImmediate(r));
      await sink.write('b');
    };
    await expect(attempt()).rejects.toThrow(/cannot write output: disk full/);
  });
});

describe('colorEnabled', () => {
  it('follows the TTY, NO_COLOR and FORCE_COLOR', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
  });
});

describe('one letter for one option in every command', () => {
  // Each command's --help lists the short form next to the long one when it takes the shared option.
  const COMMANDS = ['scan', 'watch', 'test', 'lint', 'techniques', 'profile', 'events'] as const;
  const TAKES: Record<string, readonly string[]> = {
    rules: ['scan', 'watch', 'profile', 'events', 'ship', 'fleet'],
    format: COMMANDS,
    output: COMMANDS,
  };
  const LETTER: Record<string, string> = { rules: '-r', format: '-f', output: '-o' };
  for (const [option, commands] of Object.entries(TAKES)) {
    it(`${LETTER[option]} is --${option} wherever --${option} exists`, async () => {
      for (const name of commands) {
        const r = await cli([name, '--help']);
        expect(r.code).toBe(0);
        expect(r.stdout, `${name} --help`).toContain(`${LETTER[option]}, --${option}`);
      }
    });
  }
  it('the short form parses like the long one', async () => {
    const short = await cli(['techniques', '-f', 'json']);
    const long = await cli(['techniques', '--format', 'json']);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });
});

describe('--help is generated from the option table', () => {
  const MODULES = {
    scan: () => import('../../src/commands/scan.js'),
    watch: () => import('../../src/commands/watch.js'),
    test: () => import('../../src/commands/test.js'),
    lint: () => import('../../src/commands/lint.js'),
    techniques: () => import('../../src/commands/techniques.js'),
    profile: () => import('../../src/commands/profile.js'),
    events: () => import('../../src/commands/events.js'),
    ship: () => import('../../src/commands/ship.js'),
    fleet: () => import('../../src/commands/fleet.js'),
  } as const;
  /** The flags a help text documents, from its `  -x, --name` / `      --name` lines. */
  const documented = (help: string) =>
    [...help.matchAll(/^ {2}(?:-(\w), | {4})--([\w-]+)/gm)].map((m) => ({ short: m[1], long: m[2] }));

  for (const [name, load] of Object.entries(MODULES)) {
    it(`${name}: every flag the help lists is accepted, and every accepted flag is listed`, async () => {
      const { SPEC: spec } = await load();
      const help = (await cli([name, '--help'])).stdout;
      const flags = documented(help);
      expect(flags.map((f) => f.long).sort()).toEqual([...Object.keys(spec.options), 'help'].sort());
      for (const f of flags) {
        const def = f.long === 'help' ? { type: 'boolean' } : spec.options[f.long];
        const value = def.type === 'string' ? [spec.formats?.[0] ?? '1'] : [];
        const inputs = spec.positionals?.min ? ['x'] : [];
        expect(() => parseCommand(spec, [...inputs, `--${f.long}`, ...value]), `${name} --${f.long}`).not.toThrow();
        if (f.short) {
          expect(() => parseCommand(spec, [...inputs, `-${f.short}`, ...value]), `${name} -${f.short}`).not.toThrow();
        }
      }
    });
  }

  it('writes out the formats, their default and the per-format notes', () => {
    const help = commandHelp({ ...SPEC, formatDefault: 'a', formatHelp: { b: 'the b one' } });
    expect(help).toMatch(/--format <name>\s+a \| b \(default: a\)\n\s+b {2}the b one\n/);
    expect(help).toMatch(/^Usage: nightjar demo <input…> \[options\]\n\nA demo command\.\n/);
    expect(help).toContain('  -h, --help');
    expect(help.trimEnd().endsWith('Exit codes: 0 ok')).toBe(true);
  });

  it('wraps long help under its own column', () => {
    const long = 'word '.repeat(40).trim();
    const help = commandHelp({ ...SPEC, options: { ...SPEC.options, flag: { type: 'boolean', help: long } } });
    const lines = help.split('\n');
    const at = lines.findIndex((l) => l.includes('--flag'));
    const column = lines[at].indexOf('word');
    expect(lines[at + 1].indexOf('word')).toBe(column);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('the top-level help lists every command the dispatcher runs', async () => {
    const top = (await cli(['--help'])).stdout;
    for (const name of ['scan', 'watch', 'test', 'lint', 'profile', 'events', 'techniques']) {
      expect(top).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect((await cli(['__proto__'])).code).toBe(2);
  });
});

describe('nightjar ship: choosing the live source', () => {
  it('--backend takes a known backend, and only for the live source (no capture file)', async () => {
    const bad = await cli(['ship', '--nats', 'nats://127.0.0.1:1', '--host-id', 'h1', '--backend', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --backend 'nope' \(expected one of: es, eslogger, linux\)/);
    const withFile = await cli(['ship', '--nats', 'nats://127.0.0.1:1', '--host-id', 'h1', '--backend', 'linux', '-']);
    expect(withFile.code).toBe(2);
    expect(withFile.stderr).toMatch(/--backend chooses the live source/);
  });
});

describe('nightjar watch --ship: the live source to a fleet (nightjar ship with that source)', () => {
  it('hands over to ship (its checks answer), with --host-id, and refuses what only local detection uses', async () => {
    const url = 'nats://127.0.0.1:1';
    const backend = await cli(['watch', '--ship', url, '--host-id', 'h1', '--backend', 'nope']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toMatch(/unknown --backend 'nope' \(expected one of: es, eslogger, linux\)/);
    const noId = await cli(['watch', '--ship', url]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/--host-id <id> is required/);
    const local = await cli(['watch', '--ship', url, '--host-id', 'h1', '--format', 'jsonl', '--watch-rules']);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(
      /--ship sends the events to the fleet, which detects there: --format, --watch-rules do not apply/,
    );
    const idAlone = await cli(['watch', '--host-id', 'h1']);
    expect(idAlone.code).toBe(2);
    expect(idAlone.stderr).toMatch(/--host-id goes with --ship <nats-url>/);
  });
});

describe('rule paths as the user sees them', () => {
  it('shows a path relative to cwd inside it, cwd itself as ".", and one outside as given', () => {
    expect(shownPath('/work/repo', '/work/repo/rules/a.yml')).toBe('rules/a.yml');
    expect(shownPath('/work/repo', '/work/repo')).toBe('.');
    expect(shownPath('/work/repo', '/work/other/a.yml')).toBe('/work/other/a.yml');
  });
  it('names every missing rule path (exit 2, NJ_CLI_RULES) and accepts existing ones', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'nj-rulepaths-'));
    mkdirSync(path.join(cwd, 'rules'));
    const io = fakeIO({ cwd }).io;
    expect(() => requireRulePaths([path.join(cwd, 'rules')], io)).not.toThrow();
    let err: unknown;
    try {
      requireRulePaths([path.join(cwd, 'rules'), path.join(cwd, 'gone.yml'), '/no/such/rules'], io);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('NJ_CLI_RULES');
    expect((err as CliError).message).toBe('no such rule file or directory: gone.yml, /no/such/rules');
  });
});
