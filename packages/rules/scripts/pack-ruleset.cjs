#!/usr/bin/env node
// Copies the repository's rules/ into the package (ruleset/) before `npm pack`, with the fixture traces
// their tests name (`fixture: ../../fixtures/x.jsonl`) into fixtures/, so that the published ruleset's
// own tests run from the installed package: ruleset/<tactic>/rule.yml → ../../fixtures is <pkg>/fixtures.
// Usage: node scripts/pack-ruleset.cjs [outDir] (default: the package folder); --clean removes both.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const repo = path.resolve(pkg, '../..');
const args = process.argv.slice(2);
const out = path.resolve(args.find((a) => !a.startsWith('--')) ?? pkg);
for (const d of ['ruleset', 'fixtures']) fs.rmSync(path.join(out, d), { recursive: true, force: true });
if (args.includes('--clean')) process.exit(0);

fs.cpSync(path.join(repo, 'rules'), path.join(out, 'ruleset'), { recursive: true });
const wanted = new Set();
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e.name)) {
      for (const m of fs.readFileSync(p, 'utf8').matchAll(/^\s*fixture:\s*['"]?([^'"\s#]+)/gm)) {
        const target = path.resolve(path.dirname(p), m[1]);
        const rel = path.relative(path.join(repo, 'fixtures'), target);
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${p}: fixture ${m[1]} is outside fixtures/`);
        wanted.add(rel);
      }
    }
  }
};
walk(path.join(repo, 'rules'));
for (const rel of wanted) {
  const dest = path.join(out, 'fixtures', rel);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(repo, 'fixtures', rel), dest);
}
process.stdout.write(`ruleset copied with ${wanted.size} fixture trace(s)\n`);
