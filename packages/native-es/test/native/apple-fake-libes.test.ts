import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { testingAddonAvailable as addonAvailable, loadTestingAddon } from './testing-addon.js';

// The macOS backend's Apple-facing code (macos/es_api_apple.cc, with its blocks) compiled on Linux
// against Nightjar's fake libEndpointSecurity (macos/fake_libes: Apple's C signatures, per-client
// serial queue threads, muting, inversion, drops as seq gaps, es_new_client failures) and driven
// through EsClientSet, under ASan + UBSan. Needs clang with -fblocks and libBlocksRuntime
// (CI: apt-get install clang libblocksruntime-dev). Only the link against Apple's real library
// remains untested.
const NATIVE = fileURLToPath(new URL('../../native/', import.meta.url));
const clang = process.env.NJ_BLOCKS_CXX ?? 'clang++';
const FAKE_INC = join(NATIVE, 'testing/fake_libes/include');
// A JSON stand-in for napi.h, so the real translator runs in the standalone (node-free) ASan binary.
const JSON_NAPI = join(NATIVE, 'src/common/json');

function probeBlocks(): boolean {
  if (process.platform !== 'linux') return false;
  const dir = mkdtempSync(join(tmpdir(), 'nj-blocks-probe-'));
  try {
    const src = join(dir, 'p.cc');
    writeFileSync(
      src,
      '#include <Block.h>\nint main(){ int (^b)(int) = ^(int x){ return x + 1; }; void* c = Block_copy(b); Block_release(c); return b(-1); }\n',
    );
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
// Synthetic messages (native/testing/synthetic.cc) per message version, and distinct event types.
const ROUND_TRIP_MESSAGES = 99 * 10;
const ROUND_TRIP_TYPES = 78;
let napiInclude = '';
try {
  napiInclude = (createRequire(import.meta.url)('node-addon-api') as { include_dir: string }).include_dir;
} catch {
  /* not installed: the syntax check of es_backend_apple.cc is skipped */
}

describe.skipIf(!hasTool)(
  `macOS backend (es_api_apple.cc) over the fake libEndpointSecurity${hasTool ? '' : ' (skipped: clang with -fblocks and libBlocksRuntime not found)'}`,
  () => {
    it('runs a two-client session (error mapping, subscriptions, muting, inversion, seq gaps, refcounts) and deep-copies every rendered event type', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nj-fakeles-'));
      try {
        const exe = join(dir, 'apple_on_fake_libes');
        const build = spawnSync(
          clang,
          [
            '-std=c++17',
            '-g',
            '-O1',
            '-fblocks',
            '-fsanitize=address,undefined',
            '-fno-omit-frame-pointer',
            '-fno-sanitize-recover=undefined',
            `-I${FAKE_INC}`,
            `-I${JSON_NAPI}`,
            join(NATIVE, 'testing/apple_on_fake_libes_main.cc'),
            join(NATIVE, 'src/macos/es_api_apple.cc'),
            join(NATIVE, 'src/macos/es_client_set.cc'),
            join(NATIVE, 'testing/fake_libes/fake_libes.cc'),
            join(NATIVE, 'src/common/translate.cc'),
            join(NATIVE, 'testing/synthetic.cc'),
            '-o',
            exe,
            '-lBlocksRuntime',
            '-lpthread',
          ],
          { encoding: 'utf8' },
        );
        expect(build.status, build.stderr).toBe(0);
        const dump = join(dir, 'copies.jsonl');
        const run = spawnSync(exe, [dump], {
          encoding: 'utf8',
          env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1' },
        });
        expect(run.stderr).toBe('');
        const lines = run.stdout.trim().split('\n');
        expect(lines.at(-1)).toBe('ok');
        expect(run.status).toBe(0);
        // Every synthetic message of every version went through the copy and came out identical.
        const m = /^round trip: (\d+) messages, (\d+) types, (\d+) identical$/.exec(lines[0] ?? '');
        expect(m, run.stdout).not.toBeNull();
        expect(Number(m![1])).toBe(ROUND_TRIP_MESSAGES);
        expect(Number(m![2])).toBe(ROUND_TRIP_TYPES);
        expect(Number(m![3])).toBe(ROUND_TRIP_MESSAGES);
        const copies = readFileSync(dump, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(copies).toHaveLength(ROUND_TRIP_MESSAGES);
        if (!addonAvailable()) return;
        // The copies, translated by the JSON stand-in, equal the real N-API translator's output for
        // the same synthetic messages (Apple always packs exec env and, from v4, fds: [] when none).
        const addon = loadTestingAddon();
        let k = 0;
        for (let v = 1; v <= 10; v++) {
          for (const want of addon.translateSynthetic(v)) {
            const ev = want.event as Record<string, Record<string, unknown>>;
            if (ev.exec && !('env' in ev.exec)) ev.exec.env = [];
            if (ev.exec && v >= 4 && !('fds' in ev.exec)) ev.exec.fds = [];
            expect(copies[k], `v${v} message ${k}`).toStrictEqual(want);
            k++;
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);

    // The fake header models the macOS 26 SDK by default (od_attribute_set.attribute_values, the
    // message-version-10 members); below 26 it has the older names and layouts. The Apple-side copy
    // must compile against both (it finds the members by a feature test, not by name).
    it.each([150400, 140000])(
      'es_api_apple.cc compiles against an older SDK (__MAC_OS_X_VERSION_MAX_ALLOWED=%i)',
      (sdk) => {
        const r = spawnSync(
          clang,
          [
            '-std=c++17',
            '-fblocks',
            '-fsyntax-only',
            `-D__MAC_OS_X_VERSION_MAX_ALLOWED=${sdk}`,
            `-I${FAKE_INC}`,
            `-I${JSON_NAPI}`,
            join(NATIVE, 'src/macos/es_api_apple.cc'),
          ],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
      },
      120_000,
    );

    it.skipIf(!napiInclude)(
      'es_backend_apple.cc compiles against the fake headers (its session and hand-off run in the test addon)',
      () => {
        const nodeInclude = join(process.execPath, '..', '..', 'include', 'node');
        const r = spawnSync(
          clang,
          [
            '-std=c++17',
            '-fblocks',
            '-fsyntax-only',
            `-I${FAKE_INC}`,
            `-I${nodeInclude}`,
            `-I${napiInclude}`,
            '-DNAPI_VERSION=8',
            '-DNAPI_CPP_EXCEPTIONS',
            join(NATIVE, 'src/macos/es_backend_apple.cc'),
          ],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
      },
      120_000,
    );
  },
);
