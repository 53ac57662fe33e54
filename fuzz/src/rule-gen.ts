/**
 * Hostile rule files: Sigma rules and correlations built from parts a hostile pull request would
 * use (pathological conditions and `x of` patterns, wildcard-heavy values, backtracking regexes,
 * JSONPath that tries to run code, `__proto__`/`constructor` keys, correlations that reference
 * themselves or each other, timespans at the limits), then dressed in hostile YAML (alias bombs,
 * huge maps, deep nesting, tags, byte flips, truncation). The result is YAML text. Over 400 lines on
 * purpose: one table of generators, each short, read best side by side.
 */
import fc from 'fast-check';

export interface RuleBudget {
  /** Longest repeated pattern (wildcard segments, `x of` pattern stars). */
  readonly maxRepeat: number;
  /** Most keys in a huge map. */
  readonly maxKeys: number;
  /** Deepest nesting. */
  readonly maxDepth: number;
}

const ES_CATEGORIES = ['exec', 'open', 'create', 'write', 'fork', 'exit', 'rename', 'unlink', 'mmap', 'signal', 'nope'];
const TAXONOMY = ['process_creation', 'file_event', 'network_connection', 'nope'];
const FIELDS = [
  'Image',
  'CommandLine',
  'ParentImage',
  'ParentCommandLine',
  'User',
  'TargetFilename',
  'event.exec.args',
  'process.executable.path',
  'process.signing_id',
  'process.team_id',
  'event.open.file.path',
  'event.exec.target.executable.path',
  'parent.executable.path',
  'ancestors.signing_id',
  'process.audit_token.pid',
  '__proto__',
  'constructor',
  '__proto__.polluted',
  'constructor.prototype.polluted',
  'process.__proto__.polluted',
  '$..[?(@.signing_id)]',
  '$.process[?(process.exit(1))]',
  "$..[?(@.constructor.constructor('return process')().exit())]",
  "$['process']['signing_id']",
  '$..*',
  'a..b',
  'event.exec.args[0]',
  'process.x.y.z.w.v.u.t.s.r.q.p.o.n.m.l.k.j.i.h.g.f.e.d.c.b.a',
];
const MODIFIERS = [
  '',
  '',
  '|contains',
  '|startswith',
  '|endswith',
  '|contains|all',
  '|re',
  '|re|i',
  '|re|m|s',
  '|cased',
  '|windash|contains',
  '|base64',
  '|base64offset|contains',
  '|wide|base64offset|contains',
  '|exists',
  '|gt',
  '|lte',
  '|cidr',
  '|expand',
  '|fieldref',
  '|neq',
  '|endswith|contains',
  '|foo',
];
const REGEXES = [
  '(a+)+$',
  '(a|aa)*c',
  '^(a*)*$',
  '(?=a)b',
  '(?<!a)b',
  '(a)\\1',
  '(?<n>a)\\k<n>',
  '[',
  '.{1000}',
  'a{1,100000}',
  '(?i)SH$',
  '\\p{L}+',
  '(?:a?){50}a{50}',
  '',
  '.*.*.*.*.*.*.*.*x',
];
const TIMESPANS = [
  '0s',
  '1s',
  '59s',
  '5m',
  '301s',
  '60m',
  '1h',
  '3600s',
  '3601s',
  '2h',
  '1d',
  '999999999d',
  '-1s',
  '1.5h',
  'abc',
  '',
  '1 h',
  '1M',
  '1y',
];
const CORR_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
  'nope',
];
const NAMES = [
  'sel',
  'selection',
  'filter',
  'a',
  'aa',
  'sel_a',
  'sel_b',
  'filter_main',
  '__proto__',
  'constructor',
  'toString',
  'them',
];

/** A value built from a small alphabet where wildcards and escapes are common. */
export function wildcardValue(maxLen: number): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom('a', 'b', 'A', '*', '?', '\\', '/', '.', 'é', ' '), { maxLength: maxLen })
    .map((a) => a.join(''));
}

function repeated(b: RuleBudget): fc.Arbitrary<string> {
  return fc
    .record({
      unit: fc.constantFrom('a?', '*a', 'a*', '?', '*?', '\\*a', 'a?b*'),
      n: fc.integer({ min: 1, max: b.maxRepeat }),
    })
    .map(({ unit, n }) => unit.repeat(n));
}

