/**
 * The threaded scan against the single-threaded engine on the same merged multi-host capture:
 * identical alerts in identical order, identical counts. Worker threads run compiled JavaScript, so
 * the scan is imported from the built package (skipped, visibly, when it is not built).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Engine, createDecoder, decodeLine, DecodeError, type Alert } from '@nightjar/core';
import { hostOfLine } from '../../src/threads/route.js';
import { suggestThreads } from '../../src/threads/suggest.js';
import { multiHostCapture, REPO_FIXTURES } from '../helpers/multi-host.js';

const PKG = resolve(fileURLToPath(import.meta.url), '../../..');
const DIST = join(PKG, 'dist/index.js');
const RULES_DIST = resolve(PKG, '../rules/dist/index.js');
const built = existsSync(join(PKG, 'dist/threads/worker.js')) && existsSync(RULES_DIST);
const dir = mkdtempSync(join(tmpdir(), 'nj-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function line(s: string): [Buffer, number, number] {
  const b = Buffer.from(`xx${s}yy`);
  return [b, 2, b.length - 2];
}

describe('hostOfLine: the host a line is routed by is the host it decodes with', () => {
  const body = '"event_type":9,"time":"2024-05-01T10:00:00Z","event":{"exec":{}}';
  const cases: Array<[string, string]> = [
    ['no host (eslogger)', `{${body}}`],
    ['Jamf shape', `{${body},"host":{"hostname":"mac-a","os":"14"}}`],
    ['spaced', `{${body}, "host" : { "hostname" : "mac-b" }}`],
    ['hostname second', `{${body},"host":{"ips":[],"hostname":"mac-c"}}`],
    ['escaped value', `{${body},"host":{"hostname":"mac-\\u0065"}}`],
    ['duplicate hostname: the last wins', `{${body},"host":{"hostname":"one","hostname":"two"}}`],
    ['duplicate host: the last wins', `{"host":{"hostname":"one"},${body},"host":{"hostname":"two"}}`],
    ['a scalar host', `{${body},"host":"mac-e"}`],
    ['"host" as a string value', `{${body},"args":["host"],"host":{"hostname":"mac-f"}}`],
    ['a UTF-8 host name', `{${body},"host":{"hostname":"Jörg’s Mac"}}`],
    ['a byte order mark', `\ufeff{${body},"host":{"hostname":"mac-g"}}`],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const ev = decodeLine(text);
      const expected = ev instanceof DecodeError ? undefined : ev.host;
      expect(hostOfLine(...line(text))).toBe(expected);
    });
  }
  it('the shapes it does not see (a nested host object, none on top; a key spelled with escapes) are the ones the scan checks', () => {
    const nested = `{${body.replace('"exec":{}', '"exec":{"host":{"hostname":"inner"}}')}}`;
    const ev = decodeLine(nested);
    expect(ev instanceof DecodeError ? 'error' : ev.host).toBeUndefined();
    expect(hostOfLine(...line(nested))).toBe('inner');
    const escaped = `{${body},"\\u0068ost":{"hostname":"mac-d"}}`;
    const ev2 = decodeLine(escaped);
    expect(ev2 instanceof DecodeError ? 'error' : ev2.host).toBe('mac-d');
    expect(hostOfLine(...line(escaped))).toBeUndefined();
  });
  it('"localhost" and "ghost" texts do not count as the key', () => {
    const text = `{${body},"args":["localhost","ghost"],"ghost":1,"host":{"hostname":"mac-h"}}`;
    expect(hostOfLine(...line(text))).toBe('mac-h');
    expect(hostOfLine(...line(`{${body},"args":["localhost"]}`))).toBeUndefined();
  });
});

interface Sources {
  openThreadedScan: typeof import('../../src/index.js').openThreadedScan;
}

/** A rules module as a user would write one: loads the repository's shipped rules. */
function rulesModule(): string {
  const f = join(dir, 'rules.mjs');
  writeFileSync(
    f,
    `import { loadRules } from ${JSON.stringify(pathToFileURL(RULES_DIST).href)};\n` +
      `export async function load(dirs) { return loadRules(dirs); }\n`,
  );
  return f;
}

