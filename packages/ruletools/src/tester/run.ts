/**
 * The rule tester: runs every `tests:` case of every loaded rule in a fresh Engine holding only the
 * rule under test (plus, for a correlation, the rules it references), and counts only that rule's
 * alerts. Cases never share state, so their order does not matter.
 */
import { dirname, resolve } from 'node:path';
import { Engine } from '@nightjar/core';
import type { Alert, CompiledCorrelation, CompiledRule, CompiledRuleSet, NightjarEvent } from '@nightjar/core';
import { BriefEventError } from './brief.js';
import { TEST_ENGINE_OPTIONS, explainCorrelation, explainDetection, readPath, rulesetOf } from './explain.js';
import { eventsFromBrief, readFixture, type FixtureOptions } from './fixtures.js';
import { type SpecProblem, parseTestSpecs, rawTests } from './specs.js';
import { type RuleDocument, parseConditionSyntax } from '@nightjar/rules';
import { negatedOnly } from '../condition-analysis.js';
import { withoutConfigFiles } from '../rule-input.js';
import type { CaseResult, CoverageReport, LoadedRules, RuleResult, TestCaseSpec, TestReport } from './types.js';

export interface RunTestsOptions {
  readonly coverage?: boolean;
  /**
   * Runs only what matches (vitest's `-t`): a rule whose id or title matches runs every case, else
   * only its cases whose name matches; rules with nothing matching are left out of the report. A
   * string is a case-insensitive substring; a RegExp is tested as given.
   */
  readonly filter?: string | RegExp;
  /** The longest fixture line read (bytes; default 64 MiB): a longer line fails its case, located. */
  readonly maxLineBytes?: number | undefined;
}

