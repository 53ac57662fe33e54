import { describe, expect, it, vi } from 'vitest';

describe('native addon loader', () => {
  it('throws a typed error that says how to build the addon when it is missing', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (orig) => ({ ...(await orig<typeof import('node:fs')>()), existsSync: () => false }));
    const { loadAddon, addonAvailable } = await import('../../src/native.js');
    const { BackendUnavailableError, SOURCE_ERROR_CODES } = await import('../../src/errors.js');
    expect(addonAvailable()).toBe(false);
    let err: unknown;
    try {
      loadAddon('linux');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as { code: string }).code).toBe(SOURCE_ERROR_CODES.backendUnavailable);
    expect((err as Error).message).toMatch(/linux backend needs .* native addon, but it was not built/);
    expect((err as Error).message).toMatch(/run build:native/);
    expect((err as Error).message).toMatch(/replay and eslogger sources work without it/);
    vi.doUnmock('node:fs');
  });

  it('the package imports without touching the addon', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (orig) => ({ ...(await orig<typeof import('node:fs')>()), existsSync: () => false }));
    const mod = await import('../../src/index.js');
    expect(typeof mod.openReplay).toBe('function');
    expect(() => mod.openLiveSource({ backend: 'es', eventTypes: ['exec'] })).toThrow(/es|macOS/);
    if (process.platform === 'linux') expect(() => mod.openLinux({ eventTypes: ['exec'] })).toThrow(/run build:native/);
    vi.doUnmock('node:fs');
  });
});