function key(a: Alert): string {
  return `${a.id} ${a.rule.id} ${a.host} ${a.time} ${a.count}`;
}

describe.skipIf(!built)(
  'openThreadedScan (built dist; skipped when packages/sources/dist is not built — run npx tsc -b)',
  () => {
    const rulesDir = resolve(REPO_FIXTURES, '../rules');

    async function single(text: string, source: string) {
      const { loadRules } = (await import(pathToFileURL(RULES_DIST).href)) as typeof import('@nightjar/rules');
      const engine = new Engine(await loadRules([rulesDir]));
      const dec = createDecoder({ eventTypes: engine.requiredEventTypes(), source });
      const alerts: Alert[] = [];
      let events = 0;
      let malformed = 0;
      text.split('\n').forEach((l, i, all) => {
        if (l === '' && i === all.length - 1) return;
        const offset = all.slice(0, i).reduce((n, x) => n + Buffer.byteLength(x) + 1, 0);
        if (l.trim() === '') return;
        const ev = dec.decode(l, i + 1, offset);
        if (ev instanceof DecodeError) malformed++;
        else {
          events++;
          alerts.push(...engine.push(ev).map((a) => ({ ...a })));
        }
      });
      alerts.push(...engine.flush());
      return { alerts, events, malformed, metrics: engine.metrics() };
    }

    async function threaded(file: string, threads: number, extra: Record<string, unknown> = {}) {
      const { openThreadedScan } = (await import(pathToFileURL(DIST).href)) as Sources;
      const scan = openThreadedScan([file], {
        threads,
        rules: { module: rulesModule(), export: 'load', args: [rulesDir] },
        chunkSize: 64 * 1024, // many rounds, so lines of one host cross batches and rounds
        ...extra,
      });
      const alerts: Alert[] = [];
      const errors: DecodeError[] = [];
      const codes: string[] = [];
      for await (const b of scan) {
        alerts.push(...b.alerts);
        errors.push(...b.errors);
        codes.push(...b.diagnostics.map((d) => d.code));
      }
      return { alerts, errors, codes, stats: scan.stats(), metrics: scan.metrics()! };
    }

    it('a shuffled 12-host capture: the same alerts in the same order, the same counts, on 1, 2 and 3 threads', async () => {
      const text = multiHostCapture(20261205);
      const file = join(dir, 'fleet.jsonl');
      writeFileSync(file, text);
      const want = await single(text, file);
      expect(want.alerts.length).toBeGreaterThan(50);
      expect(new Set(want.alerts.map((a) => a.host)).size).toBeGreaterThan(8);
      for (const threads of [1, 2, 3]) {
        const got = await threaded(file, threads);
        expect(got.alerts.map(key)).toEqual(want.alerts.map(key));
        expect(got.stats.events).toBe(want.events);
        expect(got.stats.malformed).toBe(want.malformed);
        expect(got.errors.map((e) => e.line)).toEqual([...got.errors.map((e) => e.line)].sort((a, b) => a - b));
        expect(got.metrics.hosts).toBe(want.metrics.hosts);
        expect(got.metrics.matches).toEqual(want.metrics.matches);
        expect(got.metrics.gaps.gaps).toBe(want.metrics.gaps.gaps);
        expect(got.codes).not.toContain('NJ_THREAD_ROUTE');
      }
    });

    it('gzip input and an oversize line: located, counted, and the rest scanned', async () => {
      const text = multiHostCapture(7);
      const lines = text.split('\n');
      lines.splice(100, 0, `{"pad":"${'x'.repeat(300_000)}"}`);
      const file = join(dir, 'fleet.jsonl.gz');
      writeFileSync(file, gzipSync(lines.join('\n')));
      const got = await threaded(file, 2, { maxLineBytes: 200_000 });
      const tooLong = got.errors.filter((e) => e.code === 'NJ_SOURCE_LINE_TOO_LONG');
      expect(tooLong.map((e) => e.line)).toEqual([101]);
      expect(got.stats.events + got.stats.malformed).toBe(lines.filter((l) => l.trim() !== '').length);
    });

    it('a host whose lines went to two threads (a nested host object) gets NJ_THREAD_ROUTE, naming both places', async () => {
      const file = join(dir, 'nested.jsonl');
      const ok = '{"event_type":9,"time":"2024-05-01T10:00:00Z","seq_num":1,"process":{},"event":{"exec":{}}}';
      const nested = ok.replace('"exec":{}', '"exec":{"host":{"hostname":"inner"}}');
      writeFileSync(file, `${ok}\n${nested}\n`);
      const got = await threaded(file, 2);
      expect(got.codes).toContain('NJ_THREAD_ROUTE');
    });

    it('rules that fail to load in a worker stop the scan with NJ_SOURCE_THREAD_FAILED', async () => {
      const { openThreadedScan } = (await import(pathToFileURL(DIST).href)) as Sources;
      const bad = join(dir, 'bad-rules.mjs');
      writeFileSync(bad, 'export default function () { throw new Error("no rules here"); }\n');
      const scan = openThreadedScan([join(REPO_FIXTURES, 'discovery.jsonl')], { threads: 2, rules: { module: bad } });
      await expect(
        (async () => {
          for await (const _ of scan) void _;
        })(),
      ).rejects.toMatchObject({ code: 'NJ_SOURCE_THREAD_FAILED', message: expect.stringMatching(/no rules here/) });
    });

    it('rules with a fleet-scoped correlation are refused on more than one thread (their windows span hosts)', async () => {
      const { openThreadedScan } = (await import(pathToFileURL(DIST).href)) as Sources;
      const yml = join(dir, 'fleet-scope.yml');
      writeFileSync(
        yml,
        `title: r\nid: r1\nname: r1\nlogsource: {product: macos, service: endpointsecurity, category: exec}\ndetection:\n  sel: {event.exec.target.executable.path|endswith: /sh}\n  condition: sel\n---\ntitle: c\nid: c1\ncorrelation:\n  type: event_count\n  rules: [r1]\n  group-by: [event.exec.target.executable.path]\n  timespan: 1h\n  condition: {gte: 3}\nnightjar:\n  scope: fleet\n`,
      );
      const scan = openThreadedScan([join(REPO_FIXTURES, 'discovery.jsonl')], {
        threads: 2,
        rules: { module: rulesModule(), export: 'load', args: [yml] },
      });
      await expect(
        (async () => {
          for await (const _ of scan) void _;
        })(),
      ).rejects.toMatchObject({ code: 'NJ_SOURCE_BAD_OPTIONS', message: expect.stringMatching(/scope: fleet/) });
    });

    it('bad options are refused with NJ_SOURCE_BAD_OPTIONS', async () => {
      const { openThreadedScan } = (await import(pathToFileURL(DIST).href)) as Sources;
      expect(() => openThreadedScan(['x'], { threads: 0, rules: { module: 'x' } })).toThrow(/threads must be 1 to 256/);
    });
  },
);