function valueArb(b: RuleBudget): fc.Arbitrary<unknown> {
  const str = fc.oneof(
    { weight: 4, arbitrary: wildcardValue(40) },
    { weight: 2, arbitrary: repeated(b) },
    { weight: 2, arbitrary: fc.constantFrom(...REGEXES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('%placeholder%', '10.0.0.0/8', '::/0', 'Image', '-enc', '/bin/sh', '') },
  );
  return fc.oneof(
    { weight: 6, arbitrary: str },
    { weight: 2, arbitrary: fc.array(str, { minLength: 0, maxLength: 4 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

function selectionArb(b: RuleBudget): fc.Arbitrary<Record<string, unknown> | unknown[]> {
  // Mostly fields and modifiers that compile, so most rules reach the engine; the rest hostile.
  const field = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FIELDS.slice(0, 14)) },
    { weight: 1, arbitrary: fc.constantFrom(...FIELDS) },
  );
  const modifier = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...MODIFIERS.slice(0, 7)) },
    { weight: 1, arbitrary: fc.constantFrom(...MODIFIERS) },
  );
  const item = fc.tuple(field, modifier, valueArb(b));
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => {
        const o: Record<string, unknown> = {};
        for (const [f, m, v] of items)
          Object.defineProperty(o, f + m, { value: v, enumerable: true, configurable: true, writable: true });
        return o;
      }),
    },
    // Keywords (a list of scalars), and a list of maps.
    { weight: 1, arbitrary: fc.array(fc.oneof(wildcardValue(20), repeated(b)), { minLength: 1, maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(item, { minLength: 1, maxLength: 3 })
        .map((items) => items.map(([f, m, v]) => ({ [f + m]: v }))),
    },
  );
}

function selName(b: RuleBudget): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((n) => `${'a'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.min(b.maxRepeat, 200) }).map((n) => `sel_${n}`) },
  );
}

/** A condition over the given names: and/or/not/parentheses, `1 of`/`all of` patterns (some pathological), junk. */
function conditionArb(names: readonly string[], b: RuleBudget): fc.Arbitrary<string> {
  const name = fc.constantFrom(...names);
  const pattern = fc.oneof(
    name.map((n) => `${n.slice(0, Math.max(1, n.length >> 1))}*`),
    fc.integer({ min: 1, max: b.maxRepeat }).map((n) => `${'a*'.repeat(n)}c`),
    fc.constantFrom('*', 'them', 'sel*', '*_*', '**', 'a*a*a*a*a*a*a*a*c', 'x*'),
  );
  const { expr } = fc.letrec<{ expr: string; term: string }>((tie) => ({
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      name,
      fc.tuple(fc.constantFrom('1 of', 'all of', 'any of', '2 of'), pattern).map(([q, p]) => `${q} ${p}`),
      tie('term').map((t) => `not ${t}`),
      tie('expr').map((e) => `(${e})`),
    ),
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('term'),
      fc
        .tuple(tie('term'), fc.constantFrom('and', 'or', 'AND', 'and not'), tie('expr'))
        .map(([a, op, c]) => `${a} ${op} ${c}`),
    ),
  }));
  return fc.oneof(
    { weight: 8, arbitrary: expr },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: b.maxDepth }).map((d) => `${'('.repeat(d)}${names[0]}${')'.repeat(d)}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('sel | count() > 5', '', 'sel and', '((sel)', 'not', 'all of them and 1 of them'),
    },
  );
}

export interface RuleParts {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly logsource: Record<string, string>;
  readonly selections: readonly [string, unknown][];
  readonly condition: string | string[];
  readonly level: string;
  readonly tags: readonly string[];
}

export interface CorrelationParts {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespan: string;
  readonly condition: Record<string, unknown>;
}

