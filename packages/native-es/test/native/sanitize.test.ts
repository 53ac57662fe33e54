import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The C++ that owns memory and threads (synthetic messages, EsClientSet over FakeEsApi) built
// without node, under AddressSanitizer + UBSan with leak detection. Needs g++ with libasan.
const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));
const cxx = process.env.CXX ?? 'g++';
const probe = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
const haveCxx = probe.status === 0;
const nodeInclude = join(process.execPath, '..', '..', 'include', 'node');
let napiInclude = '';
try {
  napiInclude = (createRequire(import.meta.url)('node-addon-api') as { include_dir: string }).include_dir;
} catch {
  /* not installed: skipped below */
}
const why = !haveCxx
  ? `no C++ compiler (${cxx})`
  : process.platform !== 'linux'
    ? 'Linux only'
    : !napiInclude
      ? 'node-addon-api missing'
      : '';

describe.skipIf(why !== '')(`native code under ASan + UBSan${why ? ` (skipped: ${why})` : ''}`, () => {
  it('builds every synthetic message and runs start/deliver/stop cycles without memory errors or leaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nj-asan-'));
    try {
      const exe = join(dir, 'sanitize');
      const build = spawnSync(
        cxx,
        [
          '-std=c++17',
          '-g',
          '-O1',
          '-fsanitize=address,undefined',
          '-fno-omit-frame-pointer',
          '-fno-sanitize-recover=undefined',
          `-I${nodeInclude}`,
          `-I${napiInclude}`,
          join(NATIVE, 'testing/sanitize_main.cc'),
          join(NATIVE, 'testing/synthetic.cc'),
          join(NATIVE, 'src/macos/es_client_set.cc'),
          join(NATIVE, 'testing/fake_es.cc'),
          '-o',
          exe,
          '-lpthread',
        ],
        { encoding: 'utf8' },
      );
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync(exe, [], {
        encoding: 'utf8',
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
      });
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('ok');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
