import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CORE_DIAGNOSTIC_CODES,
  CORE_ERROR_CODES,
  CORRELATION_ERROR_CODES,
  DECODE_ERROR_CODES,
  type CoreCode,
} from '@nightjar/core';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('the NJ_ codes core emits', () => {
  it('every code written in core/src is in the exported lists, and every listed code is used', () => {
    const used = new Set<string>();
    for (const f of sources(SRC)) {
      if (path.basename(f) === 'codes.ts') continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/'(NJ_[A-Z0-9_]+)'/g)) used.add(m[1]);
    }
    const listed = new Set<string>([...CORE_DIAGNOSTIC_CODES, ...CORE_ERROR_CODES]);
    expect([...used].sort()).toEqual([...listed].sort());
  });

  it('the error-code tables are members of the union', () => {
    const codes: CoreCode[] = [...Object.values(CORRELATION_ERROR_CODES), ...Object.values(DECODE_ERROR_CODES)];
    for (const c of codes) expect(CORE_ERROR_CODES).toContain(c);
  });
});