function ruleArb(b: RuleBudget, i: number): fc.Arbitrary<RuleParts> {
  return fc
    .record({
      selections: fc.uniqueArray(fc.tuple(selName(b), selectionArb(b)), {
        minLength: 1,
        maxLength: 4,
        selector: (s) => s[0],
      }),
      logsource: fc.oneof(
        fc.constantFrom(...ES_CATEGORIES).map((c) => ({ product: 'macos', service: 'endpointsecurity', category: c })),
        fc.constantFrom(...TAXONOMY).map((c) => ({ product: 'macos', category: c })),
      ),
      level: fc.constantFrom('low', 'medium', 'high', 'critical', 'informational', 'nope'),
      tags: fc.array(fc.constantFrom('attack.execution', 'attack.t1059.004', 'attack.T1059', 'bad tag', '__proto__'), {
        maxLength: 3,
      }),
      conditionSeed: fc.nat(),
      id: fc.oneof(fc.uuid(), fc.constantFrom('__proto__', 'constructor', 'not-a-uuid', '')),
    })
    .chain((r) => {
      const names = r.selections.map((s) => s[0]);
      return fc
        .oneof(
          { weight: 6, arbitrary: conditionArb(names, b) },
          { weight: 1, arbitrary: fc.array(conditionArb(names, b), { minLength: 1, maxLength: 2 }) },
        )
        .map((condition) => ({
          id: r.id,
          name: `rule_${i}`,
          title: `fuzz rule ${i}`,
          logsource: r.logsource,
          selections: r.selections,
          condition,
          level: r.level,
          tags: r.tags,
        }));
    });
}

function correlationArb(i: number, ruleNames: readonly string[]): fc.Arbitrary<CorrelationParts> {
  const self = `corr_${i}`;
  return fc.record({
    id: fc.oneof(fc.uuid(), fc.constant('__proto__')),
    name: fc.constant(self),
    type: fc.constantFrom(...CORR_TYPES),
    rules: fc.array(fc.constantFrom(...ruleNames, self, `corr_${i + 1}`, `corr_${i - 1}`, 'missing', '__proto__'), {
      minLength: 0,
      maxLength: 3,
    }),
    groupBy: fc.array(fc.constantFrom('process.entity_id', 'Image', '__proto__', 'constructor.prototype', '$..*'), {
      maxLength: 2,
    }),
    timespan: fc.constantFrom(...TIMESPANS),
    condition: fc.oneof(
      fc.record({ gte: fc.oneof(fc.integer({ min: -1, max: 1e9 }), fc.constant(1e308)) }),
      fc.record({
        lt: fc.integer({ min: 0, max: 10 }),
        field: fc.constantFrom('Image', 'process.signing_id', '__proto__'),
      }),
      fc.record({ eq: fc.integer({ min: 0, max: 3 }), field: fc.constantFrom('Image') }),
      fc.constant({}),
      fc.jsonValue({ maxDepth: 1 }).map((v) => ({ gte: v })),
    ),
  });
}

