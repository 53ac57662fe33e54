import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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
      expect(r.stderr).toMatch(/WARNING: the native addon did not build/);
      expect(r.stderr).toMatch(/run build:native/);
      expect(existsSync(join(dir, 'build/Release/nightjar_es.node'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NIGHTJAR_SKIP_NATIVE=1 skips the build', () => {
    const r = spawnSync(process.execPath, [join(PKG, 'scripts/install.cjs')], {
      encoding: 'utf8',
      env: { ...process.env, NIGHTJAR_SKIP_NATIVE: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/not built/);
  });
});
