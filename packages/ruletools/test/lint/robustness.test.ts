import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, parseRuleText } from '@nightjar/rules';
import { Sources } from '../../src/lint/fixes.js';
import { lintDocuments, type LintInput } from '../../src/lint/run.js';
import { runRuleTests } from '../../src/tester/run.js';
import type { LoadedRules } from '../../src/tester/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = ['good-rules', 'bad-rules'].flatMap((d) =>
  readdirSync(path.join(here, d))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => readFileSync(path.join(here, d, f), 'utf8')),
);

// Deterministic PRNG (mulberry32) so a failure reproduces.
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * lines.length);
    const op = Math.floor(r() * 5);
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, lines[Math.floor(r() * lines.length)] ?? '');
    else if (op === 2) lines[i] = (lines[i] ?? '').replace(/[a-z]/, (c) => String.fromCharCode(c.charCodeAt(0) + 1));
    else if (op === 3)
      lines[i] = `${lines[i] ?? ''} ${['null', '[', '*', '|all', 'and', '(?=x)', '-'][Math.floor(r() * 7)]}`;
    else lines[i] = (lines[i] ?? '').replace(/^(\s*)/, '$1  ');
  }
  return lines.join('\n');
}

describe('lint and test on mutated rules (no crash, no internal error)', () => {
  it('300 mutants: every finding has a check id and a location, nothing throws', async () => {
    const r = rng(42);
    for (let i = 0; i < 300; i++) {
      const text = mutate(sources[i % sources.length], r);
      const loaded = parseRuleText(text, `/virtual/m${i}.yml`) as unknown as LintInput & LoadedRules;
      const res = lintDocuments(loaded);
      const internal = res.findings.filter((f) => f.checkId === 'nj/internal');
      expect(internal, `mutant ${i}:\n${text}`).toEqual([]);
      for (const f of res.findings) {
        expect(f.checkId).toMatch(/^nj\/[a-z-]+$/);
        expect(f.line).toBeGreaterThan(0);
      }
      // The tester must not throw either: bad cases become errors or failures.
      await expect(runRuleTests(loaded)).resolves.toBeDefined();
    }
  });
});

describe('lint on a path that is not a regular file', () => {
  it('a FIFO named as a rule file is reported, not read (reading it would block lint)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'njfifo-'));
    const fifo = path.join(dir, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    // A writer, so that a read of the FIFO would end (with this text) instead of blocking the test.
    const writer = spawn('sh', ['-c', `sleep 1; printf 'title: from the pipe\\n' > '${fifo}'`], { stdio: 'ignore' });
    try {
      // First: without the check, this read takes the writer's text, and the lint below would block.
      expect(new Sources().get(fifo)).toBeUndefined();
      const r = lintDocuments(await loadRuleFiles([fifo]));
      expect(r.findings.map((f) => `${f.checkId}@${f.line}:${f.col}`)).toEqual(['nj/yaml-syntax@1:1']);
    } finally {
      writer.kill();
    }
  });
});
