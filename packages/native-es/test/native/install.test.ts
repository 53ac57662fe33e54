import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../../', import.meta.url));

describe('install script', () => {
  it('never fails the install: without a working compiler it warns, exits 0 and says how to build later', () => {
    // A copy of the package, so the real build is not touched.
    const dir = mkdtempSync(join(tmpdir(), 'nj-install-'));
    try {
      for (const p of ['binding.gyp', 'native', 'scripts', 'package.json'])
        cpSync(join(PKG, p), join(dir, p), { recursive: true });
      symlinkSync(join(PKG, 'node_modules'), join(dir, 'node_modules'));
      const r = spawnSync(process.execPath, [join(dir, 'scripts/install.cjs')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CXX: '/nonexistent/c++', CC: '/nonexistent/cc' },
      });
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/no prebuilt binary for \w+-\w+ and the native build failed/);
      expect(r.stderr).toMatch(/`npm rebuild @nightjar\/native-es`/);
      expect(existsSync(join(dir, 'build/Release/nightjar_es.node'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(join(PKG, 'build/Release/nightjar_es.node')))(
    'an installed package with a prebuilt binary for this platform needs no compiler: the install builds nothing and prints nothing, the loader finds the prebuild',
    async () => {
      // The package as npm installs it (no native/testing/), with the prebuildify layout.
      const dir = mkdtempSync(join(tmpdir(), 'nj-prebuilt-'));
      try {
        for (const p of ['binding.gyp', 'native/src', 'scripts', 'package.json'])
          cpSync(join(PKG, p), join(dir, p), { recursive: true });
        symlinkSync(join(PKG, 'node_modules'), join(dir, 'node_modules'));
        const pre = join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
        mkdirSync(pre, { recursive: true });
        cpSync(join(PKG, 'build/Release/nightjar_es.node'), join(pre, 'node.napi.node'));
        const r = spawnSync(process.execPath, [join(dir, 'scripts/install.cjs')], {
          cwd: dir,
          encoding: 'utf8',
          // No compiler anywhere: a build attempt would fail.
          env: { ...process.env, PATH: '/nonexistent', CXX: '/nonexistent/c++', CC: '/nonexistent/cc' },
        });
        expect(r.status).toBe(0);
        expect(r.stderr).toBe('');
        expect(existsSync(join(dir, 'build'))).toBe(false);
        const { addonPath } = await import('../../src/native.js');
        expect(addonPath(dir)).toBe(join(pre, 'node.napi.node'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('NIGHTJAR_SKIP_NATIVE=1 skips the build', () => {
    const r = spawnSync(process.execPath, [join(PKG, 'scripts/install.cjs')], {
      encoding: 'utf8',
      env: { ...process.env, NIGHTJAR_SKIP_NATIVE: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/not built/);
  });
});
