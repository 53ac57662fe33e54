import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The macOS backend's Apple-facing code (macos/es_api_apple.cc, with its blocks) compiled on Linux
// against Nightjar's fake libEndpointSecurity (macos/fake_libes: Apple's C signatures, per-client
// serial queue threads, muting, inversion, drops as seq gaps, es_new_client failures) and driven
// through EsClientSet, under ASan + UBSan. Needs clang with -fblocks and libBlocksRuntime
// (CI: apt-get install clang libblocksruntime-dev). Only the link against Apple's real library
// remains untested.
const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));
const clang = process.env.NJ_BLOCKS_CXX ?? 'clang++';
const FAKE_INC = join(NATIVE, 'macos/fake_libes/include');

function probeBlocks(): boolean {
  if (process.platform !== 'linux') return false;
  const dir = mkdtempSync(join(tmpdir(), 'nj-blocks-probe-'));
  try {
    const src = join(dir, 'p.cc');
    writeFileSync(src, '#include <Block.h>\nint main(){ int (^b)(int) = ^(int x){ return x + 1; }; void* c = Block_copy(b); Block_release(c); return b(-1); }\n');
    const r = spawnSync(clang, ['-fblocks', src, '-o', join(dir, 'p'), '-lBlocksRuntime'], { encoding: 'utf8' });
    if (r.status !== 0) return false;
    return spawnSync(join(dir, 'p')).status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const hasTool = probeBlocks();
let napiInclude = '';
try {
  napiInclude = (createRequire(import.meta.url)('node-addon-api') as { include_dir: string }).include_dir;
} catch {
  /* not installed: the syntax check of es_backend_apple.cc is skipped */
}

describe.skipIf(!hasTool)(
  `macOS backend (es_api_apple.cc) over the fake libEndpointSecurity${hasTool ? '' : ' (skipped: clang with -fblocks and libBlocksRuntime not found)'}`,
  () => {
    it('runs a two-client session: error mapping, subscriptions, muting, inversion, seq gaps, refcounts', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nj-fakeles-'));
      try {
        const exe = join(dir, 'apple_on_fake_libes');
        const build = spawnSync(
          clang,
          [
            '-std=c++17', '-g', '-O1', '-fblocks', '-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=undefined',
            `-I${FAKE_INC}`,
            join(NATIVE, 'test/apple_on_fake_libes_main.cc'), join(NATIVE, 'macos/es_api_apple.cc'),
            join(NATIVE, 'macos/es_client_set.cc'), join(NATIVE, 'macos/fake_libes/fake_libes.cc'),
            '-o', exe, '-lBlocksRuntime', '-lpthread',
          ],
          { encoding: 'utf8' },
        );
        expect(build.status, build.stderr).toBe(0);
        const run = spawnSync(exe, [], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' } });
        expect(run.stderr).toBe('');
        expect(run.stdout.trim()).toBe('ok');
        expect(run.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);

    it.skipIf(!napiInclude)('es_backend_apple.cc compiles against the fake headers (syntax only: no Apple link)', () => {
      const nodeInclude = join(process.execPath, '..', '..', 'include', 'node');
      const r = spawnSync(
        clang,
        ['-std=c++17', '-fblocks', '-fsyntax-only', `-I${FAKE_INC}`, `-I${nodeInclude}`, `-I${napiInclude}`, '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', join(NATIVE, 'macos/es_backend_apple.cc')],
        { encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
    }, 120_000);
  },
);
