/**
 * The lineage cache's compact process entry. A cached process keeps every field of its eslogger
 * object (a rule loaded later may read any `parent.*` path), but not the object: what processes
 * share — executable and its stat, tty, code-signing facts, the audit tokens' ids — lives once in
 * an interned *shape*, and the entry holds only what is its own (the pids and pidversions of its
 * three tokens, ppid, original_ppid, group and session ids, start time) as numbers. A reader gets
 * the object back from `materialize`, equal field for field to the one that was compacted.
 */
import type { AuditToken, EsProcess } from '../model/message.js';
import { formatTimeUs, parseTimeUs } from '../model/time.js';
import { MAX_EVENT_DEPTH } from '../model/depth.js';
import { entityIdOf, tokenEntityId } from '../model/decode.js';

/** An interned shape: the process object with its per-process values blanked (see CompactProcess.assign). */
interface Shape {
  /** The object with per-process fields at placeholder values; nested objects shared by every view. */
  readonly skeleton: Record<string, unknown>;
  /** Which per-process fields were lifted into the entry (F_* bits). */
  readonly mask: number;
  /** The skeleton's code-signing flags, read on every event by sameView (kept here, where it is hot). */
  readonly cs: unknown;
  /** The skeleton flattened (see flatten): what a new process's skeleton is compared with. */
  readonly flat: unknown[];
  /**
   * True for the usual shape (every per-process field lifted, tokens as objects): sameView then reads
   * the audit token's ids from the fields below, kept here where they are hot.
   */
  readonly common: boolean;
  readonly auid: unknown;
  readonly euid: unknown;
  readonly egid: unknown;
  readonly ruid: unknown;
  readonly rgid: unknown;
}

const F_PPID = 1;
const F_ORIG = 2;
const F_GROUP = 4;
const F_SESSION = 8;
const F_START_US = 16;
const F_START_STR = 32;
/**
 * 2^30: a µs time is kept as two small integers, µs = hi × HI + lo (the start time here, the seen
 * times in the lineage cache's nodes): a number that large would be boxed, 16 B more per entry.
 */
export const HI = 1_073_741_824;
const F_PT = 64;
const F_RT = 128;
const F_AT = 256;
/** Not a mask bit: entity_id, blanked in every skeleton that has one. */
const F_ID = 512;
const F_TOKENS = F_AT | F_PT | F_RT;
/** The top-level keys skeletonOf may blank, and the bit that says it did. */
const BLANKED_BY_KEY = new Map<string, number>([
  ['audit_token', F_AT],
  ['parent_audit_token', F_PT],
  ['responsible_audit_token', F_RT],
  ['ppid', F_PPID],
  ['original_ppid', F_ORIG],
  ['group_id', F_GROUP],
  ['session_id', F_SESSION],
  ['start_time', F_START_US | F_START_STR],
  ['entity_id', F_ID],
]);

/** Distinct shapes kept before the table starts afresh (entries keep theirs alive). */
const MAX_SHAPES = 4096;
/** Shapes kept per executable path (the newest first); an older one is dropped from the table. */
const SHAPES_PER_PATH = 8;
/** Shapes by executable path: found by comparing the candidates field by field. */
let shapes = new Map<string, Shape[]>();
let shapeCount = 0;

/**
 * One cached process, compact: the lineage cache's node class extends it, so the process's own
 * values sit in the node itself (no second object per process). `proc` reads the process object
 * back (see materialize) and takes a newer view (see sameView).
 */
export class CompactProcess {
  // Field order is memory order: the fields every event reads (the ids observe() checks, then what
  // sameView() compares) are declared together, so they share as few cache lines as they can.
  /** entity_id: the cache key, fixed for the entry's life. */
  readonly id: string;
  /**
   * start_time as µs = startHi × 2^30 + startLo when it formats back to the same text, else the
   * text in startHi. Two small integers: one number this size would be boxed, 16 B more per entry.
   */
  startHi: number | string = 0;
  startLo = 0;
  /** pid and pidversion of the process's audit token. */
  readonly pid: number;
  readonly pidversion: number;
  /** The shared part of the process object. Set by the constructor (through `proc`). */
  shape!: Shape;
  /** pid and pidversion of the parent audit token (-1: none, or not in a form we lift out). */
  ptPid = -1;
  ptPv = -1;
  ppid = 0;
  originalPpid = 0;
  groupId = 0;
  sessionId = 0;
  /** pid and pidversion of the responsible audit token (when lifted). */
  rtPid = 0;
  rtPv = 0;

