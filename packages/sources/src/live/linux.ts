import { DecodeError, eventFromMessage, type EsMessage, type EsProcess, type NightjarEvent } from '@nightjar/core';
import { BackendUnavailableError, SOURCE_ERROR_CODES, SourceError, SourcePermissionError, SourceStartError } from './errors.js';
import { loadAddon, type NativeLinuxBackend } from './native.js';
import { BoundedQueue } from './queue.js';
import { DiagnosticLog, emptyStats, type EventBatch, type EventSource, type SourceStats } from './source.js';

/** The ES event names the Linux backend can produce. */
export const LINUX_EVENT_TYPES: readonly string[] = ['exec', 'fork', 'exit', 'open', 'close', 'write', 'create', 'unlink', 'rename'];
/** Directory-entry events: they need fanotify with FAN_REPORT_DFID_NAME (Linux 5.9+; rename 5.17+). */
const DIR_EVENT_TYPES = ['create', 'unlink', 'rename'];

export interface LinuxOptions {
  /** Event names wanted (the ruleset's requiredEventTypes()); names Linux cannot observe are reported once. */
  eventTypes: Iterable<string>;
  batchSize?: number;
  /** Queue capacity in events (default 65 536); beyond it events are dropped and counted. */
  queueCapacity?: number;
  source?: string;
}

/**
 * The live Linux backend (native addon): the proc connector (fork, exec, exit) and fanotify
 * (open, close of a written file, write) as ES-shaped messages. Needs root. Throws at open when
 * it cannot start (typed: not root, addon not built, not Linux).
 */
export function openLinux(opts: LinuxOptions): EventSource & { backfill(): EsProcess[] } {
  const source = opts.source ?? 'linux';
  if (process.platform !== 'linux') {
    throw new BackendUnavailableError(source, `the linux backend runs only on Linux (this is ${process.platform}); on macOS use --backend eslogger or es`);
  }
  const addon = loadAddon('linux');
  if (!addon.LinuxBackend) throw new BackendUnavailableError(source, `this build of the addon has no linux backend (it has: ${addon.backend})`);
  const wanted = [...new Set(Array.from(opts.eventTypes))];
  const supported = wanted.filter((n) => LINUX_EVENT_TYPES.includes(n));
  const unsupported = wanted.filter((n) => !LINUX_EVENT_TYPES.includes(n));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 1024));
  const queue = new BoundedQueue<NightjarEvent | DecodeError>(Math.max(1, opts.queueCapacity ?? 65_536));
  const stats: SourceStats = emptyStats();
  const log = new DiagnosticLog();
  const failures: SourceError[] = [];
  let n = 0;
  let stopped = false;
  let iterated = false;
  let reported = { kernelOverflows: 0, drops: 0, queueDrops: 0 };

  if (unsupported.length > 0) {
    log.add({
      code: 'NJ_SOURCE_UNSUPPORTED_EVENTS',
      severity: 'warning',
      message: `${source}: Linux cannot observe ${unsupported.join(', ')}; rules on them will not fire (it produces ${LINUX_EVENT_TYPES.join(', ')})`,
      source,
      data: { events: unsupported },
    });
  }

  const backend: NativeLinuxBackend = new addon.LinuxBackend(supported, (msgs) => {
    for (const m of msgs) {
      n++;
      stats.lines++;
      const r = eventFromMessage(m as unknown as EsMessage, { source, line: n, offset: 0 });
      if (r instanceof DecodeError) stats.malformed++;
      else stats.events++;
      queue.push(r);
    }
  });
  try {
    backend.start();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const msg = (err as Error).message;
    throw code === SOURCE_ERROR_CODES.notRoot
      ? new SourcePermissionError(SOURCE_ERROR_CODES.notRoot, source, msg, { cause: err })
      : new SourceStartError(SOURCE_ERROR_CODES.failed, source, `the linux backend could not start: ${msg}`, { cause: err });
  }

  const dirWanted = supported.filter((n) => DIR_EVENT_TYPES.includes(n));
  if (dirWanted.length > 0 && !backend.stats().dirEvents) {
    log.add({
      code: 'NJ_SOURCE_UNSUPPORTED_EVENTS',
      severity: 'warning',
      message: `${source}: this kernel's fanotify cannot report ${dirWanted.join(', ')} (needs FAN_REPORT_DFID_NAME, Linux 5.9+); rules on them will not fire`,
      source,
      data: { events: dirWanted },
    });
  }

  function checkLosses(): void {
    const s = backend.stats();
    if (s.kernelOverflows > reported.kernelOverflows) {
      log.add({
        code: 'NJ_SOURCE_KERNEL_OVERFLOW',
        severity: 'warning',
        message: `${source}: the kernel dropped events (${s.kernelOverflows - reported.kernelOverflows} overflows); the sequence numbers show the gap`,
        source,
        data: { overflows: s.kernelOverflows },
      });
    }
    const qd = queue.drops;
    if (s.drops > reported.drops || qd > reported.queueDrops) {
      log.add({
        code: 'NJ_SOURCE_QUEUE_DROPS',
        severity: 'warning',
        message: `${source}: dropped ${s.drops - reported.drops + qd - reported.queueDrops} events because the consumer is behind`,
        source,
        data: { native: s.drops, queue: qd },
      });
    }
    reported = { kernelOverflows: s.kernelOverflows, drops: s.drops, queueDrops: qd };
    stats.drops = s.drops + qd;
  }

  // The loss counters are polled even when no event arrives.
  const poll = setInterval(() => {
    checkLosses();
    queue.wake();
  }, 1000);
  poll.unref();

  async function* run(): AsyncGenerator<EventBatch> {
    for (;;) {
      const items = await queue.take(batchSize);
      checkLosses();
      stats.queueDepth = queue.size;
      const diagnostics = log.take();
      if (items.length === 0 && diagnostics === undefined) {
        if (queue.closed && queue.size === 0) break;
        continue;
      }
      const events: NightjarEvent[] = [];
      const errors: DecodeError[] = [];
      for (const it of items) {
        if (it instanceof DecodeError) errors.push(it);
        else events.push(it);
      }
      stats.batches++;
      yield { events, errors, diagnostics };
    }
  }

  return {
    kind: 'linux',
    [Symbol.asyncIterator]() {
      if (iterated) throw new SourceError(SOURCE_ERROR_CODES.badOptions, source, 'a source can be iterated only once');
      iterated = true;
      return run();
    },
    stats: () => ({ ...stats, queueDepth: queue.size }),
    diagnostics: () => log.list(),
    failures: () => failures,
    backfill: () => backend.backfill() as unknown as EsProcess[],
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      backend.stop();
      queue.close();
    },
  };
}
