/**
 * The prefilter index: per dispatch list, the literals the rules' prefilters test, so one event
 * finds its candidate rules with a few Map lookups instead of one predicate call per rule. Hot path
 * (PrefilterIndex.mark runs once per event): written for speed, typed arrays and stamps, no
 * allocation per event.
 */
import type { CompiledRule, FieldGetter, RulePrefilter } from '../ruleset/types.js';
import type { NightjarEvent } from '../model/event.js';
import type { EvalContext } from '../fields/context.js';
import { EventDepthError, MAX_EVENT_DEPTH } from '../model/depth.js';

/** Rules with a prefilter in one dispatch list before the list gets an index. */
const MIN_INDEXED = 8;

/** A prefilter field's literals → positions (in the dispatch list) of the rules that test them. */
class LiteralBucket {
  readonly eq = new Map<string, number[]>();
  /**
   * The eq literals' (length, last character) keys (eqKey): most values match none, and the key
   * rules them out without hashing the whole string for the Map lookup.
   */
  readonly eqKeys = new Set<number>();
  private readonly preLits = new Map<string, number[]>();
  private readonly sufLits = new Map<string, number[]>();
  private readonly conLits = new Map<string, number[]>();
  /** startswith / contains literals grouped by shared prefix (see LiteralGroup). */
  pre: LiteralGroup[] = [];
  con: LiteralGroup[] = [];
  /** endswith literals by their last two characters (one Map lookup on an integer, no slice). */
  suf = new Map<number, { lits: string[]; at: number[][] }>();
  /** endswith literals shorter than two characters, tested one by one. */
  sufShort: { lits: string[]; at: number[][] } = { lits: [], at: [] };
  /** Every rule of this field (marked when the getter throws: the rules then decide, and report). */
  readonly all: number[] = [];
  constructor(readonly get: FieldGetter) {}

  add(pos: number, p: RulePrefilter): void {
    this.all.push(pos);
    for (const t of p.tests) {
      const m =
        t.kind === 'eq'
          ? this.eq
          : t.kind === 'startswith'
            ? this.preLits
            : t.kind === 'endswith'
              ? this.sufLits
              : this.conLits;
      let l = m.get(t.lit);
      if (l === undefined) m.set(t.lit, (l = []));
      l.push(pos);
    }
  }

  /** After the last add(): the per-event tables. */
  finish(): void {
    for (const lit of this.eq.keys()) this.eqKeys.add(eqKey(lit));
    this.pre = groupByPrefix(this.preLits);
    this.con = groupByPrefix(this.conLits);
    for (const [lit, at] of this.sufLits) {
      let slot = this.sufShort;
      if (lit.length >= 2) {
        const key = tail2(lit, lit.length);
        let s2 = this.suf.get(key);
        if (s2 === undefined) this.suf.set(key, (s2 = { lits: [], at: [] }));
        slot = s2;
      }
      slot.lits.push(lit);
      slot.at.push(at);
    }
  }
}

/** A string's length and last UTF-16 unit as one number (0 for the empty string). */
function eqKey(s: string): number {
  const n = s.length;
  return n === 0 ? 0 : n * 65536 + s.charCodeAt(n - 1);
}

function asciiLower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** The last two UTF-16 units of s[0, n) as one integer. */
function tail2(s: string, n: number): number {
  return s.charCodeAt(n - 2) * 65536 + s.charCodeAt(n - 1);
}

/**
 * Literals sharing a prefix of at least MIN_SHARED_PREFIX characters, tested as one: the shared
 * prefix first (one `startsWith` or `includes`), the members only when it is there. Rule sets are
 * full of such families ('/Library/LaunchAgents/…': one directory, many file names), and a miss —
 * the common case — then costs one test instead of one per literal, with no allocation.
 */
interface LiteralGroup {
  readonly needle: string;
  /** Positions marked when the needle alone decides (a group of one). */
  readonly at: readonly number[] | null;
  readonly members: readonly string[];
  readonly memberAt: readonly (readonly number[])[];
  /**
   * For a group with many members of few lengths: the members' distinct lengths, ascending, and
   * the members by text. Where the needle is found, one Map lookup per length of the text there
   * decides, instead of one test per member (a family of hundreds of literals costs a few lookups).
   */
  readonly lens: Int32Array | null;
  readonly byMember: ReadonlyMap<string, readonly number[]> | null;
}

/** A group looks its members up by length when it has at least this many members per distinct length. */
const MEMBERS_PER_LENGTH = 4;

const MIN_SHARED_PREFIX = 3;

