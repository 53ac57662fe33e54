#!/usr/bin/env node
// The metadata every workspace package.json carries, kept in one place.
//   node scripts/package-metadata.mjs          check: exit 1 and list every difference (run in CI)
//   node scripts/package-metadata.mjs --write  apply: rewrite the package.json files to match
// After adding a package: give it a description below, run --write, then `npx -y pnpm@10 install`.
//
// What it keeps true:
// - version: every package has the root package.json's version (the one place to bump it);
// - license, description, repository (with directory), homepage, bugs, engines;
// - sideEffects: false, except the files listed in SIDE_EFFECTS (a bin entry point runs on import);
// - files: no *.tsbuildinfo (tsc -b writes dist/.tsbuildinfo beside the output) and no test files;
// - every third-party dependency listed in pnpm-workspace.yaml's catalog is written "catalog:",
//   so its version is spelled once for the whole workspace.
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO = 'https://github.com/nightjar-security/nightjar';

/** One line each; a package missing here is an error, so a new package cannot ship without one. */
const DESCRIPTIONS = {
  '@nightjar/core':
    'The event model and detection engine runtime of Nightjar, a Sigma engine for macOS Endpoint Security events. No I/O.',
  '@nightjar/rules':
    'Sigma YAML in, a compiled Nightjar rule set out: loader, JSON Schemas, detection compiler, field mappings and the bundled rules.',
  '@nightjar/ruletools':
    'The Nightjar rule linter and rule tester: check Sigma rules and run their test cases in CI or an editor.',
  '@nightjar/sources':
    'Where Nightjar events come from: file replay, eslogger, line splitting, bounded queues and one live-source loop. Pure TypeScript.',
  '@nightjar/fleet':
    'Fleet mode of Nightjar on NATS JetStream: agents ship Endpoint Security events, partitioned workers detect per host and store each alert once.',
  '@nightjar/native-es':
    'The native Endpoint Security client addon of Nightjar (macOS), with a Linux backend for tests.',
  '@nightjar/cli':
    'nightjar: scan recorded macOS Endpoint Security events with Sigma rules, watch live, test and lint rules.',
  '@nightjar/fixturegen': "Deterministic generator of eslogger-shaped event traces for Nightjar's fixtures.",
  '@nightjar/bench': "pnpm bench: Nightjar's benchmark harness with same-process baselines.",
  '@nightjar/fuzz': "pnpm fuzz and pnpm soak: Nightjar's property-based fuzzing and memory-soak harnesses.",
};

/** Entry-point scripts that run when imported; every other module of every package is side-effect free. */
const SIDE_EFFECTS = {
  '@nightjar/cli': ['./dist/bin.js'],
  '@nightjar/fixturegen': ['./dist/cli.js'],
  '@nightjar/bench': ['./dist/run.js', './dist/rss.js'],
  '@nightjar/fuzz': ['./dist/run.js', './dist/soak.js'],
};

/** Appended to every `files` whitelist: tsc -b writes its build info inside dist/. */
const FILES_EXCLUDED = ['!dist/**/*.tsbuildinfo', '!dist/**/.tsbuildinfo'];

function workspaceDirs() {
  const dirs = [];
  for (const parent of ['packages', 'tools']) {
    for (const name of readdirSync(join(ROOT, parent)).sort()) {
      if (existsSync(join(ROOT, parent, name, 'package.json'))) dirs.push(join(parent, name));
    }
  }
  for (const top of ['bench', 'fuzz']) if (existsSync(join(ROOT, top, 'package.json'))) dirs.push(top);
  return dirs;
}

