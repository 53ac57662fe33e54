/** The JavaScript face of the compiled addon (binding.gyp → build/Release/nightjar_es.node). */
export interface NativeAddon {
  /** The live backend compiled in: `linux`, `es` (macOS), or `none`. */
  readonly backend: string;
  /** Linux builds: the proc connector + fanotify backend. */
  LinuxBackend?: new (
    events: string[],
    /**
     * `wire: 'json'`: eslogger JSON lines, whole lines in strings under 48 KiB (a batch may come in
     * several calls); else an array of message objects.
     */
    onBatch: (batch: Record<string, unknown>[] | string) => void,
    options?: {
      paths?: string[];
      mutePaths?: string[];
      mutePathPrefixes?: string[];
      mutePids?: number[];
      invertMuting?: boolean;
      wire?: 'json' | 'objects';
    },
  ) => NativeLinuxBackend;
  /** macOS builds: the Endpoint Security client set. */
  EsBackend?: EsBackendClass;
  /** macOS builds: the running processes through libproc. */
  backfillProcesses?: NativeBackfill;
}

/** Counters of the Linux backend. `error` is set when its thread stopped on its own (it then delivers nothing more). */
export interface NativeLinuxStats {
  messages: number;
  /** Kernel queue overflows of unknown size (netlink ENOBUFS; fanotify only without FAN_UNLIMITED_QUEUE). */
  kernelOverflows: number;
  /** Proc connector messages the kernel dropped, counted by their per-CPU sequence numbers. */
  kernelLost: number;
  /** Events dropped natively: built-queue full (before being built) or the hand-off to JS behind. */
  drops: number;
  batches: number;
  pending: number;
  /** Bytes held by the messages not yet taken by JS (bounded at 64 MiB, 16 384 messages). */
  pendingBytes: number;
  dirEvents: boolean;
  error?: string;
}

export interface NativeLinuxBackend {
  start(): void;
  stop(): void;
  stats(): NativeLinuxStats;
  backfill(): Record<string, unknown>[];
}

/** Per-client counters of the ES backend. `error`: set when the client stopped on its own. */
export interface NativeEsClientCounters {
  messages: number;
  seqGaps: number;
  seqMissing: number;
  globalGaps: number;
  globalMissing: number;
  queueDrops: number;
  error?: string;
}

/** An event type a client asked for and did not get (the OS lacks it, es_subscribe refused it, or the addon cannot translate it). */
export interface NativeEsUnavailable {
  /** Index of the client in the config. */
  client: number;
  /** es_event_type_t value. */
  type: number;
  /** Why, for people: `needs macOS 15.4 (this is 14.6)`, `refused by es_subscribe on macOS 14.6`, `not translated by this addon`. */
  reason: string;
}

export interface NativeEsBackend {
  start(): void;
  stop(): void;
  counters(): NativeEsClientCounters[];
  /** After start(): each requested event type that was not subscribed, and why. */
  unavailable?(): NativeEsUnavailable[];
}

/**
 * The ES backend's constructor: a config (clients, queue capacity, `wire`) and the batch callback:
 * (messages, client ids), or with `wire: 'json'` (strings of whole eslogger JSON lines under 48 KiB,
 * a batch in one or more calls, each with the client ids of its lines).
 */
export type EsBackendClass = new (
  cfg: unknown,
  cb: (m: Record<string, unknown>[] | string, c: ArrayLike<number>) => void,
) => NativeEsBackend;

/** Caps of one macOS backfill pass (native defaults: 32 768 processes, 64 KiB of argv per process). */
export interface BackfillLimits {
  maxProcesses?: number;
  maxArgBytes?: number;
}

/**
 * What the addon's `backfillProcesses()` returns on macOS (native/src/macos/proc_backfill_apple.cc):
 * ES process objects (message version 4 fields) and what could not be read, counted.
 */
export interface NativeBackfillResult {
  /** A process whose task audit token was refused carries `nj_no_pidversion: true`. */
  processes: Record<string, unknown>[];
  /** Pids listed (pid 0 excluded), before the cap. */
  listed: number;
  returned: number;
  /** Gone between the listing and their info (ESRCH), or reused twice while being read. */
  vanished: number;
  /** Reads discarded because the pid was reused while it was read (each re-read once). */
  reused: number;
  /** Zombies and exiting processes: not running, not returned. */
  exited: number;
  /** Pids past maxProcesses (the highest pids are the ones left out). */
  capped: number;
  noPidversion: number;
  /** Executable path longer than PROC_PIDPATHINFO_MAXSIZE: `path: ""`, `path_truncated: true`. */
  pathTooLong: number;
  noPath: number;
  /** argv not readable (KERN_PROCARGS2 refused): no `args` key. */
  noArgs: number;
  /** argv cut at maxArgBytes, or the kernel's copy ended early. */
  argsTruncated: number;
  maxProcesses: number;
  maxArgBytes: number;
}

export type NativeBackfill = (limits?: BackfillLimits) => NativeBackfillResult;
