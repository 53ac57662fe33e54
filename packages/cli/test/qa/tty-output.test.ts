/**
 * First-user QA regressions for what a person sees on a terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import { cli } from '../options/fake-io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const METERPRETER = path.join(ROOT, 'fixtures', 'meterpreter-session.jsonl');
const BASELINE = path.join(ROOT, 'fixtures', 'benign-baseline.jsonl.gz');

/** One terminal that stdout and stderr both write to, as in an interactive shell. */
class Terminal extends Writable {
  readonly isTTY = true;
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe('scan on a terminal', () => {
  it('erases the progress bar before printing an alert (no "… ev/sMEDIUM …" lines)', async () => {
    const term = new Terminal();
    const io = { stdin: Readable.from([]), stdout: term, stderr: term, cwd: ROOT, env: { NO_COLOR: '1' } };
    const code = await main(['scan', METERPRETER], io);
    expect(code).toBe(1);
    const segments = term.text.split('\r');
    const drawn = segments.filter((s) => /ev\/s/.test(s) && s.includes('█'));
    // The bar is drawn at least once on this 2 MB input (the first update always draws) …
    expect(drawn.length).toBeGreaterThan(0);
    // … and each drawing ends right after its erase-to-end-of-line, never followed by alert text.
    // eslint-disable-next-line no-control-regex -- ESC [ K (erase to end of line) is the byte sequence under test
    for (const s of drawn) expect(s, JSON.stringify(s.slice(0, 200))).toMatch(/ev\/s\x1b\[K$/);
    expect(term.text).toMatch(/^HIGH {5}Meterpreter Open\+fcntl Fingerprint/m);
  });
});

describe('profile --format svg|html', () => {
  it('writes well-formed XML when a share is below 0.1% ("<0.1%" is escaped)', async () => {
    const r = await cli(['profile', BASELINE, '--format', 'svg'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('&lt;0.1%');
    // No raw '<' that does not start a tag, a comment or a closing tag.
    expect(r.stdout).not.toMatch(/<(?![A-Za-z/!?])/);
  });

  it('escapes the same in the HTML report', async () => {
    const r = await cli(['profile', BASELINE, '--format', 'html'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('&lt;0.1%');
    expect(r.stdout).not.toMatch(/<0\.1%/);
  });
});

describe('profile --format table', () => {
  it('keeps "Busiest processes per event type" lines short: executable names, not full paths', async () => {
    const r = await cli(['profile', BASELINE], { cwd: ROOT });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Busiest processes per event type'));
    expect(start).toBeGreaterThan(0);
    const section = lines.slice(
      start + 1,
      lines.findIndex((l, i) => i > start && /^\S/.test(l)),
    );
    expect(section.length).toBeGreaterThan(0);
    for (const l of section) expect(l.length, l).toBeLessThanOrEqual(160);
    expect(section.join('\n')).toContain('Google Chrome Helper (10,879)');
  });
});

describe('bad lines and closed pipes', () => {
  const BIN = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
  it.skipIf(!existsSync(BIN))(
    'finishes with its own exit code when stderr is closed early (was: a 100% CPU loop)',
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'nightjar-qa-'));
      const bad = path.join(dir, 'bad.jsonl');
      const good = readFileSync(METERPRETER, 'utf8').split('\n').slice(0, 60);
      writeFileSync(bad, [...good.slice(0, 5), 'garbage', ...good.slice(5), 'more garbage', ''].join('\n'));
      const child = spawn(process.execPath, [BIN, 'scan', bad], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.once('data', () => child.stderr.destroy()); // `… 2>&1 >/dev/null | head -1`
      const code = await new Promise<number | null>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(-1);
        }, 30_000);
        child.on('exit', (c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
      expect(code).toBe(1); // alerts raised; not -1 (hung) and not 2 (crash)
    },
  );
});
