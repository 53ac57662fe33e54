import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package's `require` entry (cjs/index.cjs): the ES module where Node can require() one, else an
// error that says what to change. Run in a child node with the package linked into node_modules.
const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nj-cjs-'));
mkdirSync(path.join(dir, 'node_modules', '@nightjar'), { recursive: true });
symlinkSync(PKG, path.join(dir, 'node_modules', '@nightjar', 'core'), 'dir');
writeFileSync(
  path.join(dir, 'main.cjs'),
  `try { const m = require('@nightjar/core'); console.log(typeof m.Engine); } catch (e) { console.log(e.code + '\\n' + e.message); }\n`,
);
const node = (flags: string[]) =>
  spawnSync(process.execPath, [...flags, 'main.cjs'], { cwd: dir, encoding: 'utf8' }).stdout;

describe('require() of the ESM-only package (built dist needed)', () => {
  it('where Node can require() ES modules, require returns the package', () => {
    expect(node([])).toBe('function\n');
  });
  it('where it cannot, the error names the package and the fixes', () => {
    const out = node(['--no-experimental-require-module']);
    expect(out).toMatch(/^NJ_ESM_ONLY\n@nightjar\/core is an ES module package \(ESM-only\)/);
    expect(out).toContain('"module" and "moduleResolution" to "node16" or "nodenext"');
    expect(out).toContain("await import('@nightjar/core')");
  });
});
