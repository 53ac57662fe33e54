/**
 * A header scanner for the decoder's skip path: reads only the top-level keys the engine needs for
 * messages no rule wants (event_type, seq_num, global_seq_num/glob_seq_num, time, host.hostname,
 * and the first key of `event`, which must name the same event as event_type) and skips every
 * other value without building it. It is a real JSON tokenizer for the levels it
 * walks (strings with escapes, nested objects/arrays with bracket matching), so a key name inside a
 * string or a nested object never counts. It returns null on anything it does not understand, and
 * the caller then falls back to JSON.parse, which produces the proper error. Over 400 lines on
 * purpose: one tokenizer, run on every skipped line (hot path).
 *
 * No recursion (a hostile line cannot overflow the stack) and no allocation apart from the result
 * and the strings it returns.
 */

export interface ScannedHeader {
  eventType: number | undefined;
  seq: number | undefined;
  globalSeq: number | undefined;
  /** `glob_seq_num` (Jamf) when `global_seq_num` is absent; kept apart so precedence matches the full parse. */
  globSeq: number | undefined;
  time: string | undefined;
  host: string | undefined;
  /** The first key of the `event` object (the payload's event name), when `event` is an object with one. */
  payloadKey?: string | undefined;
  /** True when the line has an `event` member and its (last) value is an object, as an ES message must. */
  eventObject?: boolean | undefined;
  /**
   * True when `stopIf(eventType)` returned true and the scan stopped there: only the fields before
   * event_type were read, and the rest of the line was not checked.
   */
  stopped?: boolean | undefined;
}

const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the closing quote of the string opening at `i` (s[i] === '"'), or -1. */
function endOfString(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) return -1;
    // The quote is escaped iff an odd number of backslashes precede it.
    let b = q - 1;
    while (b > i && s.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** The string value of the JSON string s[i, end) (end past the closing quote), escapes decoded. */
function stringValue(s: string, i: number, end: number): string | undefined {
  const raw = s.slice(i + 1, end - 1);
  if (raw.indexOf('\\') < 0) return raw;
  try {
    const v: unknown = JSON.parse(s.slice(i, end));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

// Bracket stack for skipValue, reused across calls (grown on demand).
let stack = new Uint8Array(256);

/** Index just past the JSON value starting at `i`, or -1 when it is malformed in a way we can see. */
function skipValue(s: string, i: number): number {
  const c0 = s.charCodeAt(i);
  if (c0 === QUOTE) return endOfString(s, i);
  if (c0 !== LBRACE && c0 !== LBRACKET) {
    // Scalar: number, true, false, null. Ends at a delimiter.
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === COMMA || d === RBRACE || d === RBRACKET || isWs(d)) break;
      if (d === QUOTE || d === LBRACE || d === LBRACKET || d === COLON) return -1;
      j++;
    }
    return j > i ? j : -1;
  }
  try {
    return skipContainerRx(s, i);
  } catch {
    // Defensive: the bounded pattern below should never exhaust the regex engine's backtrack stack;
    // if it did, "cannot scan" sends the line to JSON.parse, which is always right.
    return -1;
  }
}

/**
 * Everything up to the next bracket in one regex step: runs of characters that are neither quotes
 * nor brackets, and whole strings (unrolled, so a long string costs no backtracking). Irregexp runs
 * this in native code, 2–3× faster than the loop on ES messages. The repetitions are bounded so the
 * backtrack stack stays small on hostile input: at most 4096 tokens per step (the loop steps again)
 * and 1024 escapes per string (a string with more is jumped with indexOf instead).
 */
const RUN = /(?:[^"{}[\]]+|"[^"\\]*(?:\\[^][^"\\]*){0,1024}"){0,4096}/y;

function skipContainerRx(s: string, i: number): number {
  const n = s.length;
  let depth = 0;
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === LBRACE || c === LBRACKET) {
      push(depth++, c);
      j++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (depth === 0 || stack[depth - 1] !== c - 2) return -1;
      j++;
      if (--depth === 0) return j;
    } else {
      RUN.lastIndex = j;
      RUN.test(s);
      let k = RUN.lastIndex;
      if (k === j) {
        // Only a string the pattern would not take (over 1024 escapes, or unterminated) stops it here.
        k = endOfString(s, j);
        if (k < 0) return -1;
      }
      j = k;
    }
  }
  return -1;
}

