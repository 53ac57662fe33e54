/** In-memory CliIO for running commands through main() in tests. */
import { Readable, Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/io.js';
import { main } from '../../src/main.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const RULES = path.join(FIXTURES, 'rules');
export const EVENTS = path.join(FIXTURES, 'events');

class Sink extends Writable {
  chunks: string[] = [];
  isTTY?: boolean;
  constructor(tty: boolean) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk.toString());
    cb();
  }
  text(): string {
    return this.chunks.join('');
  }
}

export interface FakeOptions {
  stdin?: string | Buffer;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function fakeIO(opts: FakeOptions = {}): { io: CliIO; stdout: Sink; stderr: Sink } {
  const stdout = new Sink(opts.stdoutTTY === true);
  const stderr = new Sink(opts.stderrTTY === true);
  const stdin = Readable.from(
    opts.stdin === undefined ? [] : [typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin],
  );
  return { io: { stdin, stdout, stderr, cwd: opts.cwd ?? FIXTURES, env: opts.env ?? {} }, stdout, stderr };
}

/** Runs `nightjar <argv…>` in-process. */
export async function cli(argv: string[], opts: FakeOptions = {}): Promise<Run> {
  const { io, stdout, stderr } = fakeIO(opts);
  const code = await main(argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Strips ANSI escapes, for asserting on coloured text. */
export function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}