describe('suggestThreads: threads only for large multi-host inputs', () => {
  it('one thread for stdin, small inputs, a single-host capture, or one core', async () => {
    const multi = join(dir, 'suggest-multi.jsonl');
    writeFileSync(multi, multiHostCapture(3));
    expect(await suggestThreads(['-'], { minBytes: 0, maxThreads: 8 })).toBe(1);
    expect(await suggestThreads([multi], { maxThreads: 8 })).toBe(1); // under 64 MiB
    expect(
      await suggestThreads([join(REPO_FIXTURES, 'meterpreter-session.jsonl')], { minBytes: 0, maxThreads: 8 }),
    ).toBe(1);
    expect(await suggestThreads([multi], { minBytes: 0, maxThreads: 1 })).toBe(1);
    expect(await suggestThreads([join(dir, 'missing.jsonl')], { minBytes: 0, maxThreads: 8 })).toBe(1);
  });
  it('as many as cores and sampled hosts allow, plain or gzip', async () => {
    const text = multiHostCapture(3);
    const plain = join(dir, 'suggest-plain.jsonl');
    const gz = join(dir, 'suggest.jsonl.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    expect(await suggestThreads([plain], { minBytes: 0, maxThreads: 3 })).toBe(3);
    expect(await suggestThreads([gz], { minBytes: 0, maxThreads: 4 })).toBe(4);
  });
});
