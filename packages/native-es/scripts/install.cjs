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
const root = path.join(__dirname, '..');
const fs = require('node:fs');
const sourceCheckout = fs.existsSync(path.join(root, 'native', 'testing', 'binding.gyp'));
// The package ships prebuilt binaries (prebuilds/<platform>-<arch>/, made by prebuildify): when one
// matches and loads, there is nothing to build and no compiler is needed.
if (!sourceCheckout) {
  try {
    require(require('node-gyp-build').path(root));
    process.exit(0);
  } catch {
    /* no matching binary: build from source below */
  }
}
const ONE_LINE =
  `@nightjar/native-es: no prebuilt binary for ${process.platform}-${process.arch} and the native build failed, so the ` +
  'linux and es backends are unavailable (replay and eslogger work); to build it: `npm rebuild @nightjar/native-es` ' +
  'with python3, make and a C++17 compiler installed';
// Our devDependency in the workspace; npm's bundled node-gyp (npm_config_node_gyp) for consumers.
let gyp = process.env.npm_config_node_gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {}
if (!gyp) {
  console.warn(ONE_LINE);
  process.exit(0);
}
const jobs = process.env.JOBS || '2';
const args = [gyp, 'rebuild', '-j', jobs];
// Use the headers installed with this node (distro packages, official tarballs) rather than
// downloading them from nodejs.org: the install must work with no network beyond the registry.
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) {
  args.push(`--nodedir=${prefix}`);
}
// The compiler's own output is kept out of a consumer's install (it is noise there); a source
// checkout shows it.
const built = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', sourceCheckout ? 'inherit' : 'ignore', sourceCheckout ? 'inherit' : 'ignore'],
});
if (built.status !== 0) console.warn(ONE_LINE);
// In a source checkout only (native/testing/ is not in the package): the test addon, with the
// test doubles, as a separate build that never lands in the shipped one.
const testing = path.join(root, 'native', 'testing');
if (built.status === 0 && fs.existsSync(path.join(testing, 'binding.gyp'))) {
  const t = spawnSync(process.execPath, args, { cwd: testing, stdio: ['ignore', 'inherit', 'inherit'] });
  if (t.status !== 0)
    console.warn('\n@nightjar/native-es: WARNING: the test addon (native/testing) did not build (see above).\n');
}
process.exit(0);
