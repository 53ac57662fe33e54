import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('../../', import.meta.url));
const script = join(pkg, 'scripts/validators.mjs');

describe('ahead-of-time schema validators', () => {
  it('src/schema/validators.generated.ts is what the shipped schemas compile to', () => {
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the check fails when a schema changed and the file was not written again', () => {
    // A copy of the package's script, schemas and generated file, with one schema edited.
    const dir = mkdtempSync(join(tmpdir(), 'nj-validators-'));
    try {
      for (const part of ['scripts', 'schema', 'src/schema'])
        cpSync(join(pkg, part), join(dir, part), { recursive: true });
      const file = join(dir, 'schema/sigma-filter.schema.json');
      const schema = JSON.parse(readFileSync(file, 'utf8')) as { description?: string };
      schema.description = `${schema.description ?? ''} (edited)`;
      writeFileSync(file, JSON.stringify(schema));
      const r = spawnSync(process.execPath, [join(dir, 'scripts/validators.mjs'), '--check'], {
        encoding: 'utf8',
        // The copy has no node_modules: resolve ajv from the package's own.
        env: { ...process.env, NODE_PATH: join(pkg, 'node_modules') },
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/validators\.generated\.ts is not current/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
