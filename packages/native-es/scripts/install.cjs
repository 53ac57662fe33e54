#!/usr/bin/env node
// Install step: build the native addon, but never fail the install. Without a toolchain the
// package still works (replay, eslogger); using a native backend then throws a typed error that
// says how to build it. NIGHTJAR_SKIP_NATIVE=1 skips the build.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

if (process.env.NIGHTJAR_SKIP_NATIVE === '1') {
  console.warn('@nightjar/native-es: NIGHTJAR_SKIP_NATIVE=1, native addon not built');
  process.exit(0);
}
// Our devDependency in the workspace; npm's bundled node-gyp (npm_config_node_gyp) for consumers.
let gyp = process.env.npm_config_node_gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {}
if (!gyp) {
  console.warn(
    '@nightjar/native-es: node-gyp not found; native addon not built (replay and eslogger sources still work)',
  );
  process.exit(0);
}
const jobs = process.env.JOBS || '2';
const args = [gyp, 'rebuild', '-j', jobs];
// Use the headers installed with this node (distro packages, official tarballs) rather than
// downloading them from nodejs.org: the install must work with no network beyond the registry.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const fs = require('node:fs');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
const root = path.join(__dirname, '..');
const built = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (built.status !== 0) {
  console.warn(
    '\n@nightjar/native-es: WARNING: the native addon did not build (see above). Everything but the native ' +
      'backends (linux, es) works. To build it later: npx -y pnpm@10 --filter @nightjar/native-es run build:native ' +
      '(needs python3, make and a C++17 compiler).\n',
  );
}
// In a source checkout only (native/testing/ is not in the package): the test addon, with the
// test doubles, as a separate build that never lands in the shipped one.
const testing = path.join(root, 'native', 'testing');
if (built.status === 0 && fs.existsSync(path.join(testing, 'binding.gyp'))) {
  const t = spawnSync(process.execPath, args, { cwd: testing, stdio: ['ignore', 'inherit', 'inherit'] });
  if (t.status !== 0)
    console.warn('\n@nightjar/native-es: WARNING: the test addon (native/testing) did not build (see above).\n');
}
process.exit(0);
