/**
 * Turns a ProfileCollector into the profile document every renderer draws from (and `--format json`
 * prints as is). Lists are sorted by count, then name, so output is deterministic.
 */
import { eventTypeByName, formatTimeUs } from '@nightjar/core';
import type { ProfileCollector } from './collect.js';

/** A sequence gap seen in the capture. `event_type` is absent for global_seq_num gaps. */
export interface ProfileGap {
  source: string;
  host?: string;
  event_type?: string;
  expected: number;
  seen: number;
  missing: number;
  /** Event time (µs) of the message after the gap, and of the one before it. */
  time: number;
  prev_time: number;
}

export interface ProfileRestart {
  source: string;
  host?: string;
  event_type?: string;
  previous: number;
  seen: number;
  time: number;
}

export interface Counted {
  name: string;
  count: number;
  /** Fraction of all events (0–1). */
  share: number;
}

export interface TypeRow extends Counted {
  /** es_event_type_t number, when ES knows the name. */
  es_type?: number;
  /** Whether the ruleset needs this type. */
  needed: boolean;
  /** The processes producing most of this type. */
  top_processes: { path: string; count: number }[];
}

export interface Talker {
  entity_id: string;
  pid: number;
  path: string;
  count: number;
  share: number;
}

export interface RateBucket {
  /** Bucket start (µs). */
  start: number;
  count: number;
  by_type: Record<string, number>;
}

export interface Profile {
  inputs: string[];
  events: number;
  malformed: number;
  time: {
    first: string | null;
    last: string | null;
    first_us: number | null;
    last_us: number | null;
    duration_s: number;
    out_of_order: number;
  };
  by_type: TypeRow[];
  by_process: Counted[];
  by_signing_id: Counted[];
  top_talkers: Talker[];
  unknown_types: Counted[];
  message_versions: Record<string, number>;
  hosts: Record<string, number>;
  gaps: { count: number; missing: number; restarts: number; list: ProfileGap[]; restart_list: ProfileRestart[] };
  rate: { bucket_s: number; peak: number; mean: number; buckets: RateBucket[] };
  ruleset: {
    paths: string[];
    rules: number;
    correlations: number;
    required: string[];
    /** Types in the capture that no rule needs: subscribing without them saves their share. */
    unneeded: Counted[];
    unneeded_events: number;
    unneeded_share: number;
    /** Types the rules need that the capture does not contain: rules on them cannot fire here. */
    absent: string[];
  } | null;
}

export interface ProfileLimits {
  processes: number;
  signingIds: number;
  talkers: number;
  perType: number;
}

export const DEFAULT_LIMITS: ProfileLimits = { processes: 25, signingIds: 25, talkers: 15, perType: 5 };

function top(map: Map<string, number>, total: number, n: number): Counted[] {
  return [...map]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([name, count]) => ({ name, count, share: total > 0 ? count / total : 0 }));
}

export interface RulesetInfo {
  paths: string[];
  rules: number;
  correlations: number;
  required: readonly string[];
}

export function buildProfile(
  c: ProfileCollector,
  opts: {
    inputs: string[];
    malformed: number;
    ruleset: RulesetInfo | null;
    limits?: ProfileLimits;
    displaySource?: (s: string) => string;
  },
): Profile {
  const lim = opts.limits ?? DEFAULT_LIMITS;
  const show = opts.displaySource ?? ((s: string) => s);
  const total = c.events;
  const required = new Set(opts.ruleset?.required ?? []);
  const byType: TypeRow[] = [...c.types]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([name, t]) => {
      const info = eventTypeByName(name);
      return {
        name,
        count: t.count,
        share: total > 0 ? t.count / total : 0,
        ...(info ? { es_type: info.type } : {}),
        needed: required.has(name),
        top_processes: top(t.byPath, t.count, lim.perType).map(({ name: path, count }) => ({ path, count })),
      };
    });
  const talkers: Talker[] = [...c.processes]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .slice(0, lim.talkers)
    .map(([entity_id, p]) => ({
      entity_id,
      pid: p.pid,
      path: p.path,
      count: p.count,
      share: total > 0 ? p.count / total : 0,
    }));

  const buckets: RateBucket[] = [];
  let peak = 0;
  if (c.buckets.size > 0) {
    const keys = [...c.buckets.keys()].sort((a, b) => a - b);
    // Empty seconds are part of the picture (a pause, or drops), so fill them in.
    // keys is non-empty: c.buckets has at least one entry.
    for (let k = keys[0]!; k <= keys[keys.length - 1]!; k++) {
      const m = c.buckets.get(k);
      let count = 0;
      const by: Record<string, number> = {};
      if (m)
        for (const [n, v] of m) {
          by[n] = v;
          count += v;
        }
      if (count > peak) peak = count;
      buckets.push({ start: k * c.bucketUs, count, by_type: by });
    }
  }
  const bucketS = c.bucketUs / 1e6;
  const seq = c.sequence.metrics();
  const hasTime = Number.isFinite(c.firstTime);
  const durationS = hasTime ? (c.lastTime - c.firstTime) / 1e6 : 0;

  let ruleset: Profile['ruleset'] = null;
  if (opts.ruleset) {
    const unneeded = byType.filter((t) => !t.needed).map(({ name, count, share }) => ({ name, count, share }));
    const unneededEvents = unneeded.reduce((s, t) => s + t.count, 0);
    ruleset = {
      paths: opts.ruleset.paths,
      rules: opts.ruleset.rules,
      correlations: opts.ruleset.correlations,
      required: [...required].sort(),
      unneeded,
      unneeded_events: unneededEvents,
      unneeded_share: total > 0 ? unneededEvents / total : 0,
      absent: [...required].filter((n) => !c.types.has(n)).sort(),
    };
  }

  return {
    inputs: opts.inputs,
    events: total,
    malformed: opts.malformed,
    time: {
      first: hasTime ? formatTimeUs(c.firstTime) : null,
      last: hasTime ? formatTimeUs(c.lastTime) : null,
      first_us: hasTime ? c.firstTime : null,
      last_us: hasTime ? c.lastTime : null,
      duration_s: durationS,
      out_of_order: c.outOfOrder,
    },
    by_type: byType,
    by_process: top(c.paths, total, lim.processes),
    by_signing_id: top(c.signingIds, total, lim.signingIds),
    top_talkers: talkers,
    unknown_types: top(c.unknownTypes, total, 50),
    message_versions: Object.fromEntries(
      [...c.versions].sort((a, b) => a[0] - b[0]).map(([v, n]) => [v < 0 ? 'none' : String(v), n]),
    ),
    hosts: Object.fromEntries([...c.hosts].sort()),
    gaps: {
      count: seq.gaps,
      missing: seq.missing,
      restarts: seq.restarts,
      list: c.sequence.gaps().map((g) => ({
        source: show(g.source),
        ...(g.host !== undefined ? { host: g.host } : {}),
        ...(g.eventType !== undefined ? { event_type: g.eventType } : {}),
        expected: g.expected,
        seen: g.seen,
        missing: g.missing,
        time: g.time,
        prev_time: g.prevTime,
      })),
      restart_list: c.sequence.restarts().map((r) => ({
        source: show(r.source),
        ...(r.host !== undefined ? { host: r.host } : {}),
        ...(r.eventType !== undefined ? { event_type: r.eventType } : {}),
        previous: r.previous,
        seen: r.seen,
        time: r.time,
      })),
    },
    rate: { bucket_s: bucketS, peak, mean: buckets.length > 0 ? total / buckets.length : 0, buckets },
    ruleset,
  };
}
