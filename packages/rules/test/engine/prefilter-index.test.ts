import { describe, expect, it } from 'vitest';
import { Engine, eventFromMessage, type CompiledRuleSet, type NightjarEvent } from '@nightjar/core';
import { compileRuleText } from '@nightjar/rules';

/**
 * The engine's literal prefilter index (engine.ts PrefilterIndex) may only skip a rule whose first
 * test cannot pass. Pinned here by running the same rules with and without prefilters over random
 * events built from the rules' own literals, and asserting identical matches, in the same order.
 */

let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

const PARTS = [
  '/Library/LaunchAgents/',
  '/tmp/',
  'evil',
  'Evil',
  'EVIL',
  '.plist',
  '/private/var/',
  'a*b',
  'x?y',
  'com.apple.',
  'zzz',
  '/Users/alice/',
  '.sh',
  'curl',
  '-o',
  '',
  'ΟΔΟΣ',
  'İ',
  'Straße',
  'ǅ',
  '\u212Aey',
];
const MODS = [
  '',
  '|startswith',
  '|endswith',
  '|contains',
  '|contains|all',
  '|re',
  '|cased',
  '|contains|cased',
  '|endswith|cased',
];

function literal(mod: string): string {
  if (mod === '|re') return pick(['^/tmp/.*evil', 'launchagents/[a-z]+\\.plist$', '(?i)curl']);
  let s = '';
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) s += pick(PARTS);
  if (rnd() < 0.15) s = s.replace(/.$/, '*');
  return s.replace(/'/g, "''");
}

const mods: string[] = [];

function ruleYaml(i: number): string {
  const field = pick(['event.open.file.path', 'process.executable.path', 'process.signing_id']);
  const mod = pick(MODS);
  mods[i] = mod;
  const lits = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => `      - '${literal(mod)}'`).join('\n');
  const second = rnd() < 0.3 ? `\n    process.is_platform_binary: ${rnd() < 0.5}` : '';
  const filter =
    rnd() < 0.2
      ? `\n  filter:\n    process.signing_id|startswith: 'com.apple.'\n  condition: selection and not filter`
      : '\n  condition: selection';
  return openRule(
    `r${i}`,
    `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    `  selection:\n    ${field}${mod}:\n${lits}${second}${filter}`,
  );
}

/** A rule document on `open` events with the given detection body. */
function openRule(title: string, id: string, detection: string): string {
  return `title: ${title}
id: ${id}
status: test
level: low
logsource:
  product: macos
  service: endpointsecurity
  category: open
detection:
${detection}
`;
}

const shapes: string[] = [];

/** A rule whose condition ORs selections (or whose selection is a list of maps): prefilterAny. */
function orRuleYaml(i: number): string {
  const item = () => {
    const field = pick(['event.open.file.path', 'process.executable.path', 'process.signing_id']);
    const mod = pick(MODS);
    return `${field}${mod}:\n${Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => `          - '${literal(mod)}'`).join('\n')}`;
  };
  const shape = pick(['list', 'one-of', 'or', 'all-of', 'or-not']);
  shapes[i] = shape;
  let det: string;
  if (shape === 'list')
    det = `  selection:\n    - ${item().replace(/\n {10}/g, '\n        ')}\n    - ${item().replace(/\n {10}/g, '\n        ')}\n  condition: selection`;
  else {
    const sel = (n: string) =>
      `  ${n}:\n    ${item().replace(/\n {10}/g, '\n      ')}${rnd() < 0.3 ? `\n    process.is_platform_binary: ${rnd() < 0.5}` : ''}`;
    const cond =
      shape === 'one-of'
        ? '1 of sel_*'
        : shape === 'or'
          ? 'sel_a or sel_b'
          : shape === 'all-of'
            ? 'all of sel_*'
            : 'sel_a or not sel_b';
    det = `${sel('sel_a')}\n${sel('sel_b')}\n  condition: ${cond}`;
  }
  return openRule(`o${i}`, `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, det);
}

