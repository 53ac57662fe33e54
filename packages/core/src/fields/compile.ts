import { JSONPath } from 'jsonpath-plus';
import type { CoreErrorCode } from '../codes.js';
import { NightjarError } from '../errors.js';
import type { NightjarEvent } from '../model/event.js';
import type { EsMessage, EsProcess } from '../model/message.js';
import type { CompiledField, FieldGetter } from '../ruleset/types.js';
import type { EvalContext } from './context.js';
import { eventPayload, tokenEntityId } from '../model/decode.js';
import { EventDepthError, MAX_EVENT_DEPTH } from '../model/depth.js';

/** A field path that cannot be compiled (empty segment, script in a JSONPath, …). Code NJ_FIELD_PATH. */
export class FieldPathError extends NightjarError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super('NJ_FIELD_PATH' satisfies CoreErrorCode, `invalid field path ${JSON.stringify(path)}: ${reason}`);
    this.path = path;
  }
}

/**
 * The process an event is about, as lineage and rules see it: for `exec` the new image
 * (`event.exec.target`), for `fork` the child (`event.fork.child`, so `parent.*` of a fork is the
 * forking process), otherwise the actor (`process`). Undefined for skipped events or when absent.
 */
export function processOfEvent(ev: NightjarEvent): EsProcess | undefined {
  const msg = ev.msg;
  if (msg === null) return undefined;
  if (ev.name === 'exec' || ev.name === 'fork') {
    const payload = eventPayload(ev, ev.name) as { target?: unknown; child?: unknown } | undefined;
    const p = ev.name === 'exec' ? payload?.target : payload?.child;
    if (typeof p === 'object' && p !== null && !Array.isArray(p)) return p as EsProcess;
    return undefined;
  }
  return ev.actor ?? msg.process ?? undefined;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked as hasOwn.call(obj, key); hoisted so the hot path skips the lookup
const hasOwn = Object.prototype.hasOwnProperty;

// Segment compiled once: the key, an array index when the segment is a non-negative integer, and
// whether the key also names something on Object.prototype (then only own properties count).
interface Seg {
  readonly key: string;
  readonly index: number;
  readonly ownOnly: boolean;
}

/**
 * Audit token members in `audit_token_t.val[]` order. Tokens are objects up to message version 9 and
 * 8-integer arrays from version 10 (macOS 26); see AuditToken.
 */
const TOKEN_MEMBER_INDEX: Readonly<Record<string, number>> = {
  auid: 0,
  euid: 1,
  egid: 2,
  ruid: 3,
  rgid: 4,
  pid: 5,
  asid: 6,
  pidversion: 7,
};
/** Keys whose value is an audit token: audit_token, parent_audit_token, instigator_token, app_token, … */
const TOKEN_KEY = /_token$/;

function compileSegments(path: string, parts: readonly string[]): Seg[] {
  return parts.map((key, i) => {
    if (key === '') throw new FieldPathError(path, 'empty segment');
    let index = /^(0|[1-9]\d{0,8})$/.test(key) ? Number(key) : -1;
    // A token member after a token key (`audit_token.pid`) also carries its val[] index: walk reads
    // an object token by key and indexes an array token, so both forms match with no per-event test
    // (and paths that do not cross a token compile exactly as before).
    if (index < 0 && i > 0 && TOKEN_KEY.test(parts[i - 1]!) && hasOwn.call(TOKEN_MEMBER_INDEX, key))
      index = TOKEN_MEMBER_INDEX[key]!;
    return { key, index, ownOnly: key in Object.prototype };
  });
}

/**
 * Follows `segs[from..]` from `root`. Allocation-free unless the path crosses an array, where it maps
 * over the elements and flattens (`event.exec.fds.fdtype` → one value per fd). A numeric segment on
 * an array indexes it instead (`event.exec.args.0`), as does a token member on an array token
 * (`audit_token.pid` → val[5]). `entity_id` on a process object without one is
 * computed from its audit token. Arrays nested in arrays are flattened too, down to MAX_EVENT_DEPTH
 * levels: deeper, the walk throws EventDepthError (the engine reports the event as NJ_EVENT_DEPTH)
 * instead of recursing until the stack runs out.
 */
function walk(root: unknown, segs: readonly Seg[], from: number, depth = 0): unknown {
  let cur = root;
  for (let i = from; i < segs.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const seg = segs[i]!;
    if (Array.isArray(cur)) {
      if (seg.index >= 0) {
        cur = cur[seg.index];
        continue;
      }
      return mapArray(cur, segs, i, depth);
    }
    const o = cur as Record<string, unknown>;
    let next = seg.ownOnly && !hasOwn.call(o, seg.key) ? undefined : o[seg.key];
    if (next === undefined && seg.key === 'entity_id' && i === segs.length - 1 && 'audit_token' in o) {
      next = tokenEntityId(o.audit_token as EsProcess['audit_token']);
    }
    cur = next;
  }
  return cur;
}

function mapArray(arr: readonly unknown[], segs: readonly Seg[], i: number, depth = 0): unknown[] | undefined {
  if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
  const out: unknown[] = [];
  for (const el of arr) {
    const v = walk(el, segs, i, depth + 1);
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(x);
    else out.push(v);
  }
  return out.length > 0 ? out : undefined;
}

const LINEAGE_PREFIXES = ['parent', 'real_parent', 'responsible', 'ancestors'] as const;
type LineageRel = (typeof LINEAGE_PREFIXES)[number];

/**
 * A too-deep value read through lineage belongs to an ancestor recorded from an earlier event, not
 * to this one: the error names the field, so the engine skips only the rule that read it.
 */
function viaLineage(field: string, err: unknown): unknown {
  return err instanceof EventDepthError && err.via === undefined ? new EventDepthError(field) : err;
}

function lineageWalk(field: string, root: unknown, segs: readonly Seg[]): unknown {
  try {
    return walk(root, segs, 1);
  } catch (err) {
    throw viaLineage(field, err);
  }
}

function lineageGetter(rel: LineageRel, segs: readonly Seg[]): FieldGetter {
  const field = [rel, ...segs.slice(1).map((s) => s.key)].join('.');
  switch (rel) {
    case 'parent':
      return (ev, ctx) => (ev.msg === null ? undefined : lineageWalk(field, ctx.lineage.parent(ev), segs));
    case 'real_parent':
      return (ev, ctx) => (ev.msg === null ? undefined : lineageWalk(field, ctx.lineage.realParent(ev), segs));
    case 'responsible':
      return (ev, ctx) => (ev.msg === null ? undefined : lineageWalk(field, ctx.lineage.responsible(ev), segs));
    case 'ancestors':
      // Any ancestor matches: one flat list of the values found on each ancestor.
      return (ev, ctx) => {
        if (ev.msg === null) return undefined;
        const list = ctx.lineage.ancestors(ev);
        if (list.length === 0) return undefined;
        try {
          return mapArray(list, segs, 1);
        } catch (err) {
          throw viaLineage(field, err);
        }
      };
  }
}

function jsonPathGetter(path: string): FieldGetter {
  let parts: string[];
  try {
    parts = JSONPath.toPathArray(path);
  } catch (err) {
    throw new FieldPathError(path, `bad JSONPath (${err instanceof Error ? err.message : String(err)})`);
  }
  // Scripts (`?(…)`, `(…)`) are refused here, at load time, in addition to eval: false at run time:
  // a rule is untrusted text and must never execute code.
  for (const p of parts) {
    const t = p.trim();
    if (t.startsWith('?(') || t.startsWith('('))
      throw new FieldPathError(path, 'JSONPath script and filter expressions are not allowed');
  }
  // One evaluator per path, reused: the path string hits jsonpath-plus' parse cache on every call.
  let jp: { evaluate(path: string, json: object, callback: undefined, other: undefined): unknown };
  try {
    jp = JSONPath({ path, json: {}, eval: false, wrap: true, autostart: false });
    // Prove it runs once (catches paths jsonpath-plus accepts at parse time but rejects when run).
    jp.evaluate(path, {}, undefined, undefined);
  } catch (err) {
    throw new FieldPathError(path, `bad JSONPath (${err instanceof Error ? err.message : String(err)})`);
  }
  return (ev) => {
    const msg = ev.msg;
    if (msg === null) return undefined;
    let r: unknown;
    try {
      r = jp.evaluate(path, msg, undefined, undefined);
    } catch {
      return undefined;
    }
    if (!Array.isArray(r) || r.length === 0) return undefined;
    return r.length === 1 ? (r as unknown[])[0] : r;
  };
}

/**
 * Wraps a getter with a one-entry memo keyed on (ctx.epoch, event): within one Engine.push every
 * rule and correlation reading the same path shares one read. No memo when ctx.epoch is undefined.
 */
function memoized(get: FieldGetter): FieldGetter {
  let epoch = NaN;
  let last: NightjarEvent | undefined;
  let value: unknown;
  return (ev, ctx) => {
    const e = ctx.epoch;
    if (e === undefined) return get(ev, ctx);
    if (e === epoch && ev === last) return value;
    const v = get(ev, ctx);
    epoch = e;
    last = ev;
    value = v;
    return v;
  };
}

/** Compiled paths shared by every rule (getters are pure functions of the path); bounded. */
const shared = new Map<string, CompiledField>();
const MAX_SHARED = 8192;

/**
 * Compiles a field path to a getter, once per path at rule load time. The same path gives the same
 * getter (shared across rules, so its memo serves them all; see EvalContext.epoch).
 *
 * - Dotted paths into the eslogger object: `event.open.file.path`, `process.signing_id`. Arrays are
 *   mapped and flattened; a numeric segment indexes. Missing → undefined; a JSON null stays null.
 * - A token member after a token key (`process.audit_token.pid`, `event.fork.child.audit_token.euid`,
 *   `….instigator_token.pid`) reads the object (message version ≤ 9) and the 8-integer array
 *   (version 10) forms alike.
 * - `parent.*`, `real_parent.*`, `responsible.*`: the same path into that process (through
 *   `ctx.lineage`); `ancestors.*`: the values from every ancestor, as one list.
 * - Paths starting with `$`: JSONPath (jsonpath-plus), parsed once, no script evaluation.
 * - `nightjar.host`: the event's host (NightjarEvent.host), not a key of the message.
 *
 * Throws FieldPathError for a path that cannot be compiled. Skipped events (msg null) read as undefined.
 */
export function compileFieldPath(path: string): CompiledField {
  if (typeof path !== 'string' || path.length === 0) throw new FieldPathError(String(path), 'empty path');
  let f = shared.get(path);
  if (f === undefined) {
    const c = compileUncached(path);
    f = { get: memoized(c.get), usesLineage: c.usesLineage };
    if (shared.size >= MAX_SHARED) shared.clear();
    shared.set(path, f);
  }
  return f;
}

/** The engine's own fields, read from the event's header rather than the message. */
const ENGINE_FIELDS: ReadonlyMap<string, FieldGetter> = new Map([['nightjar.host', (ev: NightjarEvent) => ev.host]]);

function compileUncached(path: string): CompiledField {
  const own = ENGINE_FIELDS.get(path);
  if (own !== undefined) return { get: own, usesLineage: false };
  if (path.startsWith('$')) return { get: jsonPathGetter(path), usesLineage: false };
  const segs = compileSegments(path, path.split('.'));
  const first = segs[0]!.key;
  if ((LINEAGE_PREFIXES as readonly string[]).includes(first)) {
    return { get: lineageGetter(first as LineageRel, segs), usesLineage: true };
  }
  // The decoder's shortcuts (NightjarEvent.actor, .payload) skip the first levels of the walk; an
  // event without them (built by hand) is walked from msg, with the same answers.
  if (first === 'process' && !segs[0]!.ownOnly) {
    const get: FieldGetter = (ev: NightjarEvent, _ctx: EvalContext) => {
      const msg: EsMessage | null = ev.msg;
      if (msg === null) return undefined;
      const actor = ev.actor;
      return actor !== undefined ? walk(actor, segs, 1) : walk(msg, segs, 0);
    };
    return { get, usesLineage: false };
  }
  if (first === 'event' && segs.length >= 2 && !segs[1]!.ownOnly && segs[1]!.index < 0) {
    const key = segs[1]!.key;
    const get: FieldGetter = (ev: NightjarEvent, _ctx: EvalContext) => {
      const msg: EsMessage | null = ev.msg;
      if (msg === null) return undefined;
      const payload = ev.payload;
      return payload !== undefined && ev.payloadKey === key ? walk(payload, segs, 2) : walk(msg, segs, 0);
    };
    return { get, usesLineage: false };
  }
  const get: FieldGetter = (ev: NightjarEvent, _ctx: EvalContext) => {
    const msg: EsMessage | null = ev.msg;
    return msg === null ? undefined : walk(msg, segs, 0);
  };
  return { get, usesLineage: false };
}
