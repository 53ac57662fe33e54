/**
 * The telemetry profile of a capture (the seed's figures 4–8, computed instead of drawn by hand):
 * events per type, per process path, per signing id, top talkers, sequence gaps and the event rate
 * over time. Memory is bounded by the number of distinct types, paths and processes, and the rate
 * histogram coarsens itself so a capture spanning days stays a few thousand buckets.
 */
import { GapTracker, type NightjarEvent } from '@nightjar/core';

interface TypeEntry {
  count: number;
  byPath: Map<string, number>;
}

interface ProcEntry {
  path: string;
  pid: number;
  count: number;
}

/** Distinct paths, signing ids and processes tracked; past this, counts go to an `(other)` row. */
const MAX_KEYS = 200_000;
const MAX_KEYS_PER_TYPE = 20_000;

/** Counts `key`, or `(other)` once the map holds `cap` keys (hostile captures cannot grow it without bound). */
function bump(map: Map<string, number>, key: string, cap: number): void {
  const n = map.get(key);
  if (n !== undefined) map.set(key, n + 1);
  else if (map.size < cap) map.set(key, 1);
  else map.set('(other)', (map.get('(other)') ?? 0) + 1);
}

/** Distinct event names tracked; the rest are counted under OTHER_TYPES. */
const MAX_TYPES = 1024;
const OTHER_TYPES = 'unknown:(other)';
/** When the histogram would span more buckets than this, the bucket width doubles. */
const MAX_BUCKETS = 4096;

export class ProfileCollector {
  events = 0;
  /** Events of types no ES table knows (vendor records), by name. */
  readonly unknownTypes = new Map<string, number>();
  readonly types = new Map<string, TypeEntry>();
  readonly paths = new Map<string, number>();
  readonly signingIds = new Map<string, number>();
  readonly processes = new Map<string, ProcEntry>();
  /** Message versions seen (-1: no `version` key). */
  readonly versions = new Map<number, number>();
  readonly hosts = new Map<string, number>();
  firstTime = Infinity;
  lastTime = -Infinity;
  /** Events whose time is earlier than one already seen (capture not in time order). */
  outOfOrder = 0;
  /** Events of process instances not tracked individually (past the cap). */
  untrackedProcesses = 0;

  /** The engine's own gap detection, so profile and scan agree on what a gap is. */
  readonly sequence = new GapTracker({ maxGaps: 1000 });

  /** Histogram: bucket index (time / width) → per-type counts. */
  bucketUs = 1_000_000;
  readonly buckets = new Map<number, Map<string, number>>();

  #maxTime = -Infinity;
  #minKey = Infinity;
  #maxKey = -Infinity;

  add(ev: NightjarEvent): void {
    this.events++;
    let name = ev.name;
    let t = this.types.get(name);
    if (!t) {
      // Vendor type numbers are unbounded: past the cap, they share one row instead of growing the maps.
      if (this.types.size >= MAX_TYPES) name = OTHER_TYPES;
      t = this.types.get(name);
      if (!t) this.types.set(name, (t = { count: 0, byPath: new Map() }));
    }
    t.count++;
    if (name.startsWith('unknown:')) this.unknownTypes.set(name, (this.unknownTypes.get(name) ?? 0) + 1);

    const proc = ev.msg?.process;
    const path = proc?.executable?.path ?? '(unknown)';
    bump(this.paths, path, MAX_KEYS);
    bump(t.byPath, path, MAX_KEYS_PER_TYPE);
    bump(this.signingIds, proc?.signing_id ?? '(unsigned)', MAX_KEYS);
    if (proc) {
      let p = this.processes.get(ev.entityId);
      if (!p) {
        if (this.processes.size < MAX_KEYS) this.processes.set(ev.entityId, (p = { path, pid: ev.pid, count: 0 }));
        else this.untrackedProcesses++;
      }
      if (p) p.count++;
    }
    const v = ev.version ?? -1;
    this.versions.set(v, (this.versions.get(v) ?? 0) + 1);
    if (ev.host !== undefined) bump(this.hosts, ev.host, MAX_TYPES);

    if (Number.isFinite(ev.time)) {
      if (ev.time < this.firstTime) this.firstTime = ev.time;
      if (ev.time > this.lastTime) this.lastTime = ev.time;
      if (ev.time < this.#maxTime) this.outOfOrder++;
      else this.#maxTime = ev.time;
      this.#bucket(ev.time, name);
    }
    this.sequence.observe(ev);
  }

  #bucket(time: number, name: string): void {
    let k = Math.floor(time / this.bucketUs);
    if (k < this.#minKey) this.#minKey = k;
    if (k > this.#maxKey) this.#maxKey = k;
    // Bound the span, not just the count: the renderer fills empty buckets, and one event with a
    // wild timestamp must not make it loop over billions of seconds.
    while (this.#maxKey - this.#minKey + 1 > MAX_BUCKETS) {
      this.#coarsen();
      k = Math.floor(time / this.bucketUs);
    }
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = new Map<string, number>()));
    b.set(name, (b.get(name) ?? 0) + 1);
  }

  /** Doubles the bucket width and merges pairs. */
  #coarsen(): void {
    const old = [...this.buckets];
    this.buckets.clear();
    this.bucketUs *= 2;
    this.#minKey = Math.floor(this.#minKey / 2);
    this.#maxKey = Math.floor(this.#maxKey / 2);
    for (const [k, counts] of old) {
      const nk = Math.floor(k / 2);
      let b = this.buckets.get(nk);
      if (!b) this.buckets.set(nk, (b = new Map<string, number>()));
      for (const [n, c] of counts) b.set(n, (b.get(n) ?? 0) + c);
    }
  }
}
