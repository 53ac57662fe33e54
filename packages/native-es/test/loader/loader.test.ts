import { describe, expect, it, vi } from 'vitest';

describe('native addon loader', () => {
  it('throws a typed error that says how to build the addon when it is missing', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (orig) => ({ ...(await orig<typeof import('node:fs')>()), existsSync: () => false }));
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
    expect((err as Error).message).toMatch(/linux backend needs .* native addon, but it was not built/);
    expect((err as Error).message).toMatch(/run build:native/);
    expect((err as Error).message).toMatch(/replay and eslogger sources work without it/);
    vi.doUnmock('node:fs');
  });

  it('importing the package loads no addon: it exports the loader and nothing that opens a source', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (orig) => ({ ...(await orig<typeof import('node:fs')>()), existsSync: () => false }));
    const mod = await import('../../src/index.js');
    expect(Object.keys(mod).sort()).toEqual([
      'ADDON_UNAVAILABLE',
      'AddonUnavailableError',
      'addonAvailable',
      'addonPath',
      'loadAddon',
    ]);
    vi.doUnmock('node:fs');
  });
});
