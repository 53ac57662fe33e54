#!/usr/bin/env node
/**
 * Regenerates the atomics fixtures and the coverage table:
 *   node tools/fixturegen/dist/atomics/cli.js [--corpus atomics.jsonl] [--sigma <SigmaHQ rules/macos>] [--check]
 * --corpus renders every procedure of the Atomic Red Team corpus into fixtures/atomics/ (trace and
 * expected alerts); --sigma refreshes fixtures/atomics/sigmahq-macos.json (SigmaHQ's macOS rules by
 * technique, and what they raise on each trace, through `nightjar scan`); rules/COVERAGE.md is
 * always rewritten from the checked-in fixtures. --check writes nothing and exits 1 when a file is stale.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { indexRules } from '../render.js';
import { atomicSlug } from './atomic.js';
import { coverageMarkdown } from './coverage.js';
import { readCorpus, readExpected, renderAtomicFiles, type SigmaData, type SigmaRef } from './fixtures.js';

const root = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const args = process.argv.slice(2);
let out = join(root, 'fixtures', 'atomics');
let rulesDir = join(root, 'rules');
let corpus: string | undefined;
let sigmaDir: string | undefined;
let check = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = (): string => {
    const v = args[++i];
    if (v === undefined) {
      process.stderr.write(`atomics: ${a} needs a value\n`);
      process.exit(2);
    }
    return resolve(v);
  };
  if (a === '--corpus') corpus = value();
  else if (a === '--sigma') sigmaDir = value();
  else if (a === '--out') out = value();
  else if (a === '--rules') rulesDir = value();
  else if (a === '--check') check = true;
  else if (a === '--help' || a === '-h') {
    process.stdout.write(
      'usage: atomics [--corpus atomics.jsonl] [--sigma <SigmaHQ rules/macos dir>] [--out dir] [--rules dir] [--check]\n',
    );
    process.exit(0);
  } else {
    process.stderr.write(`atomics: unknown argument ${a}\n`);
    process.exit(2);
  }
}

let stale = 0;
function put(path: string, text: string): void {
  const cur = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (cur === text) return;
  if (check) {
    stale++;
    process.stderr.write(`STALE  ${relative(root, path)}\n`);
  } else {
    writeFileSync(path, text);
    process.stderr.write(`wrote  ${relative(root, path)}\n`);
  }
}

if (!check) mkdirSync(out, { recursive: true });
const rules = indexRules(rulesDir);

if (corpus) {
  if (!existsSync(corpus)) {
    process.stderr.write(`atomics: corpus not found: ${corpus}\n`);
    process.exit(2);
  }
  const atomics = readCorpus(corpus);
  const wanted = new Set<string>();
  for (const a of atomics) {
    const slug = atomicSlug(a);
    wanted.add(`${slug}.jsonl`).add(`${slug}.expected.json`);
    const files = renderAtomicFiles(a, rules);
    put(join(out, `${slug}.jsonl`), files.trace);
    put(join(out, `${slug}.expected.json`), files.expected);
  }
  for (const f of existsSync(out) ? readdirSync(out) : []) {
    if (!/\.(jsonl|expected\.json)$/.test(f) || wanted.has(f)) continue;
    if (check) {
      stale++;
      process.stderr.write(`EXTRA  ${relative(root, join(out, f))} (not in the corpus)\n`);
    } else unlinkSync(join(out, f));
  }
  process.stderr.write(`${atomics.length} atomics\n`);
}

const sigmaPath = join(out, 'sigmahq-macos.json');
if (sigmaDir) {
  const bin = join(root, 'packages/cli/dist/bin.js');
  if (!existsSync(bin)) {
    process.stderr.write('atomics: --sigma scans with the built CLI: run npx tsc -b first\n');
    process.exit(2);
  }
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.ya?ml$/.test(e.name) ? [join(d, e.name)] : []));
  const byTechnique: Record<string, SigmaRef[]> = {};
  for (const file of walk(sigmaDir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const o = doc.toJS() as { id?: string; title?: string; level?: string; tags?: string[] } | null;
      if (!o?.id || !o.title) continue;
      for (const tag of o.tags ?? []) {
        const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag);
        if (!m) continue;
        const t = m[1]!.toUpperCase();
        (byTechnique[t] ??= []).push({
          id: o.id,
          title: o.title,
          level: o.level ?? '',
          file: relative(sigmaDir, file),
        });
      }
    }
  }
  const alertsByTrace: Record<string, Record<string, number>> = {};
  for (const f of readdirSync(out)
    .filter((x) => x.endsWith('.jsonl'))
    .sort()) {
    const r = spawnSync(
      process.execPath,
      [bin, 'scan', join(out, f), '--rules', sigmaDir, '--format', 'json', '--quiet'],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (r.status !== 0 && r.status !== 1) {
      process.stderr.write(`atomics: nightjar scan failed on ${f}: ${r.stderr}\n`);
      process.exit(2);
    }
    const counts: Record<string, number> = {};
    for (const al of JSON.parse(r.stdout || '[]') as Array<{ rule: { title: string } }>)
      counts[al.rule.title] = (counts[al.rule.title] ?? 0) + 1;
    alertsByTrace[f.replace(/\.jsonl$/, '')] = Object.fromEntries(
      Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  const data: SigmaData = {
    source: 'SigmaHQ rules/macos (Detection Rule License 1.1), tagged techniques and alerts on each trace',
    byTechnique,
    alertsByTrace,
  };
  put(sigmaPath, JSON.stringify(data, null, 2) + '\n');
}

const sigma = existsSync(sigmaPath) ? (JSON.parse(readFileSync(sigmaPath, 'utf8')) as SigmaData) : undefined;
put(join(rulesDir, 'COVERAGE.md'), coverageMarkdown(readExpected(out), sigma));
process.exit(stale ? 1 : 0);
