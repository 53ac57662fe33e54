import { describe, expect, it } from 'vitest';
import * as cli from '../../src/index.js';

describe('@nightjar/cli public face', () => {
  it('exports the command entry, exit codes, the tester and the linter', async () => {
    expect([cli.EXIT_OK, cli.EXIT_FINDINGS, cli.EXIT_USAGE]).toEqual([0, 1, 2]);
    expect(typeof cli.main).toBe('function');
    expect(typeof cli.tester.runRuleTests).toBe('function');
    expect(typeof cli.tester.expandBriefEvents).toBe('function');
    expect(typeof cli.lint.lintDocuments).toBe('function');
    expect(cli.lint.CHECKS.length).toBeGreaterThan(20);
  });

  it('main answers --version and rejects an unknown command with exit 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdin: process.stdin,
      stdout: { write: (s: string) => (out.push(s), true) },
      stderr: { write: (s: string) => (err.push(s), true) },
      cwd: process.cwd(),
      env: {},
    } as unknown as cli.CliIO;
    expect(await cli.main(['--version'], io)).toBe(0);
    expect(out.join('')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await cli.main(['frobnicate'], io)).toBe(2);
    expect(err.join('')).toContain("unknown command 'frobnicate'");
  });
});