/** YAML text of a plain value (JSON is YAML; keys as double-quoted strings). */
function y(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

function renderRule(r: RuleParts, anchor: boolean): string {
  const lines = [
    `title: ${y(r.title)}`,
    `id: ${y(r.id)}`,
    `name: ${r.name}`,
    'status: test',
    `level: ${r.level}`,
    `logsource: ${y(r.logsource)}`,
    'detection:',
  ];
  r.selections.forEach(([name, sel], k) => {
    // One selection may be written once and reused through a YAML anchor.
    if (anchor && k === 1) lines.push(`  ${y(name)}: *first`);
    else lines.push(`  ${y(name)}: ${anchor && k === 0 ? '&first ' : ''}${y(sel)}`);
  });
  lines.push(`  condition: ${y(r.condition)}`);
  if (r.tags.length) lines.push(`tags: ${y(r.tags)}`);
  return lines.join('\n');
}

function renderCorrelation(c: CorrelationParts): string {
  return [
    `title: fuzz correlation`,
    `id: ${y(c.id)}`,
    `name: ${c.name}`,
    'status: test',
    'level: high',
    'correlation:',
    `  type: ${y(c.type)}`,
    `  rules: ${y(c.rules)}`,
    `  group-by: ${y(c.groupBy)}`,
    `  timespan: ${y(c.timespan)}`,
    `  condition: ${y(c.condition)}`,
  ].join('\n');
}

/** A hostile dressing applied to the rendered YAML. */
export type Dressing =
  | { readonly k: 'none' }
  | { readonly k: 'aliasBomb'; readonly levels: number; readonly fanout: number }
  | { readonly k: 'hugeMap'; readonly keys: number }
  | { readonly k: 'deep'; readonly depth: number; readonly flow: boolean }
  | { readonly k: 'tag'; readonly tag: string }
  | { readonly k: 'flip'; readonly at: number; readonly ch: number }
  | { readonly k: 'truncate'; readonly at: number }
  | { readonly k: 'dupKey' }
  | { readonly k: 'protoKey' };

function dressingArb(b: RuleBudget): fc.Arbitrary<Dressing> {
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant({ k: 'none' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('aliasBomb' as const),
        levels: fc.integer({ min: 1, max: 12 }),
        fanout: fc.integer({ min: 2, max: 12 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('hugeMap' as const), keys: fc.integer({ min: 1, max: b.maxKeys }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('deep' as const),
        depth: fc.integer({ min: 1, max: b.maxDepth }),
        flow: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('tag' as const),
        tag: fc.constantFrom('!!js/function', '!!binary', '!foo', '!!python/object', '!!set'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('flip' as const), at: fc.nat(), ch: fc.integer({ min: 0, max: 0x7f }) }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ k: 'dupKey' as const }) },
    { weight: 1, arbitrary: fc.constant({ k: 'protoKey' as const }) },
  );
}

function dress(text: string, d: Dressing): string {
  switch (d.k) {
    case 'none':
      return text;
    case 'aliasBomb': {
      const l = ['bomb0: &b0 ["lol"]'];
      for (let i = 1; i <= d.levels; i++)
        l.push(`bomb${i}: &b${i} [${Array.from({ length: d.fanout }, () => `*b${i - 1}`).join(', ')}]`);
      return `${text}\nx-bomb:\n${l.map((s) => `  ${s}`).join('\n')}`;
    }
    case 'hugeMap':
      return `${text}\nx-huge:\n${Array.from({ length: d.keys }, (_, i) => `  k${i}: ${i}`).join('\n')}`;
    case 'deep':
      return d.flow
        ? `${text}\nx-deep: ${'['.repeat(d.depth)}1${']'.repeat(d.depth)}`
        : `${text}\nx-deep:\n${Array.from({ length: Math.min(d.depth, 500) }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} 1`;
    case 'tag':
      return text.replace(/^detection:/m, `detection: ${d.tag}`);
    case 'flip': {
      const i = d.at % Math.max(1, text.length);
      return text.slice(0, i) + String.fromCharCode(d.ch) + text.slice(i + 1);
    }
    case 'truncate':
      return text.slice(0, d.at % Math.max(1, text.length));
    case 'dupKey':
      return `${text}\ntitle: again`;
    case 'protoKey':
      return `${text}\n__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}`;
  }
}

/** A rule file: 1–3 rules, maybe correlations over them (and over themselves), dressed. */
export interface RuleFileSpec {
  readonly rules: readonly RuleParts[];
  readonly correlations: readonly CorrelationParts[];
  readonly anchor: boolean;
  readonly dressing: Dressing;
}

export function ruleFileArb(b: RuleBudget): fc.Arbitrary<RuleFileSpec> {
  return fc.integer({ min: 1, max: 3 }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(b, i))).chain((rules) =>
      fc.record({
        rules: fc.constant(rules),
        correlations: fc.oneof(
          { weight: 3, arbitrary: fc.constant([] as CorrelationParts[]) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(
                correlationArb(
                  0,
                  rules.map((r) => r.name),
                ),
                fc.option(
                  correlationArb(
                    1,
                    rules.map((r) => r.name),
                  ),
                  { nil: undefined },
                ),
              )
              .map(([a, c]) => (c ? [a, c] : [a])),
          },
        ),
        anchor: fc.boolean(),
        dressing: dressingArb(b),
      }),
    ),
  );
}

export function renderRuleFile(spec: RuleFileSpec): { text: string; documents: number } {
  const docs = [
    ...spec.rules.map((r) => renderRule(r, spec.anchor && r.selections.length > 1)),
    ...spec.correlations.map(renderCorrelation),
  ];
  const first = dress(docs[0]!, spec.dressing);
  return { text: [first, ...docs.slice(1)].join('\n---\n') + '\n', documents: docs.length };
}
