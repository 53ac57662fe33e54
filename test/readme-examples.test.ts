/**
 * Every README's code examples must run as written. This test extracts each ```ts / ```js block from
 * the root README and packages/*\/README.md, rewrites its `@nightjar/*` imports (and
 * `import.meta.resolve('@nightjar/…')`) to the built
 * packages (packages/<name>/dist/index.js), writes it to a temporary .mjs and runs it with node in
 * a scratch folder that holds what the examples name: `capture.jsonl` and `capture.jsonl.gz` (the
 * Meterpreter fixture), `rules/` (the shipped ruleset) and `fixtures/`. Stdin is empty (an example that reads
 * `-` gets end of input at once).
 *
 * A block is skipped, visibly, when it imports nothing from `@nightjar/*` (a type or interface
 * listing) or when the line before its fence is `<!-- example: fragment -->` (an API summary that
 * uses names it does not define). The whole suite skips, visibly, when the packages are not built
 * (`npx tsc -b` builds them; `pnpm test` does so first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['core', 'rules', 'sources', 'native-es', 'ruletools', 'cli'] as const;
const READMES = ['README.md', ...PACKAGES.map((p) => `packages/${p}/README.md`)];
const FRAGMENT = '<!-- example: fragment -->';

interface Block {
  readme: string;
  line: number; // 1-based line of the opening fence
  lang: string;
  code: string;
  fragment: boolean;
}

function extractBlocks(readme: string, text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|js|javascript|mjs)\s*$/.exec(lines[i]);
    if (!open) {
      if (/^```/.test(lines[i])) {
        // Skip over any other fenced block so its closing fence is not taken for an opening one.
        for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++);
      }
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    let prev = start - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    out.push({
      readme,
      line: start + 1,
      lang: open[1],
      code: body.join('\n'),
      fragment: prev >= 0 && lines[prev].trim() === FRAGMENT,
    });
  }
  return out;
}

const distOf = (pkg: string) => path.join(ROOT, 'packages', pkg, 'dist', 'index.js');
const built = PACKAGES.every((p) => existsSync(distOf(p)));

function rewriteImports(code: string): string {
  // import.meta.resolve('@nightjar/x') (a module a worker thread imports) → the built package's URL.
  code = code.replace(/import\.meta\.resolve\(\s*(['"])@nightjar\/([a-z-]+)\1\s*\)/g, (_m, q: string, pkg: string) => {
    if (!(PACKAGES as readonly string[]).includes(pkg))
      throw new Error(`example resolves an unknown package @nightjar/${pkg}`);
    return `${q}${pathToFileURL(distOf(pkg)).href}${q}`;
  });
  return code.replace(
    /(from\s+|import\s*\(\s*)(['"])@nightjar\/([a-z-]+)\2/g,
    (_m, pre: string, q: string, pkg: string) => {
      if (!(PACKAGES as readonly string[]).includes(pkg))
        throw new Error(`example imports an unknown package @nightjar/${pkg}`);
      return `${pre}${q}${pathToFileURL(distOf(pkg)).href}${q}`;
    },
  );
}

function scratchDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nightjar-readme-'));
  const capture = readFileSync(path.join(ROOT, 'fixtures', 'meterpreter-session.jsonl'));
  writeFileSync(path.join(dir, 'capture.jsonl'), capture);
  writeFileSync(path.join(dir, 'capture.jsonl.gz'), gzipSync(capture));
  symlinkSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), 'dir');
  symlinkSync(path.join(ROOT, 'fixtures'), path.join(dir, 'fixtures'), 'dir');
  return dir;
}

const blocks = READMES.filter((r) => existsSync(path.join(ROOT, r))).flatMap((r) =>
  extractBlocks(r, readFileSync(path.join(ROOT, r), 'utf8')),
);
const runnable = blocks.filter((b) => !b.fragment && /from\s+['"]@nightjar\//.test(b.code));
const skipped = blocks.filter((b) => !runnable.includes(b));

describe('README examples', () => {
  it('finds the examples (and says which it does not run)', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(3);
    for (const b of skipped)
      console.info(
        `readme-examples: not run (${b.fragment ? 'marked fragment' : 'imports no @nightjar package'}): ${b.readme}:${b.line}`,
      );
  });

  if (!built) {
    it.skip('runs every README example — SKIPPED: packages/*/dist missing, run `npx tsc -b` first', () => {});
    return;
  }

  for (const b of runnable) {
    it(`${b.readme}:${b.line} runs as written`, () => {
      const dir = scratchDir();
      const file = path.join(dir, `example-${path.basename(path.dirname(path.join(ROOT, b.readme)))}-${b.line}.mjs`);
      writeFileSync(file, rewriteImports(b.code));
      const r = spawnSync(process.execPath, [file], {
        cwd: dir,
        input: '',
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      const why = `${b.readme}:${b.line} exited ${r.status} (signal ${r.signal})\n--- stderr\n${r.stderr.slice(0, 4000)}\n--- stdout\n${r.stdout.slice(0, 2000)}`;
      expect(r.status, why).toBe(0);
      expect(r.stderr, why).not.toMatch(/\b(TypeError|ReferenceError|SyntaxError|RuleLoadError)\b/);
      // Every runnable example scans the capture; the Meterpreter session raises alerts.
      if (/engine\.push/.test(b.code)) expect(r.stdout, why).toMatch(/"rule":\{"id":/);
    });
  }
});
