import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readInterruptibly } from '../../src/detect/loop.js';
import { CliError, type CliIO } from '../../src/io.js';

/** An IO whose Ctrl-C the test presses, a source that counts stop() calls. */
function setup(): {
  io: CliIO;
  stdin: PassThrough;
  press: () => void;
  unregistered: () => boolean;
  source: { stop(): Promise<void>; stops: number };
} {
  const stdin = new PassThrough();
  let handler: (() => void) | undefined;
  let off = false;
  const sinkStream = new Writable({ write: (_c, _e, cb) => cb() });
  const io: CliIO = {
    stdin,
    stdout: sinkStream,
    stderr: sinkStream,
    cwd: '/',
    env: {},
    onInterrupt: (h) => {
      handler = h;
      return () => {
        off = true;
      };
    },
  };
  const source = {
    stops: 0,
    stop(): Promise<void> {
      this.stops++;
      return Promise.resolve();
    },
  };
  return { io, stdin, press: () => handler?.(), unregistered: () => off, source };
}

describe('readInterruptibly: how a replay read ends', () => {
  it('a read that ends normally: no failure, not interrupted, Ctrl-C handler removed', async () => {
    const t = setup();
    const end = await readInterruptibly(t.source, false, t.io, async () => {});
    expect(end).toEqual({ fatal: undefined, interrupted: false });
    expect(t.unregistered()).toBe(true);
    expect(t.source.stops).toBe(0);
  });

  it('an input failing mid-way comes back as NJ_CLI_INPUT, with its cause, and is not thrown', async () => {
    const t = setup();
    const boom = new Error('EIO: i/o error, read');
    const end = await readInterruptibly(t.source, false, t.io, () => Promise.reject(boom));
    expect(end.interrupted).toBe(false);
    expect(end.fatal).toBeInstanceOf(CliError);
    expect(end.fatal!.code).toBe('NJ_CLI_INPUT');
    expect(end.fatal!.message).toBe('cannot read input: EIO: i/o error, read');
    expect(end.fatal!.cause).toBe(boom);
    expect(t.unregistered()).toBe(true);
  });

  it('Ctrl-C stops the source and closes stdin; the error closing it causes is the interrupt, not a failure', async () => {
    const t = setup();
    const end = await readInterruptibly(t.source, true, t.io, async () => {
      t.press();
      throw new Error('stdin destroyed');
    });
    expect(end).toEqual({ fatal: undefined, interrupted: true });
    expect(t.source.stops).toBe(1);
    expect(t.stdin.destroyed).toBe(true);
  });

  it('Ctrl-C on file inputs leaves stdin alone', async () => {
    const t = setup();
    const end = await readInterruptibly(t.source, false, t.io, async () => {
      t.press();
    });
    expect(end.interrupted).toBe(true);
    expect(t.stdin.destroyed).toBe(false);
  });

  it('a CliError (exit 2 with its own message) stops the source and propagates', async () => {
    const t = setup();
    const err = new CliError('NJ_CLI_INPUT', 'line too long');
    await expect(readInterruptibly(t.source, false, t.io, () => Promise.reject(err))).rejects.toBe(err);
    expect(t.source.stops).toBe(1);
    expect(t.unregistered()).toBe(true);
  });
});
