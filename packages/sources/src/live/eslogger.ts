import { spawn, type ChildProcess } from 'node:child_process';
import {
  createDecoder,
  DecodeError,
  eventTypeByName,
  type Diagnostic,
  type EsProcess,
  type NightjarEvent,
} from '@nightjar/core';
import type { BackfillLimits, NativeBackfill } from '@nightjar/native-es';
import { macosBackfill } from './backfill.js';
import { SOURCE_ERROR_CODES, SourceError, SourcePermissionError, SourceStartError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../lines.js';
import type { EventSource } from '../source.js';
import { abortableSleep } from '../sleep.js';
import { LiveLoop } from './loop.js';

export interface EsloggerOptions {
  /** Event names to subscribe to (the ruleset's requiredEventTypes()); eslogger gets exactly these. */
  eventTypes: Iterable<string>;
  /** Program to run (default `eslogger`, found on PATH; macOS 13+ ships it as /usr/bin/eslogger). */
  command?: string | undefined;
  /** Maximum events + errors per batch (default 1024). */
  batchSize?: number | undefined;
  /** Queue capacity in events (default 65 536); beyond it events are dropped and counted. */
  queueCapacity?: number | undefined;
  /** Queue capacity in bytes of lines (default 64 MiB); beyond it events are dropped and counted. */
  queueBytes?: number | undefined;
  /** The host on every event (alerts carry it; the engine keeps each host's state apart). Default: none. */
  host?: string | undefined;
  /** Restart after an unexpected exit: delays double from initialDelayMs to maxDelayMs. */
  restart?:
    | {
        initialDelayMs?: number | undefined;
        maxDelayMs?: number | undefined;
        maxConsecutiveFailures?: number | undefined;
      }
    | undefined;
  /** Source name on events and diagnostics (default `eslogger`). */
  source?: string | undefined;
  /**
   * Longest line accepted from eslogger, in bytes; a longer one is a located `NJ_SOURCE_LINE_TOO_LONG`
   * error, skipped, and the lines after it are read as usual. Default DEFAULT_MAX_LINE_BYTES (64 MiB).
   */
  maxLineBytes?: number | undefined;
  /** Environment of the child (default process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Caps of `backfill()` (macOS, through the native addon). */
  backfillLimits?: BackfillLimits | undefined;
  /**
   * Testing: the native backfill to call instead of the addon's (null: behave as if the addon
   * were not built).
   */
  nativeBackfill?: NativeBackfill | null | undefined;
}

/** A known eslogger failure read from its stderr (or exit). Fatal ones are not retried. */
interface KnownFailure {
  test: RegExp;
  make: (source: string, detail: string) => SourceError;
}

const FDA_URL = 'x-apple.systempreferences:com.apple.settings.PrivacySecurity.extension?Privacy_AllFiles';

/** eslogger prints the es_new_client result name on failure; these map to errors that say what to do. */
const KNOWN_FAILURES: KnownFailure[] = [
  {
    test: /ERR_NOT_PERMITTED|not permitted.*full disk|full disk access/i,
    make: (s, d) =>
      new SourcePermissionError(
        SOURCE_ERROR_CODES.noFullDiskAccess,
        s,
        `eslogger is not permitted to create an ES client (${d}): grant Full Disk Access to the app that runs nightjar (Terminal, iTerm, your daemon) in System Settings › Privacy & Security › Full Disk Access (open ${FDA_URL}), then restart it.`,
      ),
  },
  {
    test: /ERR_NOT_PRIVILEGED|must be run as root|requires root|not privileged/i,
    make: (s, d) =>
      new SourcePermissionError(SOURCE_ERROR_CODES.notRoot, s, `eslogger needs root (${d}): run nightjar with sudo.`),
  },
  {
    test: /ERR_NOT_ENTITLED/i,
    make: (s, d) =>
      new SourcePermissionError(
        SOURCE_ERROR_CODES.notEntitled,
        s,
        `eslogger is not entitled as an ES client (${d}): the system's eslogger should be; is ${'`'}eslogger${'`'} on PATH Apple's /usr/bin/eslogger?`,
      ),
  },
  {
    test: /ERR_TOO_MANY_CLIENTS/i,
    make: (s, d) =>
      new SourceStartError(
        SOURCE_ERROR_CODES.tooManyClients,
        s,
        `too many ES clients are connected (${d}): stop another ES client (eslogger, a security agent) and retry.`,
      ),
  },
  {
    test: /unknown event|invalid event|unrecognized event|not a valid event/i,
    make: (s, d) =>
      new SourceStartError(
        SOURCE_ERROR_CODES.unknownEvent,
        s,
        `eslogger rejected an event name (${d}): this macOS does not know it; \`eslogger --list-events\` lists what it supports. Remove the rules that need it, or upgrade macOS.`,
      ),
  },
];

function classify(stderr: string, source: string): SourceError | undefined {
  for (const f of KNOWN_FAILURES) {
    const m = f.test.exec(stderr);
    if (m) {
      const line =
        stderr
          .split('\n')
          .find((l) => f.test.test(l))
          ?.trim() ?? m[0];
      return f.make(source, line.length > 300 ? `${line.slice(0, 300)}…` : line);
    }
  }
  return undefined;
}

/**
 * Runs `eslogger <names>` (started at once) and yields its events. Known failures (not root, no Full Disk Access, an
 * unknown event name, eslogger missing) end the source with a typed error thrown from the
 * iteration; any other exit restarts eslogger with backoff and a `NJ_SOURCE_RESTARTED` diagnostic
 * (the new client's sequence numbers start again, which the engine also sees as a restart).
 */
export function openEslogger(opts: EsloggerOptions): EventSource & { backfill(): EsProcess[] } {
  const source = opts.source ?? 'eslogger';
  const names = [...new Set(Array.from(opts.eventTypes ?? []))];
  if (names.length === 0) {
    throw new SourceError(SOURCE_ERROR_CODES.badOptions, source, 'eslogger source: no event types to subscribe to');
  }
  // eslogger rejects its whole argument list for one unknown name: check them first, by name.
  const unknown = names.filter((n) => eventTypeByName(n)?.kind !== 'notify');
  if (unknown.length > 0) {
    throw new SourceStartError(
      SOURCE_ERROR_CODES.unknownEvent,
      source,
      `eslogger source: not ES NOTIFY event names: ${unknown.join(', ')} (eslogger takes names such as exec, open, fork; \`nightjar events\` prints the names a ruleset needs)`,
    );
  }
  const command = opts.command ?? 'eslogger';
  const initialDelay = opts.restart?.initialDelayMs ?? 500;
  const maxDelay = opts.restart?.maxDelayMs ?? 30_000;
  const maxFailures = opts.restart?.maxConsecutiveFailures ?? 10;
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1)
    throw new SourceError(
      SOURCE_ERROR_CODES.badOptions,
      source,
      `maxLineBytes must be a positive integer, not ${maxLineBytes}`,
    );
  const abort = new AbortController();
  const decoder = createDecoder({ eventTypes: null, source, host: opts.host });
  let child: ChildProcess | null = null;
  let lineBase = 0;
  let lastGlobalSeq: number | undefined;
  let restartPending = false;
  const loop = new LiveLoop({
    kind: 'eslogger',
    source,
    batchSize: opts.batchSize,
    queueCapacity: opts.queueCapacity,
    queueBytes: opts.queueBytes,
    stopBackend: stopChild,
  });
  const stats = loop.stats;
  const diag = (d: Diagnostic) => loop.diag(d);
  const fail = (err: SourceError) => loop.fail(err);

  /** Notes a new ES client (global sequence restarted) before handing the item to the loop. */
  function onItem(r: NightjarEvent | DecodeError, bytes = 0): void {
    const g = r instanceof DecodeError ? undefined : r.globalSeq;
    if (g !== undefined) {
      if (restartPending || (lastGlobalSeq !== undefined && g < lastGlobalSeq)) {
        if (lastGlobalSeq !== undefined) {
          diag({
            code: 'NJ_SOURCE_RESTARTED',
            severity: 'warning',
            message: `${source}: a new ES client started (global_seq_num ${lastGlobalSeq} → ${g}); events between the two clients were not observed`,
            source,
            time: (r as NightjarEvent).time,
            data: { previousGlobalSeq: lastGlobalSeq, globalSeq: g },
          });
        }
        restartPending = false;
      }
      lastGlobalSeq = g;
    }
    loop.push(r, bytes);
  }

  async function stopChild(): Promise<void> {
    abort.abort();
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          c.kill('SIGKILL');
        }, 3000);
        c.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        c.kill('SIGTERM');
      });
    }
  }

  /** Runs one eslogger; resolves with how it ended. */
  function runOnce(): Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    spawnError: NodeJS.ErrnoException | undefined;
    delivered: number;
  }> {
    return new Promise((resolve) => {
      let stderr = '';
      let delivered = 0;
      const splitter = new LineSplitter(
        (text, lineNo, offset) => {
          delivered++;
          onItem(decoder.decode(text, lineBase + lineNo, offset), text.length + 1);
        },
        maxLineBytes,
        (lineNo, offset) =>
          onItem(
            new DecodeError(SOURCE_ERROR_CODES.lineTooLong, `line longer than ${maxLineBytes} bytes, skipped`, {
              line: lineBase + lineNo,
              offset,
              source,
            }),
          ),
      );
      const c = spawn(command, names, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
      child = c;
      c.stdout.on('data', (chunk: Buffer) => {
        stats.bytesRead += chunk.length;
        splitter.push(chunk);
        stats.lines = lineBase + splitter.lineNo;
      });
      c.stderr.on('data', (chunk: Buffer) => {
        // Keep the start (where eslogger explains itself) bounded.
        if (stderr.length < 16_384) stderr += chunk.toString('utf8');
      });
      let spawnError: NodeJS.ErrnoException | undefined;
      c.on('error', (e) => {
        spawnError = e;
      });
      c.on('close', (code, signal) => {
        splitter.end();
        lineBase += splitter.lineNo;
        stats.lines = lineBase;
        child = null;
        resolve({ code, signal, stderr, spawnError, delivered });
      });
    });
  }

  async function supervise(): Promise<void> {
    let consecutive = 0;
    let delay = initialDelay;
    for (;;) {
      const t0 = Date.now();
      const r = await runOnce();
      if (loop.isStopped) break;
      if (r.spawnError) {
        const e = r.spawnError;
        fail(
          e.code === 'ENOENT'
            ? new SourceStartError(
                SOURCE_ERROR_CODES.programNotFound,
                source,
                `${command} not found: the eslogger backend needs macOS 13 or later (/usr/bin/eslogger); on other systems use --backend linux or replay a capture with nightjar scan`,
                { cause: e },
              )
            : new SourceStartError(SOURCE_ERROR_CODES.failed, source, `${command} could not start: ${e.message}`, {
                cause: e,
              }),
        );
        return;
      }
      const known = classify(r.stderr, source);
      if (known) {
        fail(known);
        return;
      }
      const how = r.signal ? `signal ${r.signal}` : `exit code ${r.code}`;
      const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
      // A run that delivered events for a while resets the backoff; instant failures escalate.
      if (r.delivered > 0 && Date.now() - t0 > 10_000) {
        consecutive = 0;
        delay = initialDelay;
      }
      consecutive++;
      if (consecutive > maxFailures) {
        fail(
          new SourceStartError(
            SOURCE_ERROR_CODES.failed,
            source,
            `${command} keeps exiting (${how}, ${consecutive - 1} restarts in a row)${tail ? `: ${tail}` : ''}`,
          ),
        );
        return;
      }
      stats.restarts++;
      restartPending = true;
      diag({
        code: 'NJ_SOURCE_EXITED',
        severity: 'warning',
        message: `${source}: ${command} exited (${how})${tail ? `: ${tail}` : ''}; restarting in ${delay} ms`,
        source,
        data: { code: r.code, signal: r.signal, restartInMs: delay, restarts: stats.restarts },
      });
      await abortableSleep(delay, abort.signal);
      if (loop.isStopped) break;
      delay = Math.min(maxDelay, delay * 2);
    }
    loop.end();
  }

  // Live sources start at open: events queue (bounded) until the consumer iterates.
  void supervise();

  // eslogger itself cannot list running processes: the addon's libproc backfill does, when it
  // is built; otherwise [] and a NJ_SOURCE_BACKFILL_UNAVAILABLE warning (eslogger works on).
  return loop.source({ backfill: () => macosBackfill(source, opts.nativeBackfill, opts.backfillLimits, diag) });
}
