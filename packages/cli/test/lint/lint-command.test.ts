/** `nightjar lint` as a command: formats, exit codes, options, and the check reference in docs/lint.md. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lint } from '@nightjar/ruletools';
import { run } from '../../src/commands/lint.js';
import { main } from '../../src/main.js';
import type { CliIO } from '../../src/io.js';

const { CHECKS, LOADER_CHECKS } = lint;
const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The linter's own seeded rules (one bad file per check) live with the linter; paths print relative to there.
const here = path.join(cliDir, '../ruletools/test/lint');
const bad = path.join(here, 'bad-rules');
const good = path.join(here, 'good-rules');

function io(cwd = here): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdin: new PassThrough(), stdout, stderr, cwd, env: { NO_COLOR: '1' }, out: () => o, err: () => e };
}

describe('nightjar lint: command, formats and exit codes', () => {
  it('exit 1 on errors (default --fail-on error), stylish output with check ids', async () => {
    const t = io();
    const code = await run([path.join(bad, 'unknown-modifier.yml')], t);
    expect(code).toBe(1);
    expect(t.out()).toMatch(/\d+:\d+-\d+\s+error\s+unknown modifier 'endwith'.*nj\/unknown-modifier/);
    expect(t.out()).toMatch(/problem\(s\)/);
  });
  it('exit 0 when findings are below --fail-on, 1 when at or above', async () => {
    const f = path.join(bad, 'missing-tests.yml');
    expect(await run([f], io())).toBe(0);
    expect(await run([f, '--fail-on', 'info'], io())).toBe(1);
    expect(await run([path.join(good, 'curl-pipe-shell.yml'), '--fail-on', 'info'], io())).toBe(0);
  });
  it('exit 2 on usage errors and bad config', async () => {
    const t = io();
    expect(await main(['lint', '--fail-on', 'fatal', bad], t)).toBe(2);
    expect(t.err()).toMatch(/--fail-on must be/);
    expect(await main(['lint', '--format', 'xml', bad], io())).toBe(2);
    expect(await main(['lint', '/no/such/rules'], io())).toBe(2);
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const cfg = path.join(dir, 'nightjar.config.yaml');
    writeFileSync(cfg, 'checks:\n  nj/bogus: off\n');
    const t2 = io();
    expect(await run([path.join(good, 'curl-pipe-shell.yml'), '--config', cfg], t2)).toBe(2);
    expect(t2.err()).toMatch(/unknown check 'nj\/bogus'/);
    writeFileSync(cfg, 'lint:\n  checks: [');
    const t3 = io();
    expect(await run([path.join(good, 'curl-pipe-shell.yml'), '--config', cfg], t3)).toBe(2);
    expect(t3.err()).toContain(`nightjar lint: ${cfg}:2:12: Flow sequence`);
  });
  it('finds nightjar.config.yaml at the rule repository root', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    writeFileSync(path.join(dir, 'nightjar.config.yaml'), 'lint:\n  checks:\n    nj/unknown-modifier: off\n');
    writeFileSync(path.join(dir, 'r.yml'), readFileSync(path.join(bad, 'unknown-modifier.yml')));
    const t = io(dir);
    // The loader may still reject the modifier itself; with the check off, that finding is gone.
    await run([path.join(dir, 'r.yml'), '--format', 'json'], t);
    const json = JSON.parse(t.out()) as { findings: { checkId: string }[] };
    expect(json.findings.some((f) => f.checkId === 'nj/unknown-modifier')).toBe(false);
  });
  it('json format is parseable and carries findings; summary on stderr', async () => {
    const t = io();
    await run([path.join(bad, 'group-by-pid.yml'), '--format', 'json'], t);
    const json = JSON.parse(t.out()) as { findings: { checkId: string; line: number }[] };
    expect(json.findings.some((f) => f.checkId === 'nj/group-by-pid')).toBe(true);
    expect(t.err()).toMatch(/problem\(s\)/);
  });
  it('github format emits workflow annotations', async () => {
    const t = io(here);
    await run([path.join(bad, 'timespan-long.yml'), '--format', 'github'], t);
    expect(t.out()).toMatch(
      /^::warning file=bad-rules\/timespan-long\.yml,line=(\d+),col=\d+,endLine=\1,endColumn=\d+,title=nj\/timespan-long::timespan 10m/m,
    );
  });
  it('--output writes to a file and keeps stdout empty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njlint-'));
    const t = io();
    await run([path.join(bad, 'attack-tag.yml'), '--format', 'json', '--output', path.join(dir, 'o.json')], t);
    expect(t.out()).toBe('');
    expect(existsSync(path.join(dir, 'o.json'))).toBe(true);
  });
});

describe('docs/lint.md', () => {
  const doc = readFileSync(path.join(cliDir, 'docs/lint.md'), 'utf8');
  it('documents every check with a bad and a good example', () => {
    for (const c of CHECKS) {
      const start = doc.indexOf(`### \`${c.id}\``);
      expect(start, c.id).toBeGreaterThan(0);
      const section = doc.slice(start, doc.indexOf('\n### ', start + 5) >>> 0 || undefined);
      if (c.id !== 'nj/internal') expect(section, c.id).toMatch(/Bad:[\s\S]*```yaml[\s\S]*Good:[\s\S]*```yaml/);
      // The documented severity and description are the code's (docs regenerated when a check changes).
      expect(section, c.id).toContain(`**${c.severity}** — ${c.description}`);
    }
  });
  it('lists every loader code under the check it is reported as', () => {
    for (const [code, check] of Object.entries(LOADER_CHECKS)) {
      const start = doc.indexOf(`### \`${check}\``);
      const section = doc.slice(start, doc.indexOf('\n### ', start + 5) >>> 0 || undefined);
      expect(section, code).toMatch(new RegExp(`Loader codes reported under this check: .*\`${code}\``));
    }
  });
  it('has a GitHub Actions workflow using lint and test', () => {
    expect(doc).toMatch(/nightjar lint rules\/ --format github/);
    expect(doc).toMatch(/nightjar test rules\/ --format junit/);
  });
});