  constructor(id: string, pid: number, pidversion: number, p: EsProcess) {
    this.id = id;
    this.pid = pid;
    this.pidversion = pidversion;
    this.assign(p);
  }

  /** Newest view of the process (its entity_id is this entry's key), rebuilt from the compact form. */
  get proc(): EsProcess {
    return materialize(this);
  }

  /** Takes a newer view: compacted again only when a field that can change during a process's life did. */
  set proc(p: EsProcess) {
    if (!sameView(this, p)) this.assign(p);
  }

  /** entity_id of the parent audit token (undefined when there is none), without building the object. */
  get parentTokenId(): string | undefined {
    return this.tokenId(F_PT, this.ptPid, this.ptPv, 'parent_audit_token');
  }

  /** entity_id of the responsible audit token (undefined when there is none), without building the object. */
  get responsibleTokenId(): string | undefined {
    return this.tokenId(F_RT, this.rtPid, this.rtPv, 'responsible_audit_token');
  }

  /** A token's entity_id: from the entry's numbers when lifted (`bit`), else from the shape's token. */
  private tokenId(bit: number, pid: number, pv: number, key: string): string | undefined {
    return this.shape.mask & bit
      ? entityIdOf(pid, pv)
      : tokenEntityId(this.shape.skeleton[key] as AuditToken | null | undefined);
  }

  /** Process start (start_time) in µs, undefined when absent or unreadable. */
  get startUs(): number | undefined {
    const mask = this.shape.mask;
    if (mask & F_START_US) return (this.startHi as number) * HI + this.startLo;
    return mask & F_START_STR ? parseTimeUs(this.startHi as string) : undefined;
  }

  /** Compacts process object `p`: its shape interned, its own values packed into this entry. */
  private assign(p: EsProcess): void {
    let mask = 0;
    const at = p.audit_token;
    // The audit token's ids are the entry's own; lifted out only when they are exactly those.
    if (liftable(at) && tokenPid(at) === this.pid && tokenPv(at) === this.pidversion) mask |= F_AT;
    const pt = p.parent_audit_token;
    this.ptPid = this.ptPv = -1;
    if (liftable(pt)) {
      mask |= F_PT;
      this.ptPid = tokenPid(pt!);
      this.ptPv = tokenPv(pt!);
    }
    const rt = p.responsible_audit_token;
    if (liftable(rt)) {
      mask |= F_RT;
      this.rtPid = tokenPid(rt!);
      this.rtPv = tokenPv(rt!);
    }
    if (num(p.ppid)) {
      mask |= F_PPID;
      this.ppid = p.ppid;
    }
    if (num(p.original_ppid)) {
      mask |= F_ORIG;
      this.originalPpid = p.original_ppid;
    }
    if (num(p.group_id)) {
      mask |= F_GROUP;
      this.groupId = p.group_id;
    }
    if (num(p.session_id)) {
      mask |= F_SESSION;
      this.sessionId = p.session_id;
    }
    this.startHi = this.startLo = 0;
    const st = p.start_time;
    if (typeof st === 'string') {
      const us = parseTimeUs(st);
      if (us !== undefined && formatsBack(st)) {
        mask |= F_START_US;
        // A four-digit year bounds both parts to 31 bits: `| 0` keeps them small integers (an
        // integral double stored here would give the field a box per entry).
        const hi = Math.floor(us / HI);
        this.startHi = hi | 0;
        this.startLo = (us - hi * HI) | 0;
      } else {
        mask |= F_START_STR;
        this.startHi = st;
      }
    }
    this.shape = internShape(p, mask);
    forgetView(this);
  }
}

/**
 * True when `s`, which parseTimeUs read, is exactly what formatTimeUs writes for its value:
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` (upper-case T and Z, six digits, no leap second). The parse
 * checked every digit and range, so the layout decides, without formatting a string per process.
 */
function formatsBack(s: string): boolean {
  return (
    s.length === 27 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(19) === 46 &&
    s.charCodeAt(26) === 90 &&
    !(s.charCodeAt(17) === 54 && s.charCodeAt(18) === 48)
  );
}

/**
 * The skeleton of `p` for `mask`: the object with its per-process values blanked (lifted token ids
 * 0, lifted numbers 0, start time and entity_id ''), what a shape keeps.
 */
