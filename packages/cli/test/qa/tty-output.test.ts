/**
 * First-user QA regressions for what a person sees on a terminal.
 */
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
    const section = lines.slice(start + 1, lines.findIndex((l, i) => i > start && /^\S/.test(l)));
    expect(section.length).toBeGreaterThan(0);
    for (const l of section) expect(l.length, l).toBeLessThanOrEqual(160);
    expect(section.join('\n')).toContain('Google Chrome Helper (10,879)');
  });
});