/** The catalog block of pnpm-workspace.yaml: `catalog:` then `  name: range` lines (no YAML parser at the root). */
function catalogNames() {
  const text = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const names = new Set();
  let inCatalog = false;
  for (const line of text.split('\n')) {
    if (/^catalog:\s*$/.test(line)) {
      inCatalog = true;
      continue;
    }
    if (inCatalog && /^\S/.test(line)) inCatalog = false;
    const m = inCatalog && /^\s+"?([^":#\s]+)"?\s*:/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

/** Insert `key` after `after` (or at the end) keeping the other keys' order, so diffs stay small. */
function setAfter(obj, after, key, value) {
  if (key in obj) {
    obj[key] = value;
    return obj;
  }
  const out = {};
  let placed = false;
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) {
      out[key] = value;
      placed = true;
    }
  }
  if (!placed) out[key] = value;
  return out;
}

function expected(pkg, dir, rootVersion, catalog) {
  let p = structuredClone(pkg);
  const description = DESCRIPTIONS[p.name];
  if (!description)
    throw new Error(`${dir}/package.json: no description for ${p.name} in scripts/package-metadata.mjs`);
  p = setAfter(p, 'name', 'version', rootVersion);
  p = setAfter(p, 'version', 'description', description);
  p = setAfter(p, 'type', 'license', 'Apache-2.0');
  p = setAfter(p, 'license', 'repository', { type: 'git', url: `git+${REPO}.git`, directory: dir });
  p = setAfter(p, 'repository', 'homepage', `${REPO}/tree/main/${dir}#readme`);
  p = setAfter(p, 'homepage', 'bugs', { url: `${REPO}/issues` });
  p = setAfter(p, 'bugs', 'engines', { node: '>=20.19' });
  p = setAfter(p, 'engines', 'sideEffects', SIDE_EFFECTS[p.name] ?? false);
  // A published package without a whitelist would ship its tests: start it at the usual one.
  if (!p.private && !Array.isArray(p.files)) p.files = ['dist', 'README.md'];
  if (Array.isArray(p.files)) {
    const kept = p.files.filter((f) => !FILES_EXCLUDED.includes(f) && !/(^|\/)(test|tests|__tests__)(\/|$)/.test(f));
    p.files = [...kept, ...FILES_EXCLUDED];
  }
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(p[field] ?? {})) {
      if (catalog.has(name)) p[field][name] = 'catalog:';
    }
  }
  return p;
}

const write = process.argv.includes('--write');
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const catalog = catalogNames();
const problems = [];
for (const dir of workspaceDirs()) {
  const file = join(ROOT, dir, 'package.json');
  const text = readFileSync(file, 'utf8');
  const want = expected(JSON.parse(text), dir, rootPkg.version, catalog);
  const wantText = `${JSON.stringify(want, null, 2)}\n`;
  if (wantText === text) continue;
  if (write) {
    writeFileSync(file, wantText);
    console.log(`wrote ${relative(ROOT, file)}`);
  } else {
    const before = problems.length;
    const have = JSON.parse(text);
    for (const key of new Set([...Object.keys(want), ...Object.keys(have)])) {
      if (JSON.stringify(want[key]) !== JSON.stringify(have[key])) {
        problems.push(`${relative(ROOT, file)}: "${key}" should be ${JSON.stringify(want[key])}`);
      }
    }
    if (problems.length === before)
      problems.push(`${relative(ROOT, file)}: key order or formatting (run with --write)`);
  }
}
let rootChanged = false;
for (const dep of ['dependencies', 'devDependencies']) {
  for (const name of Object.keys(rootPkg[dep] ?? {})) {
    if (!catalog.has(name) || rootPkg[dep][name] === 'catalog:') continue;
    if (write) {
      rootPkg[dep][name] = 'catalog:';
      rootChanged = true;
    } else {
      problems.push(`package.json: ${dep}.${name} should be "catalog:"`);
    }
  }
}
if (rootChanged) {
  writeFileSync(join(ROOT, 'package.json'), `${JSON.stringify(rootPkg, null, 2)}\n`);
  console.log('wrote package.json');
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} package metadata problem(s); fix with: node scripts/package-metadata.mjs --write`,
  );
  process.exit(1);
}
if (!write) console.log('package metadata: every workspace package matches');
