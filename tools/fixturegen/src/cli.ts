#!/usr/bin/env node
/**
 * Regenerates every committed trace and its expected-alerts sidecar:
 *   node tools/fixturegen/dist/cli.js [--out fixtures] [--rules rules] [--check] [name…]
 * --check writes nothing and exits 1 when a committed file differs from what the scenarios produce.
 * Also rewrites the generated table in rules/README.md (between the BEGIN/END RULE TABLE markers).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expectedFor, indexRules, renderScenario } from './render.js';
import { rulesTable } from './ruletable.js';
import { SCENARIOS } from './scenarios/index.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const args = process.argv.slice(2);
let out = join(root, 'fixtures');
let rulesDir = join(root, 'rules');
let check = false;
const only: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--out') out = resolve(args[++i] ?? '');
  else if (a === '--rules') rulesDir = resolve(args[++i] ?? '');
  else if (a === '--check') check = true;
  else if (a === '--help' || a === '-h') {
    process.stdout.write('usage: fixturegen [--out dir] [--rules dir] [--check] [scenario…]\n');
    process.exit(0);
  } else if (a.startsWith('-')) {
    process.stderr.write(`fixturegen: unknown option ${a}\n`);
    process.exit(2);
  } else only.push(a);
}
const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length) {
  process.stderr.write(`fixturegen: unknown scenario(s): ${unknown.join(', ')}\n`);
  process.exit(2);
}

const rules = indexRules(rulesDir);
let stale = 0;
for (const s of SCENARIOS) {
  if (only.length && !only.includes(s.name)) continue;
  const text = renderScenario(s);
  const tracePath = join(out, `${s.name}.jsonl${s.gzip ? '.gz' : ''}`);
  const expectedPath = join(out, `${s.name}.expected.json`);
  const expected = JSON.stringify(expectedFor(s, rules), null, 2) + '\n';
  const lines = text.length ? text.split('\n').length - 1 : 0;
  if (check) {
    const cur = existsSync(tracePath) ? readFileSync(tracePath) : undefined;
    const curText = cur === undefined ? undefined : (s.gzip ? gunzipSync(cur) : cur).toString('utf8');
    const curExp = existsSync(expectedPath) ? readFileSync(expectedPath, 'utf8') : undefined;
    const ok = curText === text && curExp === expected;
    if (!ok) stale++;
    process.stderr.write(`${ok ? 'ok     ' : 'STALE  '} ${s.name} (${lines} events)\n`);
    continue;
  }
  // mtime 0 and no name in the header keep the gzip bytes stable for a given zlib.
  writeFileSync(tracePath, s.gzip ? gzipSync(text, { level: 9 }) : text);
  writeFileSync(expectedPath, expected);
  process.stderr.write(`wrote ${tracePath} (${lines} events)\n`);
}
const readme = join(rulesDir, 'README.md');
if (existsSync(readme)) {
  const cur = readFileSync(readme, 'utf8');
  const m = /(<!-- BEGIN RULE TABLE[^>]*-->\n)[\s\S]*?(<!-- END RULE TABLE -->)/.exec(cur);
  if (m) {
    const next = cur.replace(m[0], `${m[1]}${rulesTable(rulesDir, SCENARIOS)}${m[2]}`);
    if (check) {
      if (next !== cur) stale++;
      process.stderr.write(`${next === cur ? 'ok     ' : 'STALE  '} rules/README.md table\n`);
    } else if (next !== cur) writeFileSync(readme, next);
  }
}
process.exit(stale ? 1 : 0);