function skeletonOf(p: EsProcess, mask: number): Record<string, unknown> {
  const skeleton: Record<string, unknown> = { ...p };
  // entity_id is the key, not part of the shape; a placeholder keeps its place among the keys
  // (views of an object without one carry it last, where learning adds it).
  const blanked = mask | F_ID;
  for (const [key, bit] of BLANKED_BY_KEY) {
    if ((bit & blanked) === 0 || !(key in skeleton)) continue;
    skeleton[key] = bit & F_TOKENS ? withIds(skeleton[key] as AuditToken, 0, 0) : blankOf(bit);
  }
  return skeleton;
}

/** The placeholder of a blanked value that is not a token: '' for text, 0 for numbers. */
function blankOf(bit: number): '' | 0 {
  return bit & (F_START_US | F_START_STR | F_ID) ? '' : 0;
}

function isTokenObject(t: unknown): t is Record<string, unknown> {
  return typeof t === 'object' && t !== null && !Array.isArray(t);
}

/** True when token `t` has numeric pid and pidversion we can lift out (object or v10+ array form). */
function liftable(t: unknown): boolean {
  if (Array.isArray(t)) return t.length === 8 && typeof t[5] === 'number' && typeof t[7] === 'number';
  return isTokenObject(t) && typeof t.pid === 'number' && typeof t.pidversion === 'number';
}

function tokenPid(t: AuditToken): number {
  return (Array.isArray(t) ? t[5] : (t as { pid: number }).pid) as number;
}

function tokenPv(t: AuditToken): number {
  return (Array.isArray(t) ? t[7] : (t as { pidversion: number }).pidversion) as number;
}

/** The token with pid and pidversion set (blanked with 0, 0 for the shape). */
function withIds(t: AuditToken, pid: number, pv: number): AuditToken {
  if (Array.isArray(t)) {
    const a = (t as readonly number[]).slice();
    a[5] = pid;
    a[7] = pv;
    return a;
  }
  return { ...(t as Record<string, unknown>), pid, pidversion: pv } as AuditToken;
}

function num(v: unknown): v is number {
  return typeof v === 'number';
}

/**
 * The interned shape of `p` for `mask` (its skeleton: same keys in the same order, equal values),
 * added when new. Candidates are the shapes of the same executable path, compared field by field
 * with `p` itself (the skeleton is built only for a new shape): a new process is a few dozen
 * comparisons, not a serialisation.
 */
function internShape(p: EsProcess, mask: number): Shape {
  const exe = p.executable as unknown;
  const path = typeof exe === 'object' && exe !== null ? (exe as { path?: unknown }).path : undefined;
  const key = typeof path === 'string' ? path : '';
  let list = shapes.get(key);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (s.mask === mask && matchView(p, mask, s.flat)) {
        if (i > 0) {
          list[i] = list[0]!;
          list[0] = s;
        }
        return s;
      }
    }
  }
  if (shapeCount >= MAX_SHAPES) {
    shapes = new Map();
    shapeCount = 0;
    list = undefined;
  }
  if (list === undefined) shapes.set(key, (list = []));
  const skeleton = skeletonOf(p, mask);
  const at = skeleton.audit_token as Record<string, unknown>;
  const all = F_PPID | F_ORIG | F_GROUP | F_SESSION | F_PT | F_RT | F_AT;
  const s: Shape = {
    skeleton,
    mask,
    cs: skeleton.codesigning_flags,
    flat: flatten(skeleton, []),
    common: (mask & all) === all && isTokenObject(at),
    auid: at?.auid,
    euid: at?.euid,
    egid: at?.egid,
    ruid: at?.ruid,
    rgid: at?.rgid,
  };
  list.unshift(s);
  shapeCount++;
  if (list.length > SHAPES_PER_PATH) {
    list.pop();
    shapeCount--;
  }
  return s;
}

// Markers of flattened skeletons: objects, so never equal to a key or a JSON primitive.
const OPEN = {};
const CLOSE = {};
const ARRAY = {};

/**
 * A JSON value as one flat list, keys and values in order (objects between OPEN and CLOSE, arrays
 * as ARRAY, length, items): comparing a new skeleton with it is one walk, with no allocation. Below
 * MAX_EVENT_DEPTH a value is kept whole and compared by identity, so a hostile process object nested
 * thousands deep costs a bounded walk (and at worst a shape of its own), never the stack.
 */