function push(depth: number, c: number): void {
  if (depth === stack.length) {
    const bigger = new Uint8Array(stack.length * 2);
    bigger.set(stack);
    stack = bigger;
  }
  stack[depth] = c;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A JSON number token as a number, else undefined (null, strings, … are "absent" as in the full parse). */
function numberValue(s: string, i: number, end: number): number | undefined {
  // Sequence numbers and event types: a short run of digits, no leading zero. Read in place.
  if (end - i <= 15) {
    let n = 0;
    let k = i;
    for (; k < end; k++) {
      const d = s.charCodeAt(k) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (k === end && k > i && (s.charCodeAt(i) !== 48 || end - i === 1)) return n;
  }
  const c = s.charCodeAt(i);
  if (c !== 45 && (c < 48 || c > 57)) return undefined;
  const tok = s.slice(i, end);
  if (!NUMBER.test(tok)) return undefined;
  const n = Number(tok);
  // 1e400 parses to Infinity; the full decoder treats non-finite values as absent too.
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Walks the members of the object starting at `i` (s[i] === '{'). For each member calls
 * `member(keyStart, keyEnd, valueStart, valueEnd)`; returns the index past the closing brace, or -1.
 */
function walkObject(
  s: string,
  i: number,
  member: (keyStart: number, keyEnd: number, valueStart: number, valueEnd: number) => void,
): number {
  let j = skipWs(s, i + 1);
  if (s.charCodeAt(j) === RBRACE) return j + 1;
  for (;;) {
    if (s.charCodeAt(j) !== QUOTE) return -1;
    const keyEnd = endOfString(s, j);
    if (keyEnd < 0) return -1;
    const keyStart = j;
    j = skipWs(s, keyEnd);
    if (s.charCodeAt(j) !== COLON) return -1;
    j = skipWs(s, j + 1);
    if (j >= s.length) return -1;
    const valueStart = j;
    const valueEnd = skipValue(s, j);
    if (valueEnd < 0) return -1;
    member(keyStart, keyEnd, valueStart, valueEnd);
    if (stopped) return j;
    j = skipWs(s, valueEnd);
    const d = s.charCodeAt(j);
    if (d === RBRACE) return j + 1;
    if (d !== COMMA) return -1;
    j = skipWs(s, j + 1);
  }
}

// Keys the scanner reads, as small codes (compared in place: no key string is built per member).
const K_NONE = 0;
const K_EVENT_TYPE = 1;
const K_SEQ = 2;
const K_GLOBAL_SEQ = 3;
const K_GLOB_SEQ = 4;
const K_TIME = 5;
const K_HOST = 6;
const K_HOSTNAME = 7;
const K_EVENT = 8;
const KEY_CODES = new Map<string, number>([
  ['event', K_EVENT],
  ['event_type', K_EVENT_TYPE],
  ['seq_num', K_SEQ],
  ['global_seq_num', K_GLOBAL_SEQ],
  ['glob_seq_num', K_GLOB_SEQ],
  ['time', K_TIME],
  ['host', K_HOST],
  ['hostname', K_HOSTNAME],
]);

/** The code of the key s[keyStart, keyEnd) (quotes included), K_NONE for keys we do not read. */
function keyCode(s: string, keyStart: number, keyEnd: number): number {
  const a = keyStart + 1;
  for (let k = a; k < keyEnd - 1; k++) {
    // An escaped key (`"event\u005ftype"`) is the same key to JSON.parse: decode it (rare, slow path).
    if (s.charCodeAt(k) === BACKSLASH) return KEY_CODES.get(stringValue(s, keyStart, keyEnd) ?? '') ?? K_NONE;
  }
  switch (keyEnd - a - 1) {
    case 5:
      return s.startsWith('event', a) ? K_EVENT : K_NONE;
    case 4:
      return s.startsWith('time', a) ? K_TIME : s.startsWith('host', a) ? K_HOST : K_NONE;
    case 7:
      return s.startsWith('seq_num', a) ? K_SEQ : K_NONE;
    case 8:
      return s.startsWith('hostname', a) ? K_HOSTNAME : K_NONE;
    case 10:
      return s.startsWith('event_type', a) ? K_EVENT_TYPE : K_NONE;
    case 12:
      return s.startsWith('glob_seq_num', a) ? K_GLOB_SEQ : K_NONE;
    case 14:
      return s.startsWith('global_seq_num', a) ? K_GLOBAL_SEQ : K_NONE;
    default:
      return K_NONE;
  }
}

let cur: ScannedHeader;
let line = '';

/** The first key of the object opening at `i` (s[i] === '{'), escapes decoded; undefined when it has none. */
function firstKey(s: string, i: number): string | undefined {
  const j = skipWs(s, i + 1);
  if (s.charCodeAt(j) !== QUOTE) return undefined;
  const end = endOfString(s, j);
  return end < 0 ? undefined : stringValue(s, j, end);
}

function hostMember(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
  if (keyCode(line, keyStart, keyEnd) !== K_HOSTNAME) return;
  cur.host = line.charCodeAt(valueStart) === QUOTE ? stringValue(line, valueStart, valueEnd) : undefined;
}

let hostOk = true;
let stopped = false;
let stopWhen: ((eventType: number) => boolean) | undefined;

function topMember(keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
  const s = line;
  switch (keyCode(s, keyStart, keyEnd)) {
    case K_EVENT_TYPE:
      cur.eventType = numberValue(s, valueStart, valueEnd);
      // The caller will parse this line fully anyway: stop scanning now.
      if (cur.eventType !== undefined && stopWhen !== undefined && stopWhen(cur.eventType)) stopped = true;
      break;
    case K_SEQ:
      cur.seq = numberValue(s, valueStart, valueEnd);
      break;
    case K_GLOBAL_SEQ:
      cur.globalSeq = numberValue(s, valueStart, valueEnd);
      break;
    case K_GLOB_SEQ:
      cur.globSeq = numberValue(s, valueStart, valueEnd);
      break;
    case K_TIME:
      cur.time = s.charCodeAt(valueStart) === QUOTE ? stringValue(s, valueStart, valueEnd) : undefined;
      break;
    case K_EVENT:
      cur.eventObject = s.charCodeAt(valueStart) === LBRACE;
      cur.payloadKey = cur.eventObject ? firstKey(s, valueStart) : undefined;
      break;
    case K_HOST:
      cur.host = undefined;
      if (s.charCodeAt(valueStart) === LBRACE) {
        if (walkObject(s, valueStart, hostMember) < 0) hostOk = false;
      }
      break;
    default:
      break;
  }
}

/**
 * How much of a line the header scan checks. `structure`: the top-level grammar, every value skipped
 * by a real tokenizer — a malformed line always comes back null. `balance`: the quick path below when
 * it can answer (the same header as JSON.parse on every well-formed line; brackets must balance, so a
 * truncated line is still null, but a balanced line with a grammar error elsewhere passes), the
 * structural walk otherwise.
 */
export type HeaderCheck = 'structure' | 'balance';

/**
 * Scans the top-level header of one JSON line. `stopIf` lets the decoder stop as soon as it knows the
 * line is wanted (it will JSON.parse it anyway). Returns null when the line is not a well-formed JSON
 * object at the levels scanned (the caller falls back to a full parse for the error message).
 * Duplicate keys resolve as JSON.parse resolves them: the last one wins.
 */
export function scanHeader(
  s: string,
  stopIf?: (eventType: number) => boolean,
  check: HeaderCheck = 'structure',
): ScannedHeader | null {
  if (check === 'balance') {
    const fast = quickHeader(s, stopIf);
    if (fast !== undefined) return fast;
  }
  const i = skipWs(s, 0);
  if (s.charCodeAt(i) !== LBRACE) return null;
  cur = newHeader();
  line = s;
  hostOk = true;
  stopped = false;
  stopWhen = stopIf;
  try {
    const end = walkObject(s, i, topMember);
    if (stopped) {
      cur.stopped = true;
      return cur;
    }
    if (end < 0 || !hostOk || skipWs(s, end) !== s.length) return null;
    return cur;
  } finally {
    line = '';
    stopWhen = undefined;
  }
}

/**
 * A header with nothing read yet, every field present (one hidden class): a stopped scan sets
 * `stopped` on it rather than copying it (an object spread here cost more than the rest of the scan).
 */
function newHeader(): ScannedHeader {
  return {
    eventType: undefined,
    seq: undefined,
    globalSeq: undefined,
    globSeq: undefined,
    time: undefined,
    host: undefined,
    payloadKey: undefined,
    eventObject: false,
    stopped: undefined,
  };
}

// ---- quick path ----

/**
 * The next header key token at or after lastIndex without crossing a brace (so the search stays in
 * its stretch), the lookahead keeping the colon out of the match.
 */
const HEADER_KEY = /[^{}]*?"(?:event_type|seq_num|global_seq_num|glob_seq_num|time|host|event)"(?=[ \t\r\n]*:)/y;

// Quick-path state for one line (module-level: no closure or object per call).
let qh: ScannedHeader;
let qSeen = 0;
let qStop: ((eventType: number) => boolean) | undefined;
let qStopped = false;

/**
 * The header of a line without reading its nested values. The braces of the line, found with
 * indexOf (no per-character loop), cut it into the stretches that lie at depth 1 — between the top
 * level's `{`, its container values and its `}` — and only those (a few dozen characters on an ES
 * line) are searched for the header keys; process and event objects are jumped whole. Several times
 * cheaper than the walk. Returns undefined — "ask the walk" — whenever the answer could differ from
 * JSON.parse on a well-formed line: a header key twice (the last one wins), a `\u` escape anywhere
 * (it could spell a key; in a scan that stops at a wanted type, anywhere before that point), braces
 * that do not balance or a second top-level value, a header value that does not end inside its
 * stretch, no integer event_type, a brace whose neighbours show it is inside a string (a `{` not
 * after `:`, `,` or `[`; a `}` not before `,`, `}` or `]`). A brace in a string that looks like
 * grammar (`"k: {"`) still counts: a key can then be misplaced only when such braces balance again
 * later (no real ES message holds them around header names). What it does not check is the grammar
 * of what it jumps: a balanced line with a grammar error inside a value, or between top-level
 * members, passes as a skipped line instead of an error. A truncated line never balances, so it
 * still goes to the walk and is reported.
 */
function quickHeader(
  s: string,
  stopIf: ((eventType: number) => boolean) | undefined,
): ScannedHeader | null | undefined {
  const first = skipWs(s, 0);
  if (s.charCodeAt(first) !== LBRACE) return undefined;
  // The line's last non-blank character, read at the first closing brace: a scan that stops at a
  // wanted type (the line is then parsed whole) never needs it, nor the line's far end.
  let last = -1;
  qh = newHeader();
  qSeen = 0;
  qStop = stopIf;
  qStopped = false;
  try {
    let o = s.indexOf('{', first + 1);
    let c = s.indexOf('}', first + 1);
    let depth = 1;
    let from = first + 1;
    for (;;) {
      // The next brace, and the depth it leaves.
      let pos: number;
      if (o >= 0 && o < c) {
        pos = o;
        o = s.indexOf('{', o + 1);
        if (!opensValue(s, pos)) return undefined;
        if (depth++ !== 1) continue;
      } else if (c >= 0) {
        pos = c;
        c = s.indexOf('}', c + 1);
        if (last < 0) {
          last = s.length - 1;
          while (last > first && isWs(s.charCodeAt(last))) last--;
          if (s.charCodeAt(last) !== RBRACE) return undefined;
        }
        if (pos !== last && !closesValue(s, pos)) return undefined;
        if (--depth === 1) {
          from = pos + 1;
          continue;
        }
        if (depth !== 0) continue;
      } else return undefined; // unbalanced: more '{' than '}'
      // s[from, pos) lies at depth 1, and pos opens a container value or closes the top level.
      if (!stretch(s, from, pos)) return undefined;
      // A `\u` escape could spell a key: the walk decides. Only s[first, pos) was read when the
      // scan stopped (a wanted line, about to be parsed whole), so only that part is searched then.
      if (qStopped) {
        if (escapeIn(s, first, pos)) return undefined;
        qh.stopped = true;
        return qh;
      }
      if (depth === 0)
        return pos === last && qh.eventType !== undefined && !escapeIn(s, first, s.length) ? qh : undefined;
    }
  } finally {
    qStop = undefined;
    line = '';
  }
}

/** True when s[from, to) holds `\u` (an escape, or text that looks like one: the walk then decides). */
function escapeIn(s: string, from: number, to: number): boolean {
  if (to === s.length) return s.indexOf('\\u', from) >= 0;
  // Before a stop: by backslash (rare in ES lines), not `\u`, whose search would go on to the end.
  for (let i = s.indexOf('\\', from); i >= 0 && i < to; i = s.indexOf('\\', i + 1))
    if (s.charCodeAt(i + 1) === 117) return true;
  return false;
}

// A brace of the JSON grammar opens a value (after `:`, `,` or `[`) or closes one (before `,`, `}`
// or `]`); one that does not is inside a string, where raw counts would misplace the keys around it.
function opensValue(s: string, pos: number): boolean {
  let ch = s.charCodeAt(pos - 1);
  if (ch === COLON || ch === COMMA || ch === LBRACKET) return true; // eslogger writes no spaces
  for (let i = pos - 1; i > 0 && isWs(ch);) ch = s.charCodeAt(--i);
  return ch === COLON || ch === COMMA || ch === LBRACKET;
}

function closesValue(s: string, pos: number): boolean {
  let ch = s.charCodeAt(pos + 1);
  if (ch === COMMA || ch === RBRACE || ch === RBRACKET) return true;
  for (let i = pos + 1; i < s.length && isWs(ch);) ch = s.charCodeAt(++i);
  return ch === COMMA || ch === RBRACE || ch === RBRACKET;
}

/** Reads the header keys in s[from, to) (depth 1, s[to] a brace); false when the walk must decide. */
function stretch(s: string, from: number, to: number): boolean {
  if (to - from < 6) return true; // shorter than the shortest key token, `"time"`, plus its colon
  HEADER_KEY.lastIndex = from;
  while (HEADER_KEY.test(s)) {
    const keyEnd = HEADER_KEY.lastIndex;
    const keyStart = s.lastIndexOf('"', keyEnd - 2);
    const code = keyCode(s, keyStart, keyEnd);
    const bit = 1 << code;
    if ((qSeen & bit) !== 0) return false;
    qSeen |= bit;
    const vStart = skipWs(s, skipWs(s, keyEnd) + 1);
    if (vStart >= to) {
      // The value is the container that ends this stretch (or nothing: malformed).
      if (vStart !== to || s.charCodeAt(to) !== LBRACE) return false;
      if (code === K_EVENT) {
        qh.eventObject = true;
        qh.payloadKey = firstKey(s, to);
        return true;
      }
      if (code !== K_HOST) return false;
      cur = qh;
      line = s;
      hostOk = true;
      stopped = false;
      const end = walkObject(s, to, hostMember);
      return end >= 0 && hostOk;
    }
    const vEnd = skipValue(s, vStart);
    if (vEnd < 0 || vEnd > to) return false;
    switch (code) {
      case K_EVENT_TYPE:
        qh.eventType = numberValue(s, vStart, vEnd);
        if (qh.eventType === undefined) return false;
        if (qStop !== undefined && qStop(qh.eventType)) {
          qStopped = true;
          return true;
        }
        break;
      case K_SEQ:
        qh.seq = numberValue(s, vStart, vEnd);
        break;
      case K_GLOBAL_SEQ:
        qh.globalSeq = numberValue(s, vStart, vEnd);
        break;
      case K_GLOB_SEQ:
        qh.globSeq = numberValue(s, vStart, vEnd);
        break;
      case K_TIME:
        qh.time = s.charCodeAt(vStart) === QUOTE ? stringValue(s, vStart, vEnd) : undefined;
        break;
      case K_HOST:
        qh.host = undefined; // a scalar host: no hostname, as in the full parse
        break;
      case K_EVENT:
        qh.eventObject = false;
        qh.payloadKey = undefined; // not an object: no payload
        break;
    }
    HEADER_KEY.lastIndex = vEnd;
  }
  return true;
}
