import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { addonAvailable, addonPath } from '../../src/native.js';
import { loadTestingAddon, testingAddonAvailable } from './testing-addon.js';

const PKG = fileURLToPath(new URL('../../', import.meta.url));
// Every entry point of the test doubles (native/testing/): none may be in the shipped addon.
const TEST_ONLY_EXPORTS = ['translateSynthetic', 'EsFakeBackend'];

describe.skipIf(!addonAvailable() || !testingAddonAvailable())(
  `shipped addon vs test addon${addonAvailable() && testingAddonAvailable() ? '' : ' (skipped: an addon is not built)'}`,
  () => {
    it('the shipped addon exports the platform backend and no test double; the test addon has them', () => {
      const shipped = createRequire(import.meta.url)(addonPath()!) as Record<string, unknown>;
      for (const name of TEST_ONLY_EXPORTS) expect(shipped, name).not.toHaveProperty(name);
      expect(Object.keys(shipped).filter((k) => /fake|synthetic|test/i.test(k))).toEqual([]);
      expect(typeof shipped.backend).toBe('string');
      if (process.platform === 'linux') expect(typeof shipped.LinuxBackend).toBe('function');
      const testing = loadTestingAddon() as unknown as Record<string, unknown>;
      for (const name of TEST_ONLY_EXPORTS) expect(typeof testing[name], name).toBe('function');
    });
  },
);

const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
const haveNpm = npm.status === 0;

describe.skipIf(!haveNpm)(`npm package contents${haveNpm ? '' : ' (skipped: npm not found)'}`, () => {
  it('npm pack lists the production sources, binding.gyp, the install script and the loader — no test, fake, testing/ or build-info file', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path);
    const bad = files.filter((f) =>
      /(^|\/)(test|testing)\/|\.test\.|fake|synthetic|mirror_to_apple|check\.h$|_main\.cc$|\.tsbuildinfo$/i.test(f),
    );
    expect(bad).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'binding.gyp',
        'scripts/install.cjs',
        'native/src/binding.cc',
        'native/src/common/batch_handoff.cc',
      ]),
    );
    expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
  }, 60_000);
});
