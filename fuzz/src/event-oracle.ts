/**
 * The event oracles: a stream of lines goes through the decoder the CLI uses (header scan for
 * unneeded types) and an engine with the real rules, and is checked against
 * - no exception out of decode() or push();
 * - every line accounted for (decoded, skipped or a DecodeError), every DecodeError and engine
 *   diagnostic located at its line (and byte offset);
 * - the slow reference paths: JSON.parse of every line (decodeLine) for what the header scan
 *   decides (a skipped line may be broken where the scan does not look: by design without
 *   --strict), and for what the decoder `scan --strict` uses decides (exactly the lines JSON.parse
 *   refuses are refused); every rule's predicate run on its own (no prefilter index, no getter
 *   memo) for which rules the engine matched;
 * - a cost bound per rule and event (1 ms, plus 1 ms per 64 KB of line for the linear work every
 *   field read needs), confirmed in CPU time on the reference path before it is reported;
 * - number/key agreement: a line whose event_type number names another event than its payload key
 *   gets a located diagnostic.
 */
import {
  DecodeError,
  Engine,
  createDecoder,
  decodeLine,
  canonicalEventName,
  eventTypeByNumber,
  isKnownEventName,
  type CompiledRule,
  type CompiledRuleSet,
  type EvalContext,
  type LineageResolver,
  type NightjarEvent,
} from '@nightjar/core';
import { clip, type Violation } from './findings.js';

/** Cost bound of one rule on one event: 1 ms, plus 1 ms per 64 KB of line (reading a field is linear in its size). */
export function eventBoundMs(lineBytes: number): number {
  return 1 + lineBytes / 65536;
}

/** Nesting beyond which a recursive walk is the likely cost (the depth bound owed by the getters). */
const DEEP = 64;

/** The deepest `[`/`{` nesting of a JSON text, strings skipped. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** A ruleset whose predicates record which rules the engine ran and matched. */
export interface Instrumented {
  readonly ruleset: CompiledRuleSet;
  readonly rules: readonly CompiledRule[];
  readonly hits: Set<CompiledRule>;
}

export function instrument(rs: CompiledRuleSet): Instrumented {
  const hits = new Set<CompiledRule>();
  const rules = rs.rules.map((r) => {
    const wrapped: CompiledRule = {
      ...r,
      match: (ev, ctx) => {
        const m = r.match(ev, ctx);
        if (m) hits.add(r);
        return m;
      },
    };
    return wrapped;
  });
  return {
    ruleset: { rules, correlations: rs.correlations, requiredEventTypes: () => rs.requiredEventTypes() },
    rules: rs.rules,
    hits,
  };
}

const NO_LINEAGE: LineageResolver = {
  parent: () => undefined,
  realParent: () => undefined,
  responsible: () => undefined,
  ancestors: () => [],
};

export interface EventRunResult {
  readonly violations: Violation[];
  /** Lines pushed, and the slowest event (ms, line number). */
  readonly lines: number;
  readonly worstMs: number;
  readonly worstLine: number;
}

function rulesFor(rules: readonly CompiledRule[], name: string): CompiledRule[] {
  return rules.filter((r) => r.eventTypes === null || r.eventTypes.includes(name));
}