function sharedPrefix(a: string, b: string): string {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

function groupByPrefix(byLit: ReadonlyMap<string, readonly number[]>): LiteralGroup[] {
  const lits = [...byLit.keys()].sort();
  const out: LiteralGroup[] = [];
  let k = 0;
  while (k < lits.length) {
    let needle = lits[k]!;
    let end = k + 1;
    while (end < lits.length) {
      const p = sharedPrefix(needle, lits[end]!);
      if (p.length < MIN_SHARED_PREFIX) break;
      needle = p;
      end++;
    }
    if (end - k === 1)
      out.push({ needle, at: byLit.get(needle)!, members: [], memberAt: [], lens: null, byMember: null });
    else {
      const members = lits.slice(k, end);
      const memberAt = members.map((m) => byLit.get(m)!);
      const lens = [...new Set(members.map((m) => m.length))].sort((a, b) => a - b);
      const lookup = lens.length * MEMBERS_PER_LENGTH <= members.length;
      out.push({
        needle,
        at: null,
        members,
        memberAt,
        lens: lookup ? Int32Array.from(lens) : null,
        byMember: lookup ? new Map(members.map((m, j) => [m, memberAt[j]!])) : null,
      });
    }
    k = end;
  }
  return out;
}

/**
 * The literal tables of one dispatch list (rules by position in it): built once per ruleset and
 * shared by every engine that runs it (the fleet keeps one engine per host); read-only once built.
 */
export class PrefilterTable {
  /** One bucket per field the prefilters read. */
  readonly buckets: readonly LiteralBucket[];
  /** Positions of the rules without a prefilter (always run), ascending. */
  readonly always: Int32Array;

  /** Rules in the dispatch list. */
  readonly size: number;

  private constructor(rules: readonly CompiledRule[]) {
    this.size = rules.length;
    const buckets: LiteralBucket[] = [];
    const always: number[] = [];
    const byGetter = new Map<FieldGetter, LiteralBucket>();
    rules.forEach((rule, pos) => {
      const alts = prefiltersOf(rule);
      if (alts === null) {
        always.push(pos);
        return;
      }
      // A rule with alternatives sits in each of their buckets; the stamps mark it once.
      for (const p of alts) {
        let b = byGetter.get(p.get);
        if (b === undefined) {
          byGetter.set(p.get, (b = new LiteralBucket(p.get)));
          buckets.push(b);
        }
        b.add(pos, p);
      }
    });
    for (const b of buckets) b.finish();
    this.buckets = buckets;
    this.always = Int32Array.from(always);
  }

  /** The table of a dispatch list, or undefined when too few of its rules have a prefilter to be worth one. */
  static of(rules: readonly CompiledRule[]): PrefilterTable | undefined {
    let n = 0;
    for (const r of rules) if (prefiltersOf(r) !== null) n++;
    return n >= MIN_INDEXED ? new PrefilterTable(rules) : undefined;
  }
}

/**
 * Per dispatch list: which rules can match this event, from their prefilters (CompiledRule.prefilter),
 * with one field read, one lower-casing and a few Map lookups per candidate string instead of one
 * predicate call per rule. A rule whose prefilter finds nothing would have returned false at its
 * first test, so skipping it changes nothing; rules without a prefilter always run. The tables are
 * a shared PrefilterTable; the marks and candidates are this index's own.
 */
export class PrefilterIndex {
  private readonly stamp: Uint32Array;
  private cur = 0;
  private readonly buckets: readonly LiteralBucket[];
  /**
   * After mark(): the positions to run, ascending (ruleset order, so alerts keep their order) —
   * the rules without a prefilter and those the index found — in candidates[0, count).
   */
  readonly candidates: Int32Array;
  count = 0;
  private readonly always: Int32Array;

  constructor(table: PrefilterTable) {
    this.stamp = new Uint32Array(table.size);
    this.candidates = new Int32Array(table.size);
    this.buckets = table.buckets;
    this.always = table.always;
  }

  /** Finds the candidates for this event: candidates[0, count), ascending. */
  mark(ev: NightjarEvent, ctx: EvalContext): void {
    if (++this.cur === 0xffffffff) {
      this.stamp.fill(0);
      this.cur = 1;
    }
    const always = this.always;
    this.candidates.set(always);
    this.count = always.length;
    for (let i = 0; i < this.buckets.length; i++) {
      const b = this.buckets[i]!;
      let raw: unknown;
      try {
        raw = b.get(ev, ctx);
      } catch {
        this.markAll(b.all);
        continue;
      }
      this.scan(raw, b, 0);
    }
    // Usually none or a few were added after the always-run ones: insertion sort.
    const c = this.candidates;
    for (let i = always.length; i < this.count; i++) {
      const v = c[i]!;
      let j = i - 1;
      while (j >= 0 && c[j]! > v) {
        c[j + 1] = c[j]!;
        j--;
      }
      c[j + 1] = v;
    }
  }

  private markAll(list: readonly number[]): void {
    const cur = this.cur;
    const stamp = this.stamp;
    for (let i = 0; i < list.length; i++) {
      const pos = list[i]!;
      if (stamp[pos] === cur) continue;
      stamp[pos] = cur;
      this.candidates[this.count++] = pos;
    }
  }

  /** Every scalar of the value, lists flattened, in its string form (as detection items read it). */
  private scan(raw: unknown, b: LiteralBucket, depth: number): void {
    if (Array.isArray(raw)) {
      if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
      for (let i = 0; i < raw.length; i++) this.scan(raw[i], b, depth + 1);
      return;
    }
    let s: string;
    if (typeof raw === 'string') s = raw;
    else if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) return;
      s = String(raw);
    } else if (typeof raw === 'boolean') s = raw ? 'true' : 'false';
    else if (typeof raw === 'bigint') s = raw.toString();
    else return;
    // Lower-cased only when a test needs it: an endswith-only field (the common `Image|endswith`) is
    // decided from its last two characters when they are ASCII, with no new string per event.
    let l: string | null = null;
    if (b.eq.size > 0) {
      l = s.toLowerCase();
      if (b.eqKeys.has(eqKey(l))) {
        const hit = b.eq.get(l);
        if (hit !== undefined) this.markAll(hit);
      }
    }
    const pre = b.pre;
    if (pre.length > 0) {
      if (l === null) l = s.toLowerCase();
      for (let i = 0; i < pre.length; i++) {
        const g = pre[i]!;
        if (!l.startsWith(g.needle)) continue;
        if (g.at !== null) {
          this.markAll(g.at);
          continue;
        }
        if (g.lens !== null) this.lookUpMembers(g, l, 0);
        else {
          const m = g.members;
          for (let j = 0; j < m.length; j++) if (l.startsWith(m[j]!)) this.markAll(g.memberAt[j]!);
        }
      }
    }
    if (b.suf.size > 0) {
      // Lower-casing is per character at the end of a string (final-sigma context and expansions such
      // as U+0130 → "i̇" concern non-ASCII characters only), so ASCII last characters give the same
      // key; anything else (or a one-character string, which may lower-case to two) is lower-cased.
      const c1 = s.length >= 2 ? s.charCodeAt(s.length - 2) : 128;
      const c2 = s.charCodeAt(s.length - 1);
      let key = -1;
      if (c1 < 128 && c2 < 128) key = asciiLower(c1) * 65536 + asciiLower(c2);
      else {
        if (l === null) l = s.toLowerCase();
        if (l.length >= 2) key = tail2(l, l.length);
      }
      const slot = key < 0 ? undefined : b.suf.get(key);
      if (slot !== undefined) {
        if (l === null) l = s.toLowerCase();
        for (let j = 0; j < slot.lits.length; j++) if (l.endsWith(slot.lits[j]!)) this.markAll(slot.at[j]!);
      }
    }
    if (b.sufShort.lits.length === 0 && b.con.length === 0) return;
    if (l === null) l = s.toLowerCase();
    const short = b.sufShort;
    for (let j = 0; j < short.lits.length; j++) if (l.endsWith(short.lits[j]!)) this.markAll(short.at[j]!);
    const con = b.con;
    for (let i = 0; i < con.length; i++) {
      const g = con[i]!;
      if (!l.includes(g.needle)) continue;
      if (g.at !== null) {
        this.markAll(g.at);
        continue;
      }
      if (g.lens !== null) {
        // Every member starts with the needle, so it can only occur where the needle does.
        for (let q = l.indexOf(g.needle); q >= 0; q = l.indexOf(g.needle, q + 1)) this.lookUpMembers(g, l, q);
      } else {
        const m = g.members;
        for (let j = 0; j < m.length; j++) if (l.includes(m[j]!)) this.markAll(g.memberAt[j]!);
      }
    }
  }

  /** Marks the members of `g` (a group with lens) that `l` holds at `from`: one lookup per length. */
  private lookUpMembers(g: LiteralGroup, l: string, from: number): void {
    const lens = g.lens!;
    const byMember = g.byMember!;
    for (let i = 0; i < lens.length; i++) {
      const end = from + lens[i]!;
      if (end > l.length) return;
      const hit = byMember.get(l.slice(from, end));
      if (hit !== undefined) this.markAll(hit);
    }
  }
}

/**
 * The tests one of which must pass for the rule to match (its `prefilter`, else its `prefilterAny`
 * alternatives), or null when it must always run (none, or an alternative without tests).
 */
function prefiltersOf(rule: CompiledRule): readonly RulePrefilter[] | null {
  const p = rule.prefilter;
  if (p !== undefined) return p.tests.length > 0 ? [p] : null;
  const any = rule.prefilterAny;
  if (any === undefined || any.length === 0) return null;
  for (const a of any) if (a.tests.length === 0) return null;
  return any;
}
