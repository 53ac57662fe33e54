/**
 * What a user gets from the published packages: every public package packed as `pnpm publish` packs it
 * (workspace:/catalog: versions replaced, the bundled ruleset and its fixtures copied in by prepack),
 * the tarballs installed globally into a scratch prefix with npm, then the installed `nightjar` runs
 * `test` and `lint` over the bundled rules from outside the repository: both must exit 0 and be clean.
 *
 * Budget: about 45 s on 2 idle cores (packing ~20 s, npm install ~8 s from npm's cache, the two
 * commands ~10 s; up to 75 s when the machine is busy). npm reaches the registry for third-party dependencies it has not cached. Skips visibly
 * when the packages are not built or npm is absent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// native-es is an optional peer (a native addon, built at install): the CLI runs test and lint without it.
const PACKAGES = ['core', 'rules', 'ruletools', 'sources', 'fleet', 'cli'];
const built = PACKAGES.every((p) => existsSync(path.join(ROOT, 'packages', p, 'dist', 'index.js')));
const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // No colour and no CI-specific output: the text is asserted on.
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', npm_config_update_notifier: 'false' };
    const child = spawn(cmd, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe.skipIf(!built || !npm)(
  `packed tarballs installed globally pass their own checks${!built ? ' (skipped: run tsc -b first)' : !npm ? ' (skipped: npm is absent)' : ''}`,
  () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'nightjar-packed-'));
    const prefix = path.join(tmp, 'prefix');
    const bin = path.join(prefix, 'bin', 'nightjar');
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it(
      'packs, installs with npm install -g --prefix, and nightjar test and lint are clean',
      { timeout: 240_000 },
      async () => {
        // Packed side by side (each pack writes only into its own package folder and tmp).
        const packs = await Promise.all(
          PACKAGES.map((p) =>
            run('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', tmp], path.join(ROOT, 'packages', p)),
          ),
        );
        packs.forEach((r, i) => expect(r.code, `pack ${PACKAGES[i]}: ${r.stderr}`).toBe(0));
        const tarballs = readdirSync(tmp)
          .filter((f) => f.endsWith('.tgz'))
          .map((f) => path.join(tmp, f));
        expect(tarballs).toHaveLength(PACKAGES.length);
        const install = await run(
          'npm',
          ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', ...tarballs],
          tmp,
        );
        expect(install.code, install.stderr).toBe(0);
        expect(existsSync(bin)).toBe(true);

        // From a folder outside the repository: only what the tarballs hold can be used.
        const test = await run(bin, ['test'], tmp);
        expect(test.code, test.stdout + test.stderr).toBe(0);
        const out = test.stdout + test.stderr;
        expect(out).toMatch(/Tests: \d+ passed \(\d+ cases in \d+ rules\)/);
        expect(out).not.toMatch(/^\s*(FAIL|ERROR)\b|\d+ (failed|error)/m);
        expect(test.stdout).toContain(path.join('@nightjar', 'rules', 'ruleset'));

        const lint = await run(bin, ['lint', '-f', 'json'], tmp);
        expect(lint.code, lint.stderr).toBe(0);
        const findings = (JSON.parse(lint.stdout) as { findings: unknown[] }).findings;
        expect(findings).toEqual([]);

        // Every --help of the installed CLI names nothing that only a clone has; the docs it names ship.
        const pkg = path.join(prefix, 'lib', 'node_modules', '@nightjar', 'cli');
        const commands = ['', 'scan', 'watch', 'test', 'lint', 'profile', 'events', 'fields', 'rules', 'techniques'];
        for (const cmd of commands) {
          const help = await run(bin, cmd === '' ? ['--help'] : [cmd, '--help'], tmp);
          expect(help.code, cmd).toBe(0);
          expect(help.stdout, cmd).not.toMatch(/packages\/|\.\.\/|fixtures\/|(^|\s)rules\/|DESIGN|CONTRIBUTING|pnpm/m);
          for (const m of help.stdout.matchAll(/docs\/[a-z-]+\.md/g))
            expect(existsSync(path.join(pkg, m[0])), m[0]).toBe(true);
        }
      },
    );
  },
);
