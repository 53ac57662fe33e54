import { describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('native addon loader', () => {
  it('throws a typed error, one line with the command that works in a user project, when no binary is there', async () => {
    vi.resetModules();
    vi.doMock('node-gyp-build', () => ({
      default: Object.assign(() => undefined, {
        path: () => {
          throw new Error('No native build was found');
        },
      }),
    }));
    const { loadAddon, addonAvailable, addonPath, AddonUnavailableError, ADDON_UNAVAILABLE } =
      await import('../../src/index.js');
    expect(addonAvailable()).toBe(false);
    expect(addonPath()).toBeUndefined();
    let err: unknown;
    try {
      loadAddon('linux');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AddonUnavailableError);
    expect((err as { code: string }).code).toBe(ADDON_UNAVAILABLE);
    expect((err as { backend: string }).backend).toBe('linux');
    const msg = (err as Error).message;
    expect(msg).toMatch(
      /linux backend needs .* native addon, but no prebuilt binary matches \w+-\w+ and none was built/,
    );
    expect(msg).toMatch(/run `npm rebuild @nightjar\/native-es`/);
    expect(msg).toMatch(/replay and eslogger sources work without it/);
    expect(msg).not.toMatch(/\n|pnpm/);
    vi.doUnmock('node-gyp-build');
  });

  it('resolves a local build first, else the prebuilt binary for this platform (prebuildify layout)', async () => {
    vi.resetModules();
    const { addonPath } = await import('../../src/native.js');
    const root = mkdtempSync(join(tmpdir(), 'nj-prebuild-'));
    try {
      expect(addonPath(root)).toBeUndefined();
      const pre = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
      mkdirSync(pre, { recursive: true });
      writeFileSync(join(pre, 'node.napi.node'), '');
      expect(addonPath(root)).toBe(join(pre, 'node.napi.node'));
      mkdirSync(join(root, 'build', 'Release'), { recursive: true });
      writeFileSync(join(root, 'build', 'Release', 'nightjar_es.node'), '');
      expect(addonPath(root)).toBe(join(root, 'build', 'Release', 'nightjar_es.node'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('importing the package loads no addon: it exports the loader and nothing that opens a source', async () => {
    vi.resetModules();
    vi.doMock('node-gyp-build', () => ({
      default: Object.assign(() => undefined, {
        path: () => {
          throw new Error('No native build was found');
        },
      }),
    }));
    const mod = await import('../../src/index.js');
    expect(Object.keys(mod).sort()).toEqual([
      'ADDON_UNAVAILABLE',
      'AddonUnavailableError',
      'addonAvailable',
      'addonPath',
      'loadAddon',
    ]);
    vi.doUnmock('node-gyp-build');
  });
});