/** The test of `RunTestsOptions.filter` (and of the variants check's). */
export function matcher(filter: string | RegExp | undefined): ((s: string) => boolean) | undefined {
  if (filter === undefined || filter === '') return undefined;
  if (filter instanceof RegExp) return (s) => filter.test(s);
  const needle = filter.toLowerCase();
  return (s) => s.toLowerCase().includes(needle);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function locate(doc: RuleDocument, path: (string | number)[]): { file: string; line: number; col: number } {
  try {
    return doc.locate(path);
  } catch {
    /* fall through */
  }
  return { file: doc.file, line: 1, col: 1 };
}

/** The sub-ruleset a case runs in: the rule under test, or a correlation and everything it references. */
export function subRuleset(target: CompiledRule | CompiledCorrelation, all: CompiledRuleSet): CompiledRuleSet {
  if (target.kind === 'detection') return rulesetOf([{ ...target, generate: true }]);
  const rules = new Map<string, CompiledRule>();
  const corrs = new Map<string, CompiledCorrelation>();
  const byId = new Map<string, CompiledRule | CompiledCorrelation>();
  for (const r of all.rules) byId.set(r.id, r);
  for (const c of all.correlations) byId.set(c.id, c);
  const visit = (c: CompiledCorrelation): void => {
    if (corrs.has(c.id)) return;
    corrs.set(c.id, c);
    for (const id of c.rules) {
      const r = byId.get(id);
      if (!r) continue;
      if (r.kind === 'detection') rules.set(r.id, r);
      else visit(r);
    }
  };
  visit(target);
  // The correlation under test always emits, even if it only feeds another one in the full set.
  corrs.set(target.id, { ...target, generate: true });
  return rulesetOf([...rules.values()], [...corrs.values()]);
}

export function runEngine(
  rs: CompiledRuleSet,
  events: readonly NightjarEvent[],
  ruleId: string,
): { alerts: Alert[]; hitIdx: Set<number> } {
  const engine = new Engine(rs, TEST_ENGINE_OPTIONS);
  const alerts: Alert[] = [];
  const hitIdx = new Set<number>();
  events.forEach((ev, i) => {
    for (const a of engine.push(ev)) {
      if (a.rule.id !== ruleId) continue;
      alerts.push(a);
      hitIdx.add(i);
    }
  });
  const tail = (engine as { flush?: () => unknown }).flush?.();
  if (Array.isArray(tail)) for (const a of tail as Alert[]) if (a.rule.id === ruleId) alerts.push(a);
  return { alerts, hitIdx };
}

export function groupMatches(alert: Alert, want: Readonly<Record<string, unknown>>): boolean {
  const g = alert.group ?? {};
  return Object.entries(want).every(([k, v]) => {
    const have = k in g ? g[k] : readPath(g, k);
    return String(have) === String(v);
  });
}

/**
 * A case's brief-event problems as one line, each prefixed with its `file:line:col` (the case points
 * at the first only), and the first problem's location.
 */
function briefProblems(
  doc: RuleDocument,
  caseIndex: number,
  err: BriefEventError,
): { message: string; location: { file: string; line: number; col: number } | undefined } {
  const located = err.problems.map((p) => {
    try {
      const l = doc.locate(['tests', caseIndex, 'events', p.index, ...p.path]);
      return { message: p.message, at: { file: l.file, line: l.line, col: l.col } };
    } catch {
      // A document built without its source text has no positions; the message still names the event.
      return { message: p.message, at: undefined };
    }
  });
  // In source order (the expander finds an event's problems in its own order). Stable sort: without
  // positions the order stays the expander's.
  located.sort((a, b) => (a.at && b.at ? a.at.line - b.at.line || a.at.col - b.at.col : 0));
  const parts = located.map(({ message, at }) => (at ? `${at.file}:${at.line}:${at.col}: ${message}` : message));
  return { message: parts.join('; '), location: located[0]?.at };
}

async function runCase(
  doc: RuleDocument,
  target: CompiledRule | CompiledCorrelation,
  all: CompiledRuleSet,
  spec: TestCaseSpec,
  fixtures: FixtureOptions,
): Promise<CaseResult> {
  const started = performance.now();
  const location = locate(doc, ['tests', spec.index]);
  const base = { name: spec.name, location, ...(spec.fixture ? { fixture: spec.fixture } : {}) };
  const done = (r: Omit<CaseResult, 'durationMs' | 'name' | 'location'>): CaseResult => ({
    ...base,
    ...r,
    durationMs: performance.now() - started,
  });
  let events: NightjarEvent[];
  try {
    if (spec.events) events = eventsFromBrief(spec.events, `${doc.file}#${spec.name}`);
    else events = await readFixture(resolve(dirname(doc.file), spec.fixture!), fixtures);
  } catch (err) {
    const brief = err instanceof BriefEventError ? briefProblems(doc, spec.index, err) : undefined;
    return done({
      status: 'error',
      message: brief?.message ?? (err as Error).message,
      alerts: 0,
      events: 0,
      location: brief?.location ?? location,
    } as Omit<CaseResult, 'durationMs' | 'name' | 'location'>);
  }
  let run: { alerts: Alert[]; hitIdx: Set<number> };
  try {
    run = runEngine(subRuleset(target, all), events, target.id);
  } catch (err) {
    return done({
      status: 'error',
      message: `engine error: ${(err as Error).message}`,
      alerts: 0,
      events: events.length,
    });
  }
  const n = run.alerts.length;
  const exp = spec.expect;
  let ok: boolean;
  let message: string;
  const group = exp.group;
  const grouped = group ? run.alerts.filter((a) => groupMatches(a, group)) : run.alerts;
  const groupText = group ? ` in group ${JSON.stringify(group)}` : '';
  if (exp.kind === 'match') {
    ok = exp.match ? grouped.length > 0 : n === 0;
    message = exp.match
      ? `expected a match${groupText}, got ${n} alert(s)${group ? ` (${grouped.length} in that group)` : ''}`
      : `expected no match, got ${n} alert(s)`;
  } else {
    ok = grouped.length === exp.alerts && (!group || n === exp.alerts);
    message = `expected ${exp.alerts} alert(s)${groupText}, got ${n}${group ? ` (${grouped.length} in that group)` : ''}`;
  }
  if (ok) return done({ status: 'pass', alerts: n, events: events.length });
  let explanation: string[];
  try {
    if (target.kind === 'detection') {
      const missed = exp.kind === 'match' ? exp.match : n < exp.alerts;
      explanation = explainDetection(doc, target, events, run.hitIdx, missed ? 'missed' : 'unexpected');
    } else {
      explanation = explainCorrelation(target, all, events, run.alerts);
      if (group && n > 0)
        explanation.push(`alert group(s) seen: ${run.alerts.map((a) => JSON.stringify(a.group ?? {})).join(', ')}`);
    }
  } catch (err) {
    explanation = [`(no explanation: ${(err as Error).message})`];
  }
  return done({ status: 'fail', message, explanation, alerts: n, events: events.length });
}

export function compiledFor(doc: RuleDocument, all: CompiledRuleSet): CompiledRule | CompiledCorrelation | undefined {
  if (doc.compiled) {
    // Prefer the ruleset's object (the loader may resolve names or generate flags there).
    const id = doc.compiled.id;
    return all.rules.find((r) => r.id === id) ?? all.correlations.find((c) => c.id === id) ?? doc.compiled;
  }
  const id = doc.id ?? (isObj(doc.data) && typeof doc.data.id === 'string' ? doc.data.id : undefined);
  if (!id) return undefined;
  return all.rules.find((r) => r.id === id) ?? all.correlations.find((c) => c.id === id);
}

/**
 * Selections no passing case exercised (for --coverage): a selection used positively must be true
 * in some passing positive case; one used only under `not` (a filter) must be true in some passing
 * negative case, else the filter is untested.
 */
function unexercisedSelections(
  doc: RuleDocument,
  target: CompiledRule,
  positive: NightjarEvent[][],
  negative: NightjarEvent[][],
): string[] {
  const data = doc.data;
  if (!isObj(data) || !isObj(data.detection)) return [];
  const names = Object.keys(data.detection).filter((k) => k !== 'condition');
  const conds = (
    Array.isArray(data.detection.condition) ? data.detection.condition : [data.detection.condition]
  ).filter((c): c is string => typeof c === 'string');
  const filters = new Set<string>();
  for (const c of conds) {
    try {
      for (const n of negatedOnly(parseConditionSyntax(c), names)) filters.add(n);
    } catch {
      /* syntax errors are the loader's to report */
    }
  }
  const trueIn = (sets: NightjarEvent[][]): Set<string> => {
    const hit = new Set<string>();
    for (const events of sets) {
      for (const l of explainDetection(doc, target, events, new Set(events.map((_, i) => i)), 'unexpected')) {
        const m = /^ {2}(\S+): true/.exec(l);
        if (m) hit.add(m[1]!);
      }
    }
    return hit;
  };
  const pos = trueIn(positive);
  const neg = trueIn(negative);
  return names.filter((n) => (filters.has(n) ? !neg.has(n) && !pos.has(n) : !pos.has(n)));
}

/** The name a malformed case is reported under: its own name when it has one, else `test N`. */
function problemCaseName(raw: unknown, p: SpecProblem): string {
  const i = p.path[1];
  if (typeof i !== 'number') return 'tests';
  const t = Array.isArray(raw) ? (raw[i] as unknown) : undefined;
  return isObj(t) && typeof t.name === 'string' && t.name.trim() !== '' ? t.name : `test ${i + 1}`;
}

/** One error result per malformed case (however many problems it has), named as the case is. */
function malformedCases(doc: RuleDocument, problems: readonly SpecProblem[]): CaseResult[] {
  const raw = doc.tests ?? rawTests(doc.data);
  const byCase = new Map<string, SpecProblem[]>();
  for (const p of problems) {
    const key = typeof p.path[1] === 'number' ? String(p.path[1]) : 'tests';
    byCase.set(key, [...(byCase.get(key) ?? []), p]);
  }
  return [...byCase.values()].map((list) => ({
    name: problemCaseName(raw, list[0]!),
    status: 'error' as const,
    // The case is named once; each problem's own `test 'name':` prefix would repeat it.
    message: list.map((p) => p.message.replace(/^test (?:'.*?'|\d+): /, '')).join('; '),
    alerts: 0,
    events: 0,
    durationMs: 0,
    location: locate(doc, [...list[0]!.path]),
  }));
}

export async function runRuleTests(rawLoaded: LoadedRules, opts: RunTestsOptions = {}): Promise<TestReport> {
  const loaded = withoutConfigFiles(rawLoaded);
  const started = performance.now();
  const results: RuleResult[] = [];
  const untested: CoverageReport['untested'][number][] = [];
  const unexercised: CoverageReport['unexercised'][number][] = [];
  let rulesTotal = 0;
  const match = matcher(opts.filter);
  const errorsByFile = new Map<string, string[]>();
  for (const d of loaded.diagnostics) {
    if (d.severity !== 'error') continue;
    const key = `${d.file}`;
    const list = errorsByFile.get(key) ?? [];
    list.push(`${d.file}:${d.line}:${d.col}: ${d.message} [${d.code}]`);
    errorsByFile.set(key, list);
  }
  const reportedFiles = new Set<string>();
  // A correlation's base rules are tested through the correlation's document (see docs/test.md).
  const testedViaCorrelation = new Set<string>();
  for (const d of loaded.documents) {
    if (!isObj(d.data) || !isObj(d.data.correlation) || rawTests(d.data) === undefined) continue;
    const refs = d.data.correlation.rules;
    for (const r of Array.isArray(refs) ? refs : [refs]) if (typeof r === 'string') testedViaCorrelation.add(r);
  }
  for (const doc of loaded.documents) {
    if (doc.kind !== 'rule' && doc.kind !== 'correlation') continue;
    rulesTotal++;
    const data = isObj(doc.data) ? doc.data : {};
    const title = doc.title ?? (typeof data.title === 'string' ? data.title : `${doc.file}#${doc.index}`);
    const id = doc.id ?? (typeof data.id === 'string' ? data.id : title);
    const line = locate(doc, []).line;
    const kind = doc.kind === 'correlation' ? 'correlation' : 'detection';
    const target = compiledFor(doc, loaded.ruleset);
    const parsedSpecs = parseTestSpecs(doc.tests ?? rawTests(doc.data));
    const ruleSelected = match === undefined || match(id) || match(title);
    const caseSelected = (name: string) => ruleSelected || match(name);
    const specs = parsedSpecs.specs.filter((s) => caseSelected(s.name));
    const problems = parsedSpecs.problems.filter((p) =>
      caseSelected(problemCaseName(doc.tests ?? rawTests(doc.data), p)),
    );
    if (match && !ruleSelected && specs.length === 0 && problems.length === 0) {
      rulesTotal--;
      continue;
    }
    if (!target) {
      const errs = errorsByFile.get(doc.file) ?? [];
      reportedFiles.add(doc.file);
      results.push({
        id,
        title,
        file: doc.file,
        line,
        kind,
        cases: [],
        loadError: errs.length ? errs.join('\n') : 'the rule did not compile',
      });
      continue;
    }
    const cases = malformedCases(doc, problems);
    if (specs.length === 0 && problems.length === 0) {
      if (match) {
        rulesTotal--;
        continue;
      }
      const viaCorrelation = [id, data.name].some((k) => typeof k === 'string' && testedViaCorrelation.has(k));
      if (!viaCorrelation) untested.push({ id, title, file: doc.file, line });
      continue;
    }
    const positiveEvents: NightjarEvent[][] = [];
    const negativeEvents: NightjarEvent[][] = [];
    for (const spec of specs) {
      const r = await runCase(doc, target, loaded.ruleset, spec, { maxLineBytes: opts.maxLineBytes });
      cases.push(r);
      if (opts.coverage && target.kind === 'detection' && r.status === 'pass') {
        const positive = spec.expect.kind === 'match' ? spec.expect.match : spec.expect.alerts > 0;
        try {
          const evs = spec.events
            ? eventsFromBrief(spec.events, 'coverage')
            : await readFixture(resolve(dirname(doc.file), spec.fixture!), { maxLineBytes: opts.maxLineBytes });
          (positive ? positiveEvents : negativeEvents).push(evs);
        } catch {
          /* already reported as the case's error */
        }
      }
    }
    if (opts.coverage && target.kind === 'detection') {
      for (const n of unexercisedSelections(doc, target, positiveEvents, negativeEvents))
        unexercised.push({ id, title, file: doc.file, selection: n });
    }
    results.push({ id, title, file: doc.file, line, kind, cases });
  }
  // Files whose rules never produced a document (YAML syntax errors) still fail the run.
  for (const [file, errs] of errorsByFile) {
    if (
      reportedFiles.has(file) ||
      loaded.documents.some(
        (d) => d.file === file && (d.kind === 'rule' || d.kind === 'correlation') && compiledFor(d, loaded.ruleset),
      )
    )
      continue;
    results.push({ id: file, title: file, file, line: 1, kind: 'detection', cases: [], loadError: errs.join('\n') });
  }
  let cases = 0;
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const r of results) {
    if (r.loadError) errors++;
    for (const c of r.cases) {
      cases++;
      if (c.status === 'pass') passed++;
      else if (c.status === 'fail') failed++;
      else errors++;
    }
  }
  return {
    rules: results,
    summary: {
      rules: rulesTotal,
      cases,
      passed,
      failed,
      errors,
      rulesWithoutTests: untested.length,
      durationMs: performance.now() - started,
    },
    ...(opts.coverage
      ? { coverage: { untested, unexercised, rules: rulesTotal, tested: rulesTotal - untested.length } }
      : {}),
  };
}