/** An `open` event (message i) by `process` of the file at `path`. */
function openEvent(i: number, process: Record<string, unknown>, path: string): NightjarEvent {
  const msg = {
    version: 7,
    event_type: 10,
    time: '2025-01-01T00:00:00.000001Z',
    seq_num: i,
    global_seq_num: i,
    process,
    event: { open: { fflag: 1, file: { path } } },
  };
  const ev = eventFromMessage(msg as never, { line: i + 1 });
  if (ev instanceof Error) throw ev;
  return ev;
}

function event(i: number): NightjarEvent {
  const path = () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(PARTS)).join('');
  const process = {
    audit_token: { pid: 100 + (i % 7), pidversion: 1 },
    executable: { path: path() },
    signing_id: rnd() < 0.5 ? `com.apple.${path()}` : path(),
    is_platform_binary: rnd() < 0.5,
  };
  return openEvent(i, process, path());
}

/** Paths built from a literal family's parts: the shared stem repeated, members at the end or followed by more. */
function familyEvent(i: number): NightjarEvent {
  const stem = pick(['/Library/LaunchAgents/evil', '/library/launchagents/EVIL', '/tmp/x', '']);
  const tail = () => pick(['', String(Math.floor(rnd() * 260)), String(Math.floor(rnd() * 30)), '.plist', '/']);
  const path = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => stem + tail() + tail()).join(pick(['', '/']));
  return openEvent(i, { audit_token: { pid: 100, pidversion: 1 }, executable: { path: '/bin/sh' } }, path);
}

function matchesOf(rs: CompiledRuleSet, events: readonly NightjarEvent[]): string[][] {
  const engine = new Engine(rs, { lineage: false });
  return events.map((ev) => engine.push(ev).map((a) => a.rule.id));
}

/** The rules with their prefilters and without (every rule runs): identical matches in identical order (3,000 random events by default). */
function expectSameMatchesWithoutIndex(
  rs: CompiledRuleSet,
  events: readonly NightjarEvent[] = Array.from({ length: 3000 }, (_, i) => event(i)),
  minMatches = 200,
): string[][] {
  const bare: CompiledRuleSet = {
    rules: rs.rules.map((r) => ({ ...r, prefilter: undefined, prefilterAny: undefined })),
    correlations: rs.correlations,
    requiredEventTypes: () => rs.requiredEventTypes(),
  };
  const a = matchesOf(rs, events);
  const b = matchesOf(bare, events);
  expect(a).toEqual(b);
  expect(a.flat().length).toBeGreaterThan(minMatches); // and rules do match
  return a;
}

/** A rule gated on booleans (the `is_platform_binary: false` pattern), with or without a string literal. */
function booleanRuleYaml(i: number): string {
  const bool = () => pick(['false', 'true', "'false'", 'False', '[false, true]', '[true]']);
  const parts = [`process.is_platform_binary: ${bool()}`];
  if (rnd() < 0.3) parts.push('process.team_id: null');
  if (rnd() < 0.3) parts.push(`process.signing_id|contains: '${literal('|contains')}'`);
  if (rnd() < 0.5) parts.reverse();
  const sel = `  selection:\n    ${parts.join('\n    ')}`;
  const det = pick([
    `${sel}\n  condition: selection`,
    `${sel}\n  filter:\n    event.open.file.path|startswith: '/tmp/'\n  condition: selection and not filter`,
    `${sel}\n  other:\n    event.open.file.path|contains: '${literal('|contains')}'\n  condition: selection and other`,
    `${sel}\n  other:\n    process.is_es_client: ${bool()}\n  condition: selection or other`,
  ]);
  return openRule(`b${i}`, `30000000-0000-4000-8000-${String(i).padStart(12, '0')}`, det);
}

