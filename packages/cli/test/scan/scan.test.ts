import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EVENTS, FIXTURES, RULES, cli, plain } from '../options/fake-io.js';

const ALERTS = 'events/alerts.jsonl';
const CLEAN = 'events/clean.jsonl';
const R = ['--rules', 'rules'];
const alertsText = readFileSync(path.join(EVENTS, 'alerts.jsonl'));

/** Byte offset of the start of 1-based line n, computed from the fixture itself. */
function offsetOf(buf: Buffer, n: number): number {
  let off = 0;
  for (let i = 1; i < n; i++) off = buf.indexOf(0x0a, off) + 1;
  return off;
}

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'nj-scan-'));
}

describe('nightjar scan: results and exit codes', () => {
  it('prints one JSON line per alert on a non-TTY stdout and exits 1', async () => {
    const r = await cli(['scan', ALERTS, ...R]);
    expect(r.code).toBe(1);
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.map((a) => a.rule.title).sort()).toEqual([
      'Curl Downloads A Script',
      'Process Opens An SSH Private Key',
    ]);
    const curl = alerts.find((a) => a.rule.title.startsWith('Curl'));
    expect(curl.process.entity_id).toBe('500:1501');
    expect(curl.event_type).toBe('exec');
  });

  it('exits 0 with empty output when nothing matches', async () => {
    const r = await cli(['scan', CLEAN, ...R]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/alerts\s+0/);
  });

  it('--format json prints one array (also when empty)', async () => {
    const r = await cli(['scan', ALERTS, ...R, '--format', 'json']);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    const e = await cli(['scan', CLEAN, ...R, '-f', 'json']);
    expect(JSON.parse(e.stdout)).toEqual([]);
  });

  it('pretty is the default on a TTY, coloured unless NO_COLOR is set', async () => {
    const tty = await cli(['scan', ALERTS, ...R], { stdoutTTY: true });
    expect(tty.stdout).toContain('\x1b[');
    expect(plain(tty.stdout)).toMatch(/^HIGH\s+Curl Downloads A Script/m);
    expect(plain(tty.stdout)).toContain('entity 500:1501');
    const nc = await cli(['scan', ALERTS, ...R], { stdoutTTY: true, env: { NO_COLOR: '1' } });
    expect(nc.stdout).not.toContain('\x1b[');
    expect(nc.stdout).toMatch(/^HIGH\s+Curl Downloads A Script/m);
  });

  it('feeds skipped-type lines to the engine and keeps fork/exec for lineage rules', async () => {
    const r = await cli(['scan', ALERTS, '--rules', 'lineage-rules', '-f', 'json']);
    expect(r.code).toBe(1);
    const [a] = JSON.parse(r.stdout);
    expect(a.rule.title).toBe('Curl Started From A Shell');
    expect(a.lineage[0]).toMatchObject({ entity_id: '400:1400', path: '/bin/zsh' });
    const pretty = await cli(['scan', ALERTS, '--rules', 'lineage-rules'], { stdoutTTY: true, env: { NO_COLOR: '1' } });
    expect(pretty.stdout).toContain('zsh(400) → curl(500)');
    expect(pretty.stderr).toMatch(/32 events \(29 of types no rule needs\)/);
  });

  it('prints correlation alerts with their group, window and value', async () => {
    const r = await cli(['scan', ALERTS, '--rules', 'correlation-rules', '-f', 'json']);
    expect(r.code).toBe(1);
    const [a] = JSON.parse(r.stdout);
    expect(a.rule).toMatchObject({ kind: 'correlation', correlation_type: 'event_count' });
    expect(a.group).toEqual({ 'process.entity_id': '502:1701' });
    expect(a.window.end - a.window.start).toBe(60_000_000);
    const pretty = await cli(['scan', ALERTS, '--rules', 'correlation-rules', '-f', 'pretty']);
    expect(pretty.stdout).toMatch(/^MEDIUM\s+Burst Of Home Folder Listings By One Process \[event_count\]/m);
    expect(pretty.stdout).toMatch(/group\s+process\.entity_id=502:1701\s+window .* \(60 s\)\s+value 5/);
  });

  it('marks an alert raised across a sequence gap as incomplete', async () => {
    const r = await cli(['scan', ALERTS, '--rules', 'gap-rules', '-f', 'json']);
    const [a] = JSON.parse(r.stdout);
    expect(a.incomplete).toBe(true);
    const pretty = await cli(['scan', ALERTS, '--rules', 'gap-rules', '-f', 'pretty']);
    expect(pretty.stdout).toMatch(/^LOW\s+Process Opens The SSH Client Config ⚠ incomplete/m);
    expect(pretty.stdout).toContain('the alert window overlaps a sequence gap');
  });

  it('--output writes alerts to a file and leaves stdout empty', async () => {
    const dir = tmp();
    const r = await cli(['scan', path.join(FIXTURES, ALERTS), '--rules', RULES, '-o', 'out/alerts.jsonl'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readFileSync(path.join(dir, 'out/alerts.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('nightjar scan: stderr reports, never stdout', () => {
  it('reports malformed lines as file:LINE (byte OFFSET) and counts them; exit code unchanged', async () => {
    const r = await cli(['scan', ALERTS, ...R]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`events/alerts.jsonl:16 (byte ${offsetOf(alertsText, 16)}): invalid JSON`);
    expect(r.stderr).toContain(`events/alerts.jsonl:32 (byte ${offsetOf(alertsText, 32)}): `);
    expect(r.stderr).toMatch(/malformed lines\s+2/);
    expect(r.stdout).not.toContain('malformed');
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('caps printed problems with --max-problems but still counts them all', async () => {
    const r = await cli(['scan', ALERTS, ...R, '--max-problems', '1']);
    expect(r.stderr).toContain('alerts.jsonl:16 (byte');
    expect(r.stderr).not.toContain('alerts.jsonl:32 (byte');
    expect(r.stderr).toMatch(/malformed lines\s+2 \(1 not shown\)/);
  });

  it('summarises events, skipped types, gaps (tracked on skipped events too) and alerts by rule', async () => {
    const r = await cli(['scan', ALERTS, ...R]);
    // 34 lines - 2 malformed = 32 events; only exec and open are needed by the rules, fork/exec/exit by lineage.
    expect(r.stderr).toMatch(/32 events \(22 of types no rule needs\) from 1 input/);
    expect(r.stderr).toMatch(/events\/s/);
    // One global gap and one open-type gap describe the same 3 lost messages: counted once.
    expect(r.stderr).toMatch(/sequence gaps\s+2 \(3 events missing\)/);
    expect(r.stderr).toContain('[NJ_GAP]');
    expect(r.stderr).toMatch(/1\s+high\s+Curl Downloads A Script/);
  });

  it('--quiet drops the summary', async () => {
    const r = await cli(['scan', CLEAN, ...R, '-q']);
    expect(r.stderr).toBe('');
  });

  it('--strict turns malformed lines into exit 2, after writing the alerts', async () => {
    const r = await cli(['scan', ALERTS, ...R, '--strict']);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain('2 malformed lines with --strict');
    const clean = await cli(['scan', CLEAN, ...R, '--strict']);
    expect(clean.code).toBe(0);
  });

  it('draws a progress bar only when stderr is a TTY and the input is a file', async () => {
    const file = await cli(['scan', CLEAN, ...R], { stderrTTY: true });
    expect(file.stderr).toMatch(/\r.*100%/);
    const stdin = await cli(['scan', '-', ...R], {
      stderrTTY: true,
      stdin: readFileSync(path.join(EVENTS, 'clean.jsonl')),
    });
    expect(stdin.stderr).not.toContain('%');
    const notty = await cli(['scan', CLEAN, ...R]);
    expect(notty.stderr).not.toContain('\r');
  });
});

describe('nightjar scan: inputs', () => {
  it('reads gzip files (by magic bytes) like plain ones', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'capture.log'), gzipSync(alertsText));
    const r = await cli(['scan', 'capture.log', '--rules', RULES], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain('capture.log:16 (byte');
  });

  it("reads '-' from stdin and names it <stdin> in reports", async () => {
    const r = await cli(['scan', '-', ...R], { stdin: alertsText });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(`<stdin>:16 (byte ${offsetOf(alertsText, 16)})`);
  });

  it('reads several inputs in order, each its own source', async () => {
    const r = await cli(['scan', ALERTS, CLEAN, ...R]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/44 events .* from 2 inputs/);
  });

  it('keeps what a truncated gzip held, then exits 2', async () => {
    const dir = tmp();
    const gz = gzipSync(alertsText);
    writeFileSync(path.join(dir, 'cut.gz'), gz.subarray(0, gz.length - 12));
    const r = await cli(['scan', 'cut.gz', '--rules', RULES], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not be read completely/);
    expect(r.stderr).toContain('cut.gz');
  });
});

describe('nightjar scan: usage and fatal errors exit 2', () => {
  it('rejects an unknown flag, naming it', async () => {
    const r = await cli(['scan', ALERTS, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
    expect(r.stdout).toBe('');
  });
  it('rejects a format scan does not have', async () => {
    const r = await cli(['scan', ALERTS, ...R, '--format', 'sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pretty, jsonl, json');
  });
  it('needs at least one input', async () => {
    expect((await cli(['scan', ...R])).code).toBe(2);
  });
  it('fails on a missing file before reading anything', async () => {
    const r = await cli(['scan', ALERTS, 'events/nope.jsonl', ...R]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read 'events/nope.jsonl': no such file");
    expect(r.stdout).toBe('');
  });
  it('fails on rules that do not load, listing file:line:col and code', async () => {
    const r = await cli(['scan', ALERTS, '--rules', 'bad-rules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules failed to load/);
    expect(r.stderr).toMatch(/bad-rules\/broken\.yml:\d+:\d+: error .*\[NJ_UNKNOWN_MODIFIER\]/);
  });
  it('fails on a dangling symlink *.yml inside the rules folder, as when it is named (not a silent skip)', async () => {
    const dir = tmp();
    copyFileSync(path.join(RULES, 'curl-download.yml'), path.join(dir, 'curl-download.yml'));
    symlinkSync(path.join(dir, 'moved-away.yml'), path.join(dir, 'x.yml'));
    const r = await cli(['scan', ALERTS, '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules failed to load \(1 error\)/);
    expect(r.stderr).toContain(`${path.join(dir, 'x.yml')}:1:1: error no such file or directory`);
    expect(r.stderr).toContain('[NJ_PATH_NOT_FOUND]');
    expect(r.stdout).toBe('');
  });
  it('fails on a rules path that does not exist', async () => {
    const r = await cli(['scan', ALERTS, '--rules', 'no-such-rules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-rules/);
  });
  it('refuses an empty ruleset (a wrong --rules path must not look like "no alerts")', async () => {
    const dir = tmp();
    const r = await cli(['scan', path.join(EVENTS, 'clean.jsonl'), '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no rules found in');
  });
  it('--max-problems must be a number', async () => {
    expect((await cli(['scan', ALERTS, ...R, '--max-problems', 'x'])).code).toBe(2);
  });
  it('--help prints usage on stdout and exits 0', async () => {
    const r = await cli(['scan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: nightjar scan');
    expect(r.stdout).toContain('--strict');
  });
});

describe('nightjar scan: Ctrl-C', () => {
  it('stops reading on interrupt, then flushes, summarises and exits by the alerts found', async () => {
    const { PassThrough, Writable } = await import('node:stream');
    const { main } = await import('../../src/main.js');
    const stdin = new PassThrough(); // a live pipe that never ends on its own
    let interrupt: (() => void) | undefined;
    let unregistered = false;
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new Writable({
      write(c, _e, cb) {
        out.push(String(c));
        if (String(c).includes('"rule"')) interrupt?.(); // Ctrl-C once the first alert is on screen
        cb();
      },
    });
    const stderr = new Writable({ write: (c, _e, cb) => (err.push(String(c)), cb()) });
    stdin.write(alertsText);
    const code = await main(['scan', '-', '--rules', RULES], {
      stdin,
      stdout,
      stderr,
      cwd: FIXTURES,
      env: {},
      onInterrupt: (h) => {
        interrupt = h;
        return () => {
          unregistered = true;
        };
      },
    });
    expect(code).toBe(1);
    expect(out.join('').trim().split('\n').length).toBeGreaterThanOrEqual(1);
    expect(err.join('')).toContain('interrupted');
    expect(err.join('')).toContain('Summary');
    expect(unregistered).toBe(true);
  });
});

describe('scan keeps lineage when no rule reads it (the list watch subscribes to)', () => {
  it('every alert of a lineage-free ruleset carries the actor chain learned from fork/exec', async () => {
    const r = await cli(['scan', ALERTS, '-r', 'rules', '-f', 'jsonl', '-q']);
    const alerts = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { lineage: unknown[] });
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) expect(a.lineage.length).toBeGreaterThan(0);
  });
});
