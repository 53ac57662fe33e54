/**
 * The rule oracles: a rule file goes through the lenient loader (`parseRuleText`), the linter and
 * the strict loader, then what compiled runs in an engine over probe events with long fields.
 * Checked: nothing throws but the typed errors; every diagnostic and finding points inside the file
 * (file:line:col); load and lint cost at most 100 ms per rule; each probe event at most the event
 * bound; the engine's wildcard matching and `x of` name patterns agree with the reference matchers.
 */
import { Engine, NightjarError, decodeLine, type EvalContext, type NightjarEvent } from '@nightjar/core';
import { RULE_DIAGNOSTIC_CODES, compileRuleText, globMatch, parseRuleText } from '@nightjar/rules';
import { lint } from '@nightjar/ruletools';
import { eventBoundMs } from './event-oracle.js';
import { clip, cpuMsMin, type Violation } from './findings.js';
import { namePatternMatch, sigmaMatch, sigmaTokens } from './reference.js';

/** Load (and, separately, lint) cost bound per rule document. */
export const RULE_BOUND_MS = 100;

/** The bound for a file of `chars` characters: 100 ms per rule, plus 1 ms per KB (parsing YAML is linear in its size). */
export function ruleBoundMs(chars: number): number {
  return RULE_BOUND_MS + chars / 1024;
}

const CODES = new Set<string>(RULE_DIAGNOSTIC_CODES);
const FILE = 'fuzz.yml';