/** Events whose boolean fields take every form a rule may meet: booleans, their text, lists, numbers, absent. */
function booleanEvent(i: number): NightjarEvent {
  const b = () =>
    pick<unknown>([true, false, true, false, 'FALSE', 'True', [false], [true, 'x'], 0, 1, null, undefined]);
  const path = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(PARTS)).join('');
  const process: Record<string, unknown> = {
    audit_token: { pid: 100 + (i % 7), pidversion: 1 },
    executable: { path: path() },
    signing_id: path(),
    team_id: rnd() < 0.5 ? null : 'ABCDE12345',
  };
  const platform = b();
  if (platform !== undefined) process.is_platform_binary = platform;
  const client = b();
  if (client !== undefined) process.is_es_client = client;
  return openEvent(i, process, path());
}

describe('prefilter index', () => {
  it('gives the same matches as running every rule, over 300 random rules and 3000 events', () => {
    const text = Array.from({ length: 300 }, (_, i) => ruleYaml(i)).join('---\n');
    const rs = compileRuleText(text, 'random.yml');
    const withPrefilter = rs.rules.filter((r) => r.prefilter !== undefined).length;
    expect(withPrefilter).toBeGreaterThan(40); // the index is really in use (re and cased get none)
    // |contains|all: one of its literals (every one is necessary) stands for the item.
    expect(rs.rules.filter((r, i) => mods[i] === '|contains|all' && r.prefilter !== undefined).length).toBeGreaterThan(
      10,
    );
    expectSameMatchesWithoutIndex(rs);
  });

  it('families of literals (one stem, hundreds of members) give the same matches as running every rule', () => {
    // Members of one group are looked up by length where the stem is found (contains: at every
    // place it occurs), instead of being tested one by one.
    const text = Array.from({ length: 400 }, (_, i) =>
      openRule(
        `f${i}`,
        `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        `  selection:\n    event.open.file.path|${i % 2 ? 'contains' : 'startswith'}: '/Library/LaunchAgents/evil${i % 200}'\n  condition: selection`,
      ),
    ).join('---\n');
    const rs = compileRuleText(text, 'families.yml');
    const events = Array.from({ length: 2000 }, (_, i) => familyEvent(i));
    const a = expectSameMatchesWithoutIndex(rs, events, 1000);
    // Both kinds matched, and a contains member found only past the first place the stem occurs.
    const matched = [...new Set(a.flat())].map((id) => Number(id.slice(-3)));
    expect(matched.filter((n) => n % 2 === 0).length, 'startswith rules matched').toBeGreaterThan(20);
    expect(matched.filter((n) => n % 2 === 1).length, 'contains rules matched').toBeGreaterThan(20);
    const late = events.findIndex((ev, k) => {
      const path = (ev.msg!.event as { open: { file: { path: string } } }).open.file.path.toLowerCase();
      const first = path.indexOf('/library/launchagents/evil');
      return (
        first >= 0 &&
        a[k].some((id) => !path.slice(first).startsWith(`/library/launchagents/evil${Number(id.slice(-3)) % 200}`))
      );
    });
    expect(late).toBeGreaterThanOrEqual(0);
  });

  it('rules that OR selections are indexed by each alternative, with the same matches as running them all', () => {
    const text = Array.from({ length: 300 }, (_, i) => orRuleYaml(i)).join('---\n');
    const rs = compileRuleText(text, 'random-or.yml');
    const withAny = rs.rules.filter((r) => r.prefilterAny !== undefined).length;
    expect(withAny).toBeGreaterThan(20); // the alternatives index is really in use
    // `a or not b` needs nothing known: never indexed.
    rs.rules.forEach((r, i) => {
      if (shapes[i] === 'or-not') expect(r.prefilterAny, r.title).toBeUndefined();
    });
    expectSameMatchesWithoutIndex(rs);
  });

  it('indexes rules gated only on booleans by their text, with the same matches as running them all', () => {
    const text = Array.from({ length: 300 }, (_, i) => booleanRuleYaml(i)).join('---\n');
    const rs = compileRuleText(text, 'booleans.yml');
    const byBoolean = rs.rules.filter((r) => r.prefilter?.tests.some((t) => t.lit === 'false' || t.lit === 'true'));
    expect(byBoolean.length).toBeGreaterThan(50); // booleans do index rules
    const events = Array.from({ length: 3000 }, (_, i) => booleanEvent(i));
    expectSameMatchesWithoutIndex(rs, events, 500);
  });

  it('goes by a string literal before a boolean, whichever comes first in the rule', () => {
    const rule = (det: string) =>
      compileRuleText(openRule('t', '40000000-0000-4000-8000-000000000001', det), 't.yml').rules[0];
    const lits = (p: { tests: readonly { kind: string; lit: string }[] } | undefined) =>
      p?.tests.map((t) => `${t.kind} ${t.lit}`);
    // Only booleans (and a null): the boolean it is.
    const onlyBool = rule(
      '  selection:\n    process.team_id: null\n    process.is_platform_binary: false\n  condition: selection',
    );
    expect(lits(onlyBool.prefilter)).toEqual(['eq false']);
    // A boolean first in the map, a literal after: the literal.
    const both = rule(
      "  selection:\n    process.is_platform_binary: false\n    process.signing_id|endswith: '.Evil'\n  condition: selection",
    );
    expect(lits(both.prefilter)).toEqual(['endswith .evil']);
    // A boolean-only selection ANDed with a literal one: the literal, as the rule's alternatives.
    const and = rule(
      "  selection:\n    process.is_platform_binary: false\n  other:\n    event.open.file.path|contains: '/Evil/'\n  condition: selection and other",
    );
    expect(and.prefilter).toBeUndefined();
    expect(and.prefilterAny?.map(lits)).toEqual([['contains /evil/']]);
    // OR of a boolean and a literal: both are needed as alternatives, boolean included.
    const or = rule(
      "  selection:\n    process.is_platform_binary: true\n  other:\n    event.open.file.path|contains: '/Evil/'\n  condition: selection or other",
    );
    expect(or.prefilterAny?.map(lits)).toEqual([['eq true'], ['contains /evil/']]);
  });
  it('engines of one ruleset share its dispatch plan: pushed in turn, each gives what it gives alone, in ruleset order', () => {
    // The dispatch plan (rules per event name, literal tables) is built once per ruleset. Rules of
    // any type (a hand-built ruleset may have them), of several types and of a type listed twice
    // are merged into each name's list in ruleset order.
    const compiled = compileRuleText(Array.from({ length: 200 }, (_, i) => ruleYaml(i)).join('---\n'), 'shared.yml');
    const types = (i: number): readonly string[] | null =>
      i % 7 === 0 ? null : i % 7 === 1 ? ['exec', 'open'] : i % 7 === 2 ? ['open', 'open'] : ['open'];
    const rs: CompiledRuleSet = {
      rules: compiled.rules.map((r, i) => ({ ...r, eventTypes: types(i) })),
      correlations: [],
      requiredEventTypes: () => ['exec', 'open'],
    };
    const events = Array.from({ length: 3000 }, (_, i) => event(i));
    const alone = expectSameMatchesWithoutIndex(rs, events);
    // Alerts come in ruleset order, each rule at most once per event.
    for (const ids of alone) {
      const n = ids.map((id) => Number(id.slice(-12)));
      expect(n).toEqual([...new Set(n)].sort((a, b) => a - b));
    }
    const anyIds = new Set(rs.rules.filter((r) => r.eventTypes === null).map((r) => r.id));
    expect(alone.flat().filter((id) => anyIds.has(id)).length, 'any-type rules run on open').toBeGreaterThan(10);
    // Two engines over the same ruleset, pushed in turn: each gives what it gives alone.
    const a = new Engine(rs, { lineage: false });
    const b = new Engine(rs, { lineage: false });
    const turns = events.map((ev, i) => (i % 2 === 0 ? a : b).push(ev).map((x) => x.rule.id));
    expect(turns).toEqual(alone);
    // Events of a name no rule lists run the any-type rules alone.
    const other = events.map((ev) => ({ ...ev, name: 'close', type: 12 }));
    const got = matchesOf(rs, other).flat();
    expect(got.length).toBeGreaterThan(10);
    expect(got.every((id) => anyIds.has(id))).toBe(true);
  });
});
