import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError, SOURCE_ERROR_CODES } from '@nightjar/sources';
import { loadNativeAddon } from '../../src/live/addon.js';

const notInstalled = (id: string): never => {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('the native addon, seen from @nightjar/sources', () => {
  it('without @nightjar/native-es installed: a typed error that says what to install', () => {
    let err: unknown;
    try {
      loadNativeAddon('linux', notInstalled);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).code).toBe(SOURCE_ERROR_CODES.backendUnavailable);
    expect((err as Error).message).toMatch(
      /linux backend needs the optional package @nightjar\/native-es, which is not installed/,
    );
    expect((err as Error).message).toMatch(/npm install @nightjar\/native-es/);
    expect((err as Error).message).toMatch(/replay and eslogger sources work without it/);
  });

  it('with the package but no built addon: its loader error becomes a BackendUnavailableError saying how to build it', async () => {
    const native = await import('@nightjar/native-es');
    const fake = {
      ...native,
      loadAddon: (b: string) => {
        throw new native.AddonUnavailableError(
          b,
          `the ${b} backend needs @nightjar/native-es's native addon, but it was not built. Build it with run build:native`,
        );
      },
    };
    let err: unknown;
    try {
      loadNativeAddon('es', () => fake);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/es backend needs .* native addon, but it was not built/);
    expect((err as Error).cause).toBeInstanceOf(native.AddonUnavailableError);
  });

  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  it.skipIf(!existsSync(dist))(
    `importing the built package loads no addon: replay works in a process where the addon cannot load${existsSync(dist) ? '' : ' (skipped: not built, run npx tsc -b)'}`,
    () => {
      // A child whose require of any .node file fails: @nightjar/sources must import and replay anyway.
      const script = `
      const Module = require('node:module');
      const orig = Module._extensions['.node'];
      Module._extensions['.node'] = () => { throw new Error('no addon here'); };
      import(${JSON.stringify(dist)}).then(async (s) => {
        const { Readable } = require('node:stream');
        const src = s.openReplay(['-'], { stdin: Readable.from([Buffer.from('{"x":1}\\n')]) });
        let errors = 0;
        for await (const b of src) errors += b.errors.length;
        let linux;
        try { s.openLinux({ eventTypes: ['exec'] }); } catch (e) { linux = e.code; }
        console.log(JSON.stringify({ errors, linux, available: s.addonAvailable() }));
      });`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout.trim()) as { errors: number; linux: string; available: boolean };
      expect(out.errors).toBe(1);
      expect(out.available).toBe(false);
      if (process.platform === 'linux') expect(out.linux).toBe(SOURCE_ERROR_CODES.backendUnavailable);
    },
  );
});