function flatten(v: unknown, out: unknown[], depth = 0): unknown[] {
  if (typeof v !== 'object' || v === null || depth >= MAX_EVENT_DEPTH) out.push(v);
  else if (Array.isArray(v)) {
    out.push(ARRAY, v.length);
    for (const x of v) flatten(x, out, depth + 1);
  } else {
    out.push(OPEN);
    for (const k in v) {
      out.push(k);
      flatten((v as Record<string, unknown>)[k], out, depth + 1);
    }
    out.push(CLOSE);
  }
  return out;
}

/** Index after `v` in `flat` from `i` when v matches it (same keys in the same order, equal values), else -1. */
function matchFlat(v: unknown, flat: unknown[], i: number, depth = 0): number {
  if (typeof v !== 'object' || v === null || depth >= MAX_EVENT_DEPTH) return flat[i] === v ? i + 1 : -1;
  if (Array.isArray(v)) {
    if (flat[i] !== ARRAY || flat[i + 1] !== v.length) return -1;
    i += 2;
    for (let k = 0; k < v.length && i >= 0; k++) i = matchFlat(v[k], flat, i, depth + 1);
    return i;
  }
  if (flat[i] !== OPEN) return -1;
  i++;
  for (const k in v) {
    if (flat[i] !== k) return -1;
    i = matchFlat((v as Record<string, unknown>)[k], flat, i + 1, depth + 1);
    if (i < 0) return -1;
  }
  return flat[i] === CLOSE ? i + 1 : -1;
}

/**
 * True when `flat` is the flattened skeletonOf(p, mask): matchFlat over `p` with the blanked values
 * read as their placeholders, so a process of a known shape allocates nothing.
 */
function matchView(p: EsProcess, mask: number, flat: unknown[]): boolean {
  if (flat[0] !== OPEN) return false;
  let i = 1;
  const v = p as Record<string, unknown>;
  const blanked = mask | F_ID;
  for (const k in v) {
    if (flat[i] !== k) return false;
    const bit = BLANKED_BY_KEY.get(k);
    if (bit === undefined || (bit & blanked) === 0) i = matchFlat(v[k], flat, i + 1, 1);
    else if (bit & F_TOKENS) i = matchToken(v[k], flat, i + 1);
    else i = placeholder(flat, i + 1, blankOf(bit));
    if (i < 0) return false;
  }
  return flat[i] === CLOSE && i + 1 === flat.length;
}

function placeholder(flat: unknown[], i: number, blank: unknown): number {
  return flat[i] === blank ? i + 1 : -1;
}

/** matchFlat for a token whose pid and pidversion were lifted (withIds(t, 0, 0) in the skeleton). */
function matchToken(t: unknown, flat: unknown[], i: number): number {
  if (Array.isArray(t)) {
    if (flat[i] !== ARRAY || flat[i + 1] !== t.length) return -1;
    i += 2;
    for (let k = 0; k < t.length && i >= 0; k++)
      i = k === 5 || k === 7 ? placeholder(flat, i, 0) : matchFlat(t[k], flat, i, 2);
    return i;
  }
  if (flat[i] !== OPEN) return -1;
  i++;
  const o = t as Record<string, unknown>;
  for (const k in o) {
    if (flat[i] !== k) return -1;
    i = k === 'pid' || k === 'pidversion' ? placeholder(flat, i + 1, 0) : matchFlat(o[k], flat, i + 1, 2);
    if (i < 0) return -1;
  }
  return flat[i] === CLOSE ? i + 1 : -1;
}

// Views built lately, by entry: readers of parent.* on consecutive events ask for the same few
// parents, and building one is ~30 property writes. Direct-mapped by pid, so bounded.
const VIEW_SLOTS = 1024;
const viewOf: (CompactProcess | undefined)[] = new Array<CompactProcess | undefined>(VIEW_SLOTS).fill(undefined);
const views: (EsProcess | undefined)[] = new Array<EsProcess | undefined>(VIEW_SLOTS).fill(undefined);

function forgetView(e: CompactProcess): void {
  const slot = e.pid & (VIEW_SLOTS - 1);
  if (viewOf[slot] === e) viewOf[slot] = undefined;
}

/**
 * The process object of an entry, field for field the one compacted (same keys in the same order;
 * nested objects other than the tokens are shared between views of one shape: do not mutate them).
 * Carries entity_id.
 */
