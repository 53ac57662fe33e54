import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TESTING_ADDON_PATH, testingAddonAvailable } from './testing-addon.js';

// The test addon (the shipped translator, ES session and batch hand-off over the fake ES library; N-API translation, the fake-ES-backed client set, its threads and
// thread-safe function) inside node under valgrind memcheck. --jitless keeps V8's JIT out of it.
const haveValgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' }).status === 0;
const why = !haveValgrind ? 'valgrind not installed' : !testingAddonAvailable() ? 'test addon not built' : '';
const DRIVER = fileURLToPath(new URL('./valgrind-driver.cjs', import.meta.url));

describe.skipIf(why !== '')(`native addon under valgrind${why ? ` (skipped: ${why})` : ''}`, () => {
  it('translates every version and runs the ES client logic with no memory errors and no definite leaks', () => {
    const r = spawnSync(
      'valgrind',
      [
        '--error-exitcode=9',
        '--leak-check=full',
        '--errors-for-leak-kinds=definite',
        '--show-leak-kinds=definite',
        process.execPath,
        '--jitless',
        DRIVER,
        TESTING_ADDON_PATH,
      ],
      { encoding: 'utf8', timeout: 280_000 },
    );
    expect(r.stdout.trim(), r.stderr.slice(-3000)).toBe('ok');
    expect(r.stderr).toMatch(/ERROR SUMMARY: 0 errors/);
    expect(r.stderr).toMatch(/definitely lost: 0 bytes/);
    expect(r.status).toBe(0);
  }, 300_000);
});