/** The slow path: each rule's own predicate, no memo; returns the matching rules and the slowest rule. */
function referenceMatch(
  rules: readonly CompiledRule[],
  ev: NightjarEvent,
  lineage: LineageResolver,
  clock: () => number = () => performance.now(),
  epoch?: number,
): { hits: Set<CompiledRule>; errors: string[]; slowest: CompiledRule | undefined; slowestMs: number } {
  const ctx: EvalContext = epoch === undefined ? { lineage } : { lineage, epoch };
  const hits = new Set<CompiledRule>();
  const errors: string[] = [];
  let slowest: CompiledRule | undefined;
  let slowestMs = 0;
  for (const r of rulesFor(rules, ev.name)) {
    const t0 = clock();
    try {
      if (r.match(ev, ctx)) hits.add(r);
    } catch (err) {
      errors.push(`${r.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ms = clock() - t0;
    if (ms > slowestMs) {
      slowestMs = ms;
      slowest = r;
    }
  }
  return { hits, errors, slowest, slowestMs };
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Getter-memo epochs for the cost check: negative, so they never equal one the engine used. */
let costEpoch = 0;

function same(a: NightjarEvent, b: NightjarEvent): string | undefined {
  for (const k of ['name', 'type', 'time', 'seq', 'globalSeq', 'host'] as const) {
    if (!Object.is(a[k], b[k])) return `${k}: ${String(a[k])} (header scan) vs ${String(b[k])} (JSON.parse)`;
  }
  return undefined;
}

/** Lines whose event_type number is a known ES event other than the one their payload key names. */
function mismatch(ev: NightjarEvent): string | undefined {
  if (ev.msg === null || ev.payloadKey === undefined) return undefined;
  const byNumber = eventTypeByNumber(ev.type)?.name;
  const key = canonicalEventName(ev.payloadKey);
  const byKey = isKnownEventName(key) ? key : undefined;
  if (byKey === undefined || byNumber === byKey) return undefined;
  return `event_type ${ev.type} is ${byNumber ?? 'not an ES type'} but the payload key is ${ev.payloadKey}`;
}

/**
 * Runs `lines` (one source, lines numbered from 1, offsets in UTF-8 bytes) through a decoder and an
 * engine over `inst`, and returns every oracle violation. Never throws.
 */
export function runEventLines(
  lines: readonly string[],
  inst: Instrumented,
  opts: { timing?: boolean } = {},
): EventRunResult {
  const v: Violation[] = [];
  const timing = opts.timing !== false;
  let engine: Engine;
  try {
    engine = new Engine(inst.ruleset);
  } catch (err) {
    return {
      violations: [{ oracle: 'crash', message: `new Engine: ${String(err)}` }],
      lines: 0,
      worstMs: 0,
      worstLine: 0,
    };
  }
  const lineage = engine.lineage ?? NO_LINEAGE;
  const dec = createDecoder({ eventTypes: engine.requiredEventTypes(), source: 'fuzz' });
  // What `scan --strict` reads with: every line parsed, also those of types no rule needs.
  const strict = createDecoder({ eventTypes: engine.requiredEventTypes(), source: 'fuzz', skipStrategy: 'parse' });
  let offset = 0;
  let pushed = 0;
  let worstMs = 0;
  let worstLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const where = `line ${lineNo} (byte ${offset})`;
    let r: NightjarEvent | DecodeError;
    try {
      r = dec.decode(line, lineNo, offset);
    } catch (err) {
      v.push({ oracle: 'crash', message: `decode threw at ${where}: ${String(err)}` });
      offset += Buffer.byteLength(line) + 1;
      continue;
    }
    const ref = decodeLine(line, lineNo, offset, 'fuzz');
    let sr: NightjarEvent | DecodeError;
    try {
      sr = strict.decode(line, lineNo, offset);
    } catch (err) {
      sr = new DecodeError('crash', String(err), { line: lineNo, offset, source: 'fuzz' });
      v.push({ oracle: 'crash', message: `strict decode threw at ${where}: ${String(err)}` });
    }
    // --strict must refuse exactly what JSON.parse refuses, located, and name what it accepts alike.
    if (sr instanceof DecodeError !== ref instanceof DecodeError)
      v.push({
        oracle: 'reference',
        message: `${where}: the strict decoder ${sr instanceof DecodeError ? `refused a line JSON.parse accepts: ${clip(sr.message)}` : `accepted a line JSON.parse refuses (${clip((ref as DecodeError).message, 120)})`}`,
      });
    else if (!(sr instanceof DecodeError) && !(ref instanceof DecodeError)) {
      const d = same(sr, ref);
      if (d !== undefined) v.push({ oracle: 'reference', message: `${where}: strict decoder vs JSON.parse: ${d}` });
    } else if (sr instanceof DecodeError && (sr.line !== lineNo || sr.offset !== offset))
      v.push({
        oracle: 'unlocated',
        message: `strict DecodeError at ${where} says line ${sr.line} byte ${sr.offset}: ${clip(sr.message)}`,
      });
    if (r instanceof DecodeError) {
      if (
        r.line !== lineNo ||
        r.offset !== offset ||
        !r.message.includes(`fuzz:${lineNo}`) ||
        !r.message.includes(`(byte ${offset})`)
      )
        v.push({
          oracle: 'unlocated',
          message: `DecodeError at ${where} says line ${r.line} byte ${r.offset}: ${clip(r.message)}`,
        });
      if (!(ref instanceof DecodeError))
        v.push({
          oracle: 'reference',
          message: `${where}: the decoder refused a line JSON.parse accepts: ${clip(r.message)}`,
        });
    } else {
      if (ref instanceof DecodeError) {
        // Without --strict, the header scan checks a line of a type no rule needs only as far as it
        // reads it (documented in the core README): a broken value it skips passes. That is by
        // design; the strict decoder, checked above, must refuse it.
        if (!r.skipped)
          v.push({
            oracle: 'reference',
            message: `${where}: the decoder accepted a line JSON.parse refuses (${clip(ref.message, 120)})`,
          });
      } else {
        const d = same(r, ref);
        const why = mismatch(ref);
        if (d !== undefined)
          v.push({
            oracle: 'reference',
            message: `${where}: ${d}${why !== undefined ? ` (${why}: the event_type number and payload key disagree)` : ''}`,
          });
      }
      inst.hits.clear();
      const t0 = timing ? performance.now() : 0;
      let threw = false;
      try {
        engine.push(r);
      } catch (err) {
        threw = true;
        v.push({ oracle: 'crash', message: `Engine.push threw at ${where}: ${clip(String(err))}` });
      }
      const ms = timing ? performance.now() - t0 : 0;
      pushed++;
      const located = new Set<number>();
      // An event nested deeper than the engine walks is refused on purpose (no alert, one located
      // NJ_EVENT_DEPTH): the slow path, which has no such bound, is then not a reference.
      let refusedDeep = false;
      for (const d of engine.drainDiagnostics()) {
        if (d.line !== undefined) located.add(d.line);
        if (d.code === 'NJ_EVENT_DEPTH' && d.line === lineNo) refusedDeep = true;
        if (d.code === 'NJ_RULE_ERROR') v.push({ oracle: 'rule-error', message: `${where}: ${clip(d.message)}` });
        else if (d.line === undefined && d.time === undefined)
          v.push({
            oracle: 'unlocated',
            message: `engine diagnostic ${d.code} after ${where} has no line or time: ${clip(d.message)}`,
          });
      }
      const mm = mismatch(r);
      if (mm !== undefined && !located.has(lineNo))
        v.push({ oracle: 'silent-mismatch', message: `${where}: ${mm}, and nothing said so` });
      // After a push that threw, the engine's matches are partial: the crash is the finding.
      if (!threw && !refusedDeep && !r.skipped && r.msg !== null) {
        const slow = referenceMatch(inst.rules, r, lineage);
        for (const e of slow.errors)
          if (/call stack/i.test(e)) v.push({ oracle: 'rule-error', message: `${where}: ${clip(e)}` });
        const missing = [...slow.hits].filter((h) => !inst.hits.has(h)).map((h) => h.id);
        const extra = [...inst.hits].filter((h) => !slow.hits.has(h)).map((h) => h.id);
        if (missing.length > 0 || extra.length > 0) {
          const depth = nestingDepth(line);
          v.push({
            oracle: 'reference',
            message: `${where}: the engine's matches differ from each rule run alone: missed [${missing.join(', ')}], extra [${extra.join(', ')}]${depth > DEEP ? ` (the line nests ${depth} deep)` : ''}`,
          });
        }
        if (timing && ms > eventBoundMs(line.length)) {
          // The bound is per rule ("any regex or wildcard"): find the slowest rule, timed in CPU
          // time (wall time on a shared box includes time the process was not running), with the
          // getter memo on as in the engine, three times; report only a cost that repeats.
          let best = Infinity;
          let who: CompiledRule | undefined;
          for (let k = 0; k < 3 && best > eventBoundMs(line.length); k++) {
            const again = referenceMatch(inst.rules, r, lineage, cpuNow, --costEpoch);
            if (again.slowestMs < best) {
              best = again.slowestMs;
              who = again.slowest;
            }
          }
          if (best > eventBoundMs(line.length)) {
            const depth = nestingDepth(line);
            v.push({
              oracle: 'cost',
              message: `${where}: rule ${who?.id ?? '?'} took ${best.toFixed(1)} ms on one ${r.name} event of ${line.length} chars (bound ${eventBoundMs(line.length).toFixed(1)} ms per rule)${depth > DEEP ? ` (the line nests ${depth} deep)` : ''}`,
            });
          }
        }
        if (ms > worstMs) {
          worstMs = ms;
          worstLine = lineNo;
        }
      }
    }
    offset += Buffer.byteLength(line) + 1;
  }
  try {
    engine.flush();
  } catch (err) {
    v.push({ oracle: 'crash', message: `Engine.flush threw: ${clip(String(err))}` });
  }
  for (const [name, d] of [
    ['decoder', dec],
    ['strict decoder', strict],
  ] as const) {
    const s = d.stats();
    const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
    if (s.lines !== lines.length || s.decoded + s.skipped + errors !== lines.length)
      v.push({
        oracle: 'uncounted',
        message: `${lines.length} lines in, ${name} counted ${s.lines} (${s.decoded} decoded + ${s.skipped} skipped + ${errors} errors)`,
      });
  }
  const m = engine.metrics();
  if (m.events !== pushed)
    v.push({ oracle: 'counters', message: `${pushed} events pushed, engine counted ${m.events}` });
  return { violations: v, lines: lines.length, worstMs, worstLine };
}