export function materialize(e: CompactProcess): EsProcess {
  const slot = e.pid & (VIEW_SLOTS - 1);
  if (viewOf[slot] === e) return views[slot]!;
  const { skeleton, mask } = e.shape;
  const p: Record<string, unknown> = { ...skeleton };
  if (mask & F_AT) p.audit_token = withIds(skeleton.audit_token as AuditToken, e.pid, e.pidversion);
  if (mask & F_PT) p.parent_audit_token = withIds(skeleton.parent_audit_token as AuditToken, e.ptPid, e.ptPv);
  if (mask & F_RT) p.responsible_audit_token = withIds(skeleton.responsible_audit_token as AuditToken, e.rtPid, e.rtPv);
  if (mask & F_PPID) p.ppid = e.ppid;
  if (mask & F_ORIG) p.original_ppid = e.originalPpid;
  if (mask & F_GROUP) p.group_id = e.groupId;
  if (mask & F_SESSION) p.session_id = e.sessionId;
  if (mask & (F_START_US | F_START_STR)) p.start_time = mask & F_START_US ? formatTimeUs(e.startUs!) : e.startHi;
  p.entity_id = e.id;
  viewOf[slot] = e;
  views[slot] = p as EsProcess;
  return p as EsProcess;
}

function tokenIdsEqual(a: unknown, b: unknown): boolean {
  // The ids that can change during a process's life (setuid, setgid): auid, euid, egid, ruid, rgid.
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4];
  }
  if (!isTokenObject(a) || !isTokenObject(b)) return a === b;
  return a.euid === b.euid && a.egid === b.egid && a.ruid === b.ruid && a.rgid === b.rgid && a.auid === b.auid;
}

/**
 * True when `p`, a newer view of the process `e` holds, agrees with it on every field that can
 * change while a process lives (same pid and pidversion): code-signing flags (CS_VALID can be
 * cleared), the credentials in its audit token (setuid/setgid), process group and session
 * (setpgid/setsid), ppid and original_ppid and the parent and responsible tokens (reparenting).
 * The rest (executable, signing facts, start time, tty) belongs to the image and cannot change
 * without an exec, which makes a new pidversion and so a new entry. Checked on every event, so
 * it reads only these fields.
 */
function sameView(e: CompactProcess, p: EsProcess): boolean {
  const shape = e.shape;
  if (p.codesigning_flags !== shape.cs) return false;
  if (shape.common) {
    // Tokens in another form read as undefined here: a mismatch, so the view is taken afresh (exact).
    const at = p.audit_token as Record<string, unknown>;
    const pt = p.parent_audit_token as Record<string, unknown> | null | undefined;
    const rt = p.responsible_audit_token as Record<string, unknown> | null | undefined;
    return (
      p.ppid === e.ppid &&
      p.original_ppid === e.originalPpid &&
      p.group_id === e.groupId &&
      p.session_id === e.sessionId &&
      at != null &&
      at.euid === shape.euid &&
      at.egid === shape.egid &&
      at.ruid === shape.ruid &&
      at.rgid === shape.rgid &&
      at.auid === shape.auid &&
      pt != null &&
      pt.pid === e.ptPid &&
      pt.pidversion === e.ptPv &&
      rt != null &&
      rt.pid === e.rtPid &&
      rt.pidversion === e.rtPv
    );
  }
  const sk = shape.skeleton;
  const mask = shape.mask;
  if (mask & F_PPID ? p.ppid !== e.ppid : p.ppid !== sk.ppid) return false;
  if (mask & F_ORIG ? p.original_ppid !== e.originalPpid : p.original_ppid !== sk.original_ppid) return false;
  if (mask & F_GROUP ? p.group_id !== e.groupId : p.group_id !== sk.group_id) return false;
  if (mask & F_SESSION ? p.session_id !== e.sessionId : p.session_id !== sk.session_id) return false;
  if (!tokenIdsEqual(p.audit_token, sk.audit_token)) return false;
  const pt = p.parent_audit_token;
  if (mask & F_PT) {
    if (!liftable(pt) || tokenPid(pt!) !== e.ptPid || tokenPv(pt!) !== e.ptPv) return false;
  } else if (pt != null || sk.parent_audit_token != null) return false;
  const rt = p.responsible_audit_token;
  if (mask & F_RT) {
    if (!liftable(rt) || tokenPid(rt!) !== e.rtPid || tokenPv(rt!) !== e.rtPv) return false;
  } else if (rt != null || sk.responsible_audit_token != null) return false;
  return true;
}