function located(
  what: string,
  d: { file: string; line: number; col: number; message: string },
  lineCount: number,
): Violation | undefined {
  const ok =
    d.file === FILE &&
    Number.isInteger(d.line) &&
    d.line >= 1 &&
    d.line <= lineCount + 1 &&
    Number.isInteger(d.col) &&
    d.col >= 1;
  return ok
    ? undefined
    : {
        oracle: 'unlocated',
        message: `${what} at ${d.file}:${d.line}:${d.col} (file has ${lineCount} lines): ${clip(d.message)}`,
      };
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** A cost that repeats: over the bound in wall time, then again in CPU time (the first run may have paid for JIT or GC). */
function repeatMs(f: () => unknown, first: number, bound: number): number {
  if (first <= bound) return first;
  return Math.min(first, cpuMsMin(f, bound));
}

export interface RuleRunResult {
  readonly violations: Violation[];
  readonly documents: number;
  readonly worstMs: number;
}

/**
 * Runs one rule file's text through loader, linter, strict loader and an engine over `probes`.
 * Never throws.
 */
export function runRuleText(
  text: string,
  probes: readonly NightjarEvent[],
  opts: { timing?: boolean } = {},
): RuleRunResult {
  const timing = opts.timing !== false;
  const v: Violation[] = [];
  const lineCount = text.split('\n').length;
  // What a slow rule has, so a cost is put down to the known finding it shows.
  const hasOf = /\b(?:1|all|any) of [^\s")]*\*[^\s")]*\*/.test(text);
  const hasWildcard = /[*?]/.test(text);
  const traits = hasOf
    ? '; its condition has an `x of` pattern with several stars'
    : hasWildcard
      ? '; it has wildcard values'
      : '';
  const loadBound = ruleBoundMs(text.length);
  let worst = 0;

  let loaded: ReturnType<typeof parseRuleText>;
  try {
    const t = timed(() => parseRuleText(text, FILE));
    loaded = t.value;
    const docs = Math.max(1, loaded.documents.length);
    const ms = timing ? repeatMs(() => parseRuleText(text, FILE), t.ms, loadBound * docs) : 0;
    worst = Math.max(worst, ms / docs);
    if (ms > loadBound * docs)
      v.push({
        oracle: 'cost',
        message: `rule load took ${ms.toFixed(0)} ms for ${docs} document(s) of ${text.length} chars (bound ${loadBound.toFixed(0)} ms each)${traits}`,
      });
  } catch (err) {
    return {
      violations: [{ oracle: 'crash', message: `parseRuleText threw: ${clip(String(err))}` }],
      documents: 0,
      worstMs: 0,
    };
  }
  const documents = loaded.documents.length;
  for (const d of loaded.diagnostics) {
    const u = located(`diagnostic ${d.code}`, d, lineCount);
    if (u) v.push(u);
    if (!CODES.has(d.code))
      v.push({ oracle: 'unlocated', message: `diagnostic with an unlisted code ${d.code}: ${clip(d.message)}` });
  }

  try {
    const t = timed(() => lint.lintDocuments(loaded));
    const docs = Math.max(1, documents);
    const ms = timing ? repeatMs(() => lint.lintDocuments(loaded), t.ms, loadBound * docs) : 0;
    worst = Math.max(worst, ms / docs);
    if (ms > loadBound * docs)
      v.push({
        oracle: 'cost',
        message: `lint (after load) took ${ms.toFixed(0)} ms for ${docs} document(s) of ${text.length} chars (bound ${loadBound.toFixed(0)} ms each)${traits}`,
      });
    for (const f of t.value.findings) {
      const u = located(`lint finding ${f.checkId}`, f, lineCount);
      if (u) v.push(u);
    }
  } catch (err) {
    v.push({
      oracle: 'crash',
      message: `lintDocuments threw: ${clip(err instanceof Error ? (err.stack ?? err.message) : String(err), 600)}`,
    });
  }

  // The strict loader is the lenient one plus "throw when any diagnostic is an error": its ruleset
  // is the lenient result's, so the file is compiled once.
  const ruleset = loaded.diagnostics.some((d) => d.severity === 'error') ? undefined : loaded.ruleset;
  if (ruleset !== undefined && ruleset.rules.length > 0) {
    let engine: Engine | undefined;
    try {
      engine = new Engine(ruleset);
    } catch (err) {
      // A correlation the engine refuses (timespan over its limit…) is a typed error with a code.
      if (!(err instanceof NightjarError))
        v.push({ oracle: 'crash', message: `new Engine threw ${clip(String(err))}` });
    }
    if (engine !== undefined) {
      const names = new Set(ruleset.rules.flatMap((r) => r.eventTypes ?? ['*']));
      for (const ev of probes) {
        if (!names.has(ev.name) && !names.has('*')) continue;
        const bytes = JSON.stringify(ev.msg).length;
        const t = timed(() => {
          try {
            engine.push(ev);
            return undefined;
          } catch (err) {
            return err;
          }
        });
        if (t.value !== undefined)
          v.push({
            oracle: 'crash',
            message: `Engine.push threw on a ${ev.name} probe: ${clip(t.value instanceof Error ? t.value.message : JSON.stringify(t.value))}`,
          });
        for (const d of engine.drainDiagnostics())
          if (d.code === 'NJ_RULE_ERROR')
            v.push({ oracle: 'rule-error', message: `${ev.name} probe: ${clip(d.message)}` });
        if (!timing) continue;
        const bound = eventBoundMs(bytes);
        let ms = t.ms;
        if (ms > bound) {
          const ctx: EvalContext = { lineage: engine.lineage! };
          ms = Math.min(
            ms,
            cpuMsMin(() => {
              for (const r of ruleset.rules) {
                try {
                  r.match(ev, ctx);
                } catch {
                  // counted above
                }
              }
            }, bound),
          );
        }
        worst = Math.max(worst, ms);
        if (ms > bound)
          v.push({
            oracle: 'cost',
            message: `a ${ev.name} probe of ${bytes} bytes took ${ms.toFixed(1)} ms (bound ${bound.toFixed(1)} ms)${hasWildcard ? ' with wildcard values' : ''}`,
          });
      }
      try {
        engine.flush();
      } catch (err) {
        v.push({ oracle: 'crash', message: `Engine.flush threw ${clip(String(err))}` });
      }
    }
  }
  return { violations: v, documents, worstMs: worst };
}

/**
 * Probe events: one real event per type from `lines`, with its paths, signing id and arguments
 * made long (64 KB of command line, as in the cost reports), so a rule's matching cost shows.
 */
export function makeProbes(lines: readonly string[]): NightjarEvent[] {
  const seen = new Set<string>();
  const out: NightjarEvent[] = [];
  const long = (n: number, unit = 'a'): string => unit.repeat(n);
  for (const l of lines) {
    const ev = decodeLine(l);
    if (ev instanceof Error || seen.has(ev.name)) continue;
    seen.add(ev.name);
    const msg = JSON.parse(l) as Record<string, unknown>;
    const stretch = (o: unknown, depth: number): void => {
      if (typeof o !== 'object' || o === null || depth > 5) return;
      for (const [k, val] of Object.entries(o)) {
        if (k === 'args' && Array.isArray(val)) (o as Record<string, unknown>)[k] = [long(32768), long(32768, 'a/')];
        else if (typeof val === 'string' && /path|signing_id|team_id|name/.test(k))
          (o as Record<string, unknown>)[k] = long(4096);
        else stretch(val, depth + 1);
      }
    };
    stretch(msg, 0);
    const probe = decodeLine(JSON.stringify(msg));
    if (!(probe instanceof Error)) out.push(probe);
  }
  return out;
}

