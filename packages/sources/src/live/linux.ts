import { createDecoder, eventFromMessage, type EsMessage, type EsProcess } from '@nightjar/core';
import type { NativeLinuxBackend } from '@nightjar/native-es';
import { BackendUnavailableError, SOURCE_ERROR_CODES, SourcePermissionError, SourceStartError } from '../errors.js';
import type { EventSource } from '../source.js';
import type { LiveMuting } from './open.js';
import { loadNativeAddon } from './addon.js';
import { LiveLoop, OBJECT_EVENT_BYTES } from './loop.js';

/** The ES event names the Linux backend can produce. */
export const LINUX_EVENT_TYPES: readonly string[] = [
  'exec',
  'fork',
  'exit',
  'open',
  'close',
  'write',
  'create',
  'unlink',
  'rename',
];
/** Directory-entry events: they need fanotify with FAN_REPORT_DFID_NAME (Linux 5.9+; rename 5.17+). */
const DIR_EVENT_TYPES = ['create', 'unlink', 'rename'];

export interface LinuxOptions {
  /** Event names wanted (the ruleset's requiredEventTypes()); names Linux cannot observe are reported once. */
  eventTypes: Iterable<string>;
  batchSize?: number | undefined;
  /** Queue capacity in events (default 65 536); beyond it events are dropped and counted. */
  queueCapacity?: number | undefined;
  /** Queue capacity in bytes of lines (default 64 MiB); beyond it events are dropped and counted. */
  queueBytes?: number | undefined;
  /** The host on every event (alerts carry it; the engine keeps each host's state apart). Default: none. */
  host?: string | undefined;
  source?: string | undefined;
  /** File events (open, close, write) only for files directly in these directories; default: every mounted file system. */
  paths?: string[] | undefined;
  /** Muting by the acting process, applied natively before events are numbered. */
  muting?: LiveMuting | undefined;
  /**
   * How batches cross from the native thread: `json` (default), eslogger JSON lines written on the
   * backend's thread and read by core's decoder, as a replay is; `objects`, JS objects built on the
   * JS thread (the older path, kept for comparison in the bench).
   */
  wire?: 'json' | 'objects' | undefined;
}

/**
 * The live Linux backend (native addon): the proc connector (fork, exec, exit) and fanotify
 * (open, close of a written file, write) as ES-shaped messages. Needs root. Throws at open when
 * it cannot start (typed: not root, addon not built, not Linux).
 */
export function openLinux(opts: LinuxOptions): EventSource & { backfill(): EsProcess[] } {
  const source = opts.source ?? 'linux';
  if (process.platform !== 'linux') {
    throw new BackendUnavailableError(
      source,
      `the linux backend runs only on Linux (this is ${process.platform}); on macOS use --backend eslogger or es`,
    );
  }
  const addon = loadNativeAddon('linux');
  if (!addon.LinuxBackend)
    throw new BackendUnavailableError(
      source,
      `this build of the addon has no linux backend (it has: ${addon.backend})`,
    );
  const wanted = [...new Set(Array.from(opts.eventTypes))];
  const supported = wanted.filter((n) => LINUX_EVENT_TYPES.includes(n));
  const unsupported = wanted.filter((n) => !LINUX_EVENT_TYPES.includes(n));
  let n = 0;
  // `loop` is created once start() succeeded (no poll timer for a backend that cannot start); the
  // backend delivers only after start() through the event loop, so the callback never sees it unset.
  const wire = opts.wire ?? 'json';
  const decoder = createDecoder({ eventTypes: supported, source, host: opts.host });
  const decodeLine = (line: string, lineNo: number) => decoder.decode(line, lineNo, 0);
  const backend: NativeLinuxBackend = new addon.LinuxBackend(
    supported,
    (batch) => {
      if (typeof batch === 'string') {
        loop.pushLines(batch, decodeLine);
        return;
      }
      for (const m of batch) {
        n++;
        loop.stats.lines++;
        loop.push(
          eventFromMessage(m as unknown as EsMessage, { source, line: n, offset: 0, host: opts.host }),
          OBJECT_EVENT_BYTES,
        );
      }
    },
    {
      ...(opts.paths ? { paths: opts.paths } : {}),
      mutePaths: opts.muting?.paths ?? [],
      mutePathPrefixes: opts.muting?.pathPrefixes ?? [],
      mutePids: opts.muting?.pids ?? [],
      invertMuting: opts.muting?.invert === true,
      wire,
    },
  );
  try {
    backend.start();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = (err as Error).message;
    throw code === SOURCE_ERROR_CODES.notRoot
      ? new SourcePermissionError(SOURCE_ERROR_CODES.notRoot, source, msg, { cause: err })
      : new SourceStartError(SOURCE_ERROR_CODES.failed, source, `the linux backend could not start: ${msg}`, {
          cause: err,
        });
  }
  const loop = new LiveLoop({
    kind: 'linux',
    source,
    batchSize: opts.batchSize,
    queueCapacity: opts.queueCapacity,
    queueBytes: opts.queueBytes,
    losses: () => backend.stats(),
    stopBackend: () => backend.stop(),
  });
  if (unsupported.length > 0) {
    loop.diag({
      code: 'NJ_SOURCE_UNSUPPORTED_EVENTS',
      severity: 'warning',
      message: `${source}: Linux cannot observe ${unsupported.join(', ')}; rules on them will not fire (it produces ${LINUX_EVENT_TYPES.join(', ')})`,
      source,
      data: { events: unsupported },
    });
  }

  const dirWanted = supported.filter((n) => DIR_EVENT_TYPES.includes(n));
  if (dirWanted.length > 0 && !backend.stats().dirEvents) {
    loop.diag({
      code: 'NJ_SOURCE_UNSUPPORTED_EVENTS',
      severity: 'warning',
      message: `${source}: this kernel's fanotify cannot report ${dirWanted.join(', ')} (needs FAN_REPORT_DFID_NAME, Linux 5.9+); rules on them will not fire`,
      source,
      data: { events: dirWanted },
    });
  }
  return loop.source({ backfill: () => backend.backfill() as unknown as EsProcess[] });
}
