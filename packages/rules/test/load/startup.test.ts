import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What loading rules pulls in, seen from a fresh process running the built package: the schema
// validators are compiled ahead of time and the yaml library is loaded only when the fast YAML path
// steps aside, so a plain rule file loads neither yaml nor ajv's compiler (~190 ms per process).
const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const PLAIN = `title: Plain
id: 1b5c1e0e-0d5e-4a51-9d36-0c6f2a0f3a11
logsource: { product: macos, category: process_creation }
detection:
  sel:
    Image|endswith: /curl
  condition: sel
`;

function loadIn(text: string): { modules: string[]; rules: number; error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nj-startup-'));
  try {
    const file = join(dir, 'r.yml');
    writeFileSync(file, text);
    const script = `
      import { createRequire } from 'node:module';
      const m = await import(${JSON.stringify(dist)});
      let rules = 0, error = '';
      try {
        rules = (await m.loadRules([${JSON.stringify(file)}])).rules.length;
      } catch (err) {
        error = err.message;
      }
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .filter((k) => /node_modules[\\\\/](yaml[\\\\/]|ajv[\\\\/]dist[\\\\/](ajv|core|compile))/.test(k));
      console.log(JSON.stringify({ modules: loaded, rules, error }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { modules: string[]; rules: number; error: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('what loading rules loads', () => {
  it('a plain rule file: neither the yaml library nor ajv compiler', () => {
    const r = loadIn(PLAIN);
    expect(r).toEqual({ modules: [], rules: 1, error: '' });
  });

  it('a diagnostic to place loads yaml on demand, and is placed', () => {
    // An unknown detection modifier: its position comes from yaml reading the document.
    const r = loadIn(PLAIN.replace('Image|endswith', 'Image|endswiht'));
    expect(r.rules).toBe(0);
    expect(r.error).toMatch(/r\.yml:6:5: unknown modifier 'endswiht'/);
    expect(r.modules.some((m) => /node_modules[\\/]yaml[\\/]/.test(m))).toBe(true);
  });
});