/** Differential: a wildcard value on a field, compiled by the rules package, against the reference. */
export function wildcardDifferential(
  value: string,
  subject: string,
  modifier: '' | 'contains' | 'startswith' | 'endswith',
): Violation[] {
  const text = [
    'title: wildcard differential',
    'logsource: {product: macos, service: endpointsecurity, category: open}',
    'detection:',
    `  sel: {"event.open.file.path${modifier ? `|${modifier}` : ''}": ${JSON.stringify(value)}}`,
    '  condition: sel',
  ].join('\n');
  let rs: ReturnType<typeof compileRuleText>;
  try {
    rs = compileRuleText(text, FILE);
  } catch (err) {
    // Sigma has no invalid plain string value: whatever the text, it must compile.
    return [
      { oracle: 'reference', message: `value ${clip(JSON.stringify(value))} did not compile: ${clip(String(err))}` },
    ];
  }
  const line = JSON.stringify({
    event_type: 10,
    time: '2024-01-01T00:00:00Z',
    version: 7,
    process: { audit_token: { pid: 1, pidversion: 1 }, executable: { path: '/bin/x' } },
    event: { open: { fflag: 1, file: { path: subject } } },
  });
  const ev = decodeLine(line);
  if (ev instanceof Error) return [{ oracle: 'crash', message: `probe line did not decode: ${ev.message}` }];
  const ctx: EvalContext = {
    lineage: {
      parent: () => undefined,
      realParent: () => undefined,
      responsible: () => undefined,
      ancestors: () => [],
    },
  };
  let got: boolean;
  const t0 = performance.now();
  try {
    got = rs.rules[0]!.match(ev, ctx);
  } catch (err) {
    return [{ oracle: 'crash', message: `match threw: ${clip(String(err))}` }];
  }
  const ms = performance.now() - t0;
  const out: Violation[] = [];
  const want = referenceWildcard(value, subject, modifier);
  if (got !== want)
    out.push({
      oracle: 'reference',
      message: `${modifier || 'plain'} value ${clip(JSON.stringify(value))} on ${clip(JSON.stringify(subject))}: engine ${got}, reference ${want}`,
    });
  const bound = eventBoundMs(line.length);
  if (ms > bound) {
    const ms2 = cpuMsMin(() => rs.rules[0]!.match(ev, ctx), bound);
    if (ms2 > bound)
      out.push({
        oracle: 'cost',
        message: `wildcard value ${clip(JSON.stringify(value), 60)} took ${ms2.toFixed(1)} ms on a ${subject.length}-char subject (bound ${bound.toFixed(1)} ms)`,
      });
  }
  return out;
}

function referenceWildcard(value: string, subject: string, modifier: string): boolean {
  // The modifiers add wildcard tokens around the value's own tokens (not text: a trailing `\` stays literal).
  const tokens = sigmaTokens(value);
  const star = { kind: 'star' as const };
  const wrapped = [
    ...(modifier === 'contains' || modifier === 'endswith' ? [star] : []),
    ...tokens,
    ...(modifier === 'contains' || modifier === 'startswith' ? [star] : []),
  ];
  // Rebuild a value whose tokens are `wrapped`, and match it with the reference.
  const esc = wrapped
    .map((t) =>
      t.kind === 'star'
        ? '*'
        : t.kind === 'one'
          ? '?'
          : t.ch === '*' || t.ch === '?' || t.ch === '\\'
            ? `\\${t.ch}`
            : t.ch,
    )
    .join('');
  return sigmaMatch(esc, subject);
}

/** Differential: the `x of` name pattern matcher against the reference, on the given names. */
export function namePatternDifferential(pattern: string, names: readonly string[]): Violation[] {
  const out: Violation[] = [];
  for (const n of names) {
    const t0 = performance.now();
    const got = globMatch(pattern, n);
    const ms = performance.now() - t0;
    const want = namePatternMatch(pattern, n);
    if (got !== want)
      out.push({
        oracle: 'reference',
        message: `\`x of ${clip(pattern, 80)}\` on ${JSON.stringify(n)}: engine ${got}, reference ${want}`,
      });
    // Confirmed in CPU time: the first call of a fresh matcher pays for its compilation.
    const cpu = ms > 1 ? cpuMsMin(() => globMatch(pattern, n), 1) : ms;
    if (cpu > 1)
      out.push({
        oracle: 'cost',
        message: `\`x of\` pattern ${clip(pattern, 80)} took ${cpu.toFixed(1)} ms on one name (rule load)`,
      });
  }
  return out;
}
