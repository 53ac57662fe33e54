/**
 * One file on purpose (~690 lines): the fast reader and its bail-out rules are one state machine over the text; split, every piece would need the others' cursor and invariants.
 *
 * A fast path for the plain YAML rule files are written in: block maps and lists, one-line plain and
 * quoted scalars, one-line flow collections, `|` and `>` block scalars, comments and `---`.
 *
 * It builds the same plain JS data as yaml's `toJS()` under the core schema, without source ranges
 * (positions are computed lazily with yaml only when a diagnostic needs one). Anything outside that
 * subset, and anything yaml would report (duplicate keys, anchors and aliases, tags, tabs, multi-line
 * plain or quoted scalars, multi-line flow, odd indentation, control characters…), makes it give up
 * on that document (a `FastFallback`: the full parser reads that document's text alone). Splitting
 * at documents needs only the `---` lines, so the whole file is given up (`undefined`) only where
 * that split could differ from yaml's: directives, `...` end markers, text after a marker, CR, BOM.
 * It never decides that a file is wrong; it only ever agrees with yaml or steps aside.
 */

/** One document the fast path parsed. */
export interface FastDoc {
  /** 0-based position among the file's documents, counted as yaml counts them (empty ones included). */
  readonly index: number;
  /** The root value: always a plain object or array. */
  readonly data: Record<string, unknown> | unknown[];
  /** 1-based line and column where the root node starts (yaml's `contents.range[0]`). */
  readonly line: number;
  readonly col: number;
  /**
   * True when the data shares objects through aliases. Without aliases it is a tree whose depth the
   * parser already bounded as yaml.ts checkData does (a collection deeper than maxDepth is refused).
   */
  readonly aliases: boolean;
  /** The document's text in the file: its `---` line (if any) through the end of its last line. */
  readonly from: number;
  readonly to: number;
  /**
   * When the root is a block map: each top-level key's text in the file, `[from, to)` from its key
   * line to the next key's line (or the document's end). yaml can then be asked about one entry
   * alone when a diagnostic needs a position in it, not about the whole document.
   */
  readonly entries?: ReadonlyMap<string, readonly [number, number]>;
  /** Where the document's last content line starts (yaml alone on it tells where the root map ends). */
  readonly lastLine?: number;
}

/** A document the fast path stepped aside from: its text is `[from, to)` of the file, as in FastDoc. */
export interface FastFallback {
  readonly index: number;
  readonly fallback: true;
  readonly from: number;
  readonly to: number;
}

class Bail {}
const BAIL = new Bail();
function bail(): never {
  throw BAIL;
}

// Characters yaml rejects, warns about or treats specially (tab, CR, other C0/C1 controls, BOM, the
// Unicode line separators): their presence sends the file to the full parser.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;
// Of those, the ones that could move a line or document boundary (yaml also breaks lines at a lone
// CR; a BOM can precede a document marker): their presence sends the whole file to the full parser.
const SPLIT_UNSAFE_CHARS = /[\r\x85\ufeff\u2028\u2029]/;

// yaml's core-schema scalar tests (yaml/dist/schema/core), in the order yaml tries them.
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT_RE = /^0o[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** A plain scalar's value under the core schema, as yaml resolves it. */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Most values start with a letter other than those of null/true/false, or with '/': strings.
  const maybeWord = c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70 || c === 126;
  const maybeNumber = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (!maybeWord && !maybeNumber) return s;
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return c === 116 || c === 84;
  if (!maybeNumber) return s;
  if (OCT_RE.test(s)) return parseInt(s.substring(2), 8);
  if (INT_RE.test(s)) return parseInt(s, 10);
  if (HEX_RE.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_RE.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (EXP_RE.test(s) || FLOAT_RE.test(s)) return parseFloat(s);
  return s;
}

const SP = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/**
 * Parses `text` document by document: each non-empty document is parsed (FastDoc) or left to the
 * full parser (FastFallback); undefined when the whole file must be. `maxDepth` bounds our recursion.
 */
export function fastParseYamlDocs(
  text: string,
  maxDepth: number,
  maxAliasCount: number,
): (FastDoc | FastFallback)[] | undefined {
  const unsafe = UNSAFE_CHARS.test(text);
  if (unsafe && SPLIT_UNSAFE_CHARS.test(text)) return undefined;
  try {
    return new FastParser(text, maxDepth, maxAliasCount).run(unsafe);
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

/** Parses `text` when the fast path takes every document, else undefined. */
export function fastParseYaml(text: string, maxDepth: number, maxAliasCount: number): FastDoc[] | undefined {
  const docs = fastParseYamlDocs(text, maxDepth, maxAliasCount);
  if (!docs || docs.some((d) => 'fallback' in d)) return undefined;
  return docs as FastDoc[];
}

class FastParser {
  private readonly t: string;
  private readonly maxDepth: number;
  private readonly maxAliasCount: number;
  /** The current document's anchors: value, and how many times an alias used it. */
  private anchors = new Map<string, { value: unknown; uses: number }>();
  /** Aliases met so far in the document: an anchored node holding one is left to yaml. */
  private aliasesSeen = 0;
  /** Per line: start offset, end offset (the '\n' or the text's end), indent, kind. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indents: number[] = [];
  /** 0 blank, 1 comment only, 2 content. */
  private readonly kinds: number[] = [];
  /** Current line, and the end of the current document's lines. */
  private li = 0;
  private segEnd = 0;

  constructor(text: string, maxDepth: number, maxAliasCount: number) {
    this.t = text;
    this.maxDepth = maxDepth;
    this.maxAliasCount = maxAliasCount;
  }

  run(unsafe: boolean): (FastDoc | FastFallback)[] {
    const t = this.t;
    const n = t.length;
    let pos = 0;
    // Split into lines; classify each.
    while (pos <= n) {
      let end = t.indexOf('\n', pos);
      if (end < 0) end = n;
      let i = pos;
      while (i < end && t.charCodeAt(i) === SP) i++;
      this.starts.push(pos);
      this.ends.push(end);
      this.indents.push(i - pos);
      this.kinds.push(i === end ? 0 : t.charCodeAt(i) === HASH ? 1 : 2);
      if (end === n) break;
      pos = end + 1;
    }
    const lines = this.starts.length;
    // Documents: split on lines that are exactly '---' (yaml's lexer ends any scalar or collection
    // at such a line). Directives, '...' and anything else on a marker line leave the file to yaml.
    const segs: [number, number][] = [];
    let segStart = 0;
    for (let l = 0; l < lines; l++) {
      const s = this.starts[l]!;
      const c = t.charCodeAt(s);
      if (this.indents[l] !== 0) continue;
      if (c === 37 /* % */) bail();
      if ((c === DASH && t.startsWith('---', s)) || (c === 46 && t.startsWith('...', s))) {
        if (this.ends[l]! - s !== 3 || c === 46) bail();
        segs.push([segStart, l]);
        segStart = l + 1;
      }
    }
    segs.push([segStart, lines]);
    // A '---' before any content opens the first document rather than ending an empty one. Whether
    // a line holding a tab or control character is content is yaml's call: such a first stretch
    // leaves the file to yaml, since every later document's index depends on it.
    if (segs.length > 1) {
      if (unsafe && UNSAFE_CHARS.test(t.slice(0, this.starts[segs[0]![1]]))) bail();
      if (!this.hasContent(segs[0]![0], segs[0]![1])) segs.shift();
    }
    const out: (FastDoc | FastFallback)[] = [];
    segs.forEach(([from, to], index) => {
      // The document's text starts at its '---' line (kept, so yaml reads it as it does in the file).
      const fromOffset = from > 0 ? this.starts[from - 1]! : 0;
      const toOffset = to < lines ? this.starts[to]! : n;
      if (unsafe && UNSAFE_CHARS.test(t.slice(fromOffset, toOffset))) {
        out.push({ index, fallback: true, from: fromOffset, to: toOffset });
        return;
      }
      try {
        const d = this.document(from, to, index, fromOffset, toOffset);
        if (d) out.push(d);
      } catch (e) {
        if (e !== BAIL) throw e;
        out.push({ index, fallback: true, from: fromOffset, to: toOffset });
      }
    });
    return out;
  }

  /** The document on lines [from, to); undefined when it is empty (yaml drops it, but it takes an index). */
  private document(from: number, to: number, index: number, fromOffset: number, toOffset: number): FastDoc | undefined {
    this.li = from;
    this.segEnd = to;
    const first = this.nextContent();
    if (first >= to) return undefined;
    const line = first + 1;
    const col = this.indents[first]! + 1;
    // An anchor on the root would move where yaml says the root starts: left to yaml.
    if (this.t.charCodeAt(this.starts[first]! + col - 1) === 38) bail();
    this.anchors = new Map();
    this.aliasesSeen = 0;
    const data = this.parseAt(this.indents[first]!, -1, 0);
    if (this.nextContent() < to) bail();
    this.checkAliasBudget();
    if (data === null || typeof data !== 'object') bail();
    return {
      index,
      data: data as Record<string, unknown> | unknown[],
      line,
      col,
      aliases: this.aliasesSeen > 0,
      from: fromOffset,
      to: toOffset,
      ...(Array.isArray(data)
        ? {}
        : { entries: this.rootEntries(first, to, toOffset), lastLine: this.starts[this.lastContent(first, to)]! }),
    };
  }

  private lastContent(first: number, to: number): number {
    let l = to - 1;
    while (l > first && this.kinds[l] !== 2) l--;
    return l;
  }

  /** The root block map's entries (see FastDoc.entries): its key lines are the content lines at its indent. */
  private rootEntries(first: number, to: number, toOffset: number): Map<string, readonly [number, number]> {
    const col = this.indents[first]!;
    const out = new Map<string, readonly [number, number]>();
    let key: string | undefined;
    let start = 0;
    for (let l = first; l < to; l++) {
      if (this.kinds[l] !== 2 || this.indents[l] !== col || this.isSeqLine(l, col)) continue;
      const p = this.starts[l]! + col;
      if (key !== undefined) out.set(key, [start, this.starts[l]!]);
      key = this.keyText(p, this.keyEnd(p, this.ends[l]!));
      start = this.starts[l]!;
    }
    if (key !== undefined) out.set(key, [start, toOffset]);
    return out;
  }

  private hasContent(from: number, to: number): boolean {
    for (let l = from; l < to; l++) if (this.kinds[l] === 2) return true;
    return false;
  }

  /** Moves to the next content line of the document (skipping blank and comment lines); returns it. */
  private nextContent(): number {
    while (this.li < this.segEnd && this.kinds[this.li] !== 2) this.li++;
    return this.li;
  }

  /** A block node starting at column `col` of the current line (a content line). */
  private parseAt(col: number, parentIndent: number, depth: number): unknown {
    if (depth > this.maxDepth) bail();
    const t = this.t;
    const p = this.starts[this.li]! + col;
    const e = this.ends[this.li]!;
    const c = t.charCodeAt(p);
    if (c === DASH && (p + 1 === e || t.charCodeAt(p + 1) === SP)) return this.parseSeq(col, depth);
    if (this.keyEnd(p, e) >= 0) return this.parseMap(col, depth);
    // A scalar or flow collection alone on its line: block scalars here are left to yaml.
    if (c === 124 || c === 62) bail();
    return this.inlineValue(p, e, parentIndent, depth);
  }

  /**
   * If a mapping key starts at p, the offset of its ':' indicator (followed by a space or the end of
   * the line); else -1.
   */
  private keyEnd(p: number, e: number): number {
    const t = this.t;
    const c = t.charCodeAt(p);
    // A flow collection, anchor, alias, tag or block scalar is a value here (as an implicit key it
    // would be refused later, when the rest of its line is checked).
    if (c === 91 || c === 123 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62) return -1;
    if (c === 39 || c === 34) {
      const q = this.quotedEnd(p, e);
      let i = q;
      while (i < e && t.charCodeAt(i) === SP) i++;
      return i < e && t.charCodeAt(i) === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SP) ? i : -1;
    }
    for (let i = p; i < e; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SP)) return i;
      if (ch === HASH && i > p && t.charCodeAt(i - 1) === SP) return -1;
    }
    return -1;
  }

  /** Offset just past the closing quote of a one-line quoted scalar at p, or bail. */
  private quotedEnd(p: number, e: number): number {
    const t = this.t;
    const q = t.charCodeAt(p);
    let i = p + 1;
    while (i < e) {
      const ch = t.charCodeAt(i);
      if (q === 39 && ch === 39) {
        if (t.charCodeAt(i + 1) === 39 && i + 1 < e) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      if (q === 34) {
        if (ch === 92) {
          i += 2;
          continue;
        }
        if (ch === 34) return i + 1;
      }
      i++;
    }
    return bail();
  }

  private quotedValue(p: number, end: number): string {
    const t = this.t;
    const body = t.slice(p + 1, end - 1);
    if (t.charCodeAt(p) === 39) return body.includes("''") ? body.split("''").join("'") : body;
    if (!body.includes('\\')) return body;
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const x = body[++i];
      if (x === '\\' || x === '"' || x === '/') out += x;
      else if (x === 'n') out += '\n';
      else if (x === 't') out += '\t';
      else if (x === 'r') out += '\r';
      else bail(); // other escapes: left to yaml
    }
    return out;
  }

  /** The key of the mapping entry at p whose ':' is at k. */
  private keyText(p: number, k: number): string {
    const t = this.t;
    const c = t.charCodeAt(p);
    let key: string;
    if (c === 39 || c === 34) key = this.quotedValue(p, this.quotedEnd(p, k + 1));
    else {
      this.checkPlainStart(p, k);
      let e = k;
      while (e > p && t.charCodeAt(e - 1) === SP) e--;
      key = t.slice(p, e);
      // Keys that resolve to another type (1, true, null, ~) become property names by yaml's own rules.
      if (resolvePlain(key) !== key) bail();
    }
    // yaml's implicit-key length limit.
    if (k - p > 1000) bail();
    return key;
  }

  /** A plain scalar must not start with an indicator (yaml errors, or it means something else). */
  private checkPlainStart(p: number, e: number): void {
    const t = this.t;
    const c = t.charCodeAt(p);
    switch (c) {
      case 38: // &
      case 42: // *
      case 33: // !
      case 37: // %
      case 64: // @
      case 96: // `
      case 124: // |
      case 62: // >
      case 39: // '
      case 34: // "
      case 44: // ,
      case 91: // [
      case 93: // ]
      case 123: // {
      case 125: // }
      case HASH:
      case 63: // ?
      case COLON:
        bail();
        break;
      case DASH: {
        // '-' is an indicator before a space or the end, and (in flow) before a flow indicator: `[a, -]` is
        // a yaml error, not the string '-'. Leaving every such case to yaml is always safe.
        const nx = t.charCodeAt(p + 1);
        if (p + 1 >= e || nx === SP || nx === 44 || nx === 91 || nx === 93 || nx === 123 || nx === 125) bail();
        break;
      }
      default:
        break;
    }
  }

  private parseMap(col: number, depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) bail();
    const t = this.t;
    const map: Record<string, unknown> = {};
    let first = true;
    for (;;) {
      const s = this.starts[this.li]!;
      const p = s + col;
      const e = this.ends[this.li]!;
      // Only the first entry may sit after a '- ' on its line.
      if (!first && this.indents[this.li] !== col) bail();
      first = false;
      const k = this.keyEnd(p, e);
      if (k < 0) bail();
      const key = this.keyText(p, k);
      if (hasOwn(map, key)) bail(); // yaml reports duplicates, with their position
      let v = k + 1;
      while (v < e && t.charCodeAt(v) === SP) v++;
      let value: unknown;
      if (v === e || t.charCodeAt(v) === HASH) {
        this.li++;
        const l = this.nextContent();
        if (l < this.segEnd && this.indents[l]! > col) value = this.parseAt(this.indents[l]!, col, depth + 1);
        else if (l < this.segEnd && this.indents[l] === col && this.isSeqLine(l, col))
          value = this.parseSeq(col, depth + 1);
        else value = null;
      } else {
        value = this.inlineValue(v, e, col, depth + 1);
      }
      setKey(map, key, value);
      const l = this.nextContent();
      if (l >= this.segEnd) return map;
      const ind = this.indents[l]!;
      if (ind > col) bail();
      if (ind < col) return map;
    }
  }

  private isSeqLine(l: number, col: number): boolean {
    const p = this.starts[l]! + col;
    return this.t.charCodeAt(p) === DASH && (p + 1 === this.ends[l] || this.t.charCodeAt(p + 1) === SP);
  }

  private parseSeq(col: number, depth: number): unknown[] {
    if (depth > this.maxDepth) bail();
    const t = this.t;
    const seq: unknown[] = [];
    for (;;) {
      const s = this.starts[this.li]!;
      const e = this.ends[this.li]!;
      let v = s + col + 1;
      while (v < e && t.charCodeAt(v) === SP) v++;
      if (v === e || t.charCodeAt(v) === HASH) {
        this.li++;
        const l = this.nextContent();
        if (l < this.segEnd && this.indents[l]! > col) seq.push(this.parseAt(this.indents[l]!, col, depth + 1));
        else seq.push(null);
      } else if (t.charCodeAt(v) === DASH && (v + 1 === e || t.charCodeAt(v + 1) === SP)) {
        bail(); // '- - x': left to yaml
      } else if (this.keyEnd(v, e) >= 0) {
        seq.push(this.parseMap(v - s, depth + 1));
      } else {
        seq.push(this.inlineValue(v, e, col, depth + 1));
      }
      const l = this.nextContent();
      if (l >= this.segEnd) return seq;
      const ind = this.indents[l]!;
      if (ind > col) bail();
      if (ind < col || !this.isSeqLine(l, col)) return seq;
    }
  }

  /** The rest of the line after a comment-free stretch must be spaces or a comment. */
  private endOfLine(i: number, e: number): void {
    const t = this.t;
    if (i === e) return;
    if (t.charCodeAt(i) !== SP) bail();
    while (i < e && t.charCodeAt(i) === SP) i++;
    if (i < e && t.charCodeAt(i) !== HASH) bail();
  }

  /** A value starting at p on the current line; consumes the line (and a block scalar's lines). */
  private inlineValue(p: number, e: number, parentIndent: number, depth: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(p);
    let value: unknown;
    if (c === 124 || c === 62) return this.blockScalar(p, e, parentIndent);
    if (c === 38 || c === 42) {
      const r = this.anchorOrAlias(p, e, depth);
      this.endOfLine(r.end, e);
      this.li++;
      return r.value;
    }
    if (c === 91 || c === 123) {
      const r = this.flow(p, e, depth);
      this.endOfLine(r.end, e);
      value = r.value;
    } else if (c === 39 || c === 34) {
      const end = this.quotedEnd(p, e);
      this.endOfLine(end, e);
      value = this.quotedValue(p, end);
    } else {
      this.checkPlainStart(p, e);
      let end = e;
      for (let i = p; i < e; i++) {
        const ch = t.charCodeAt(i);
        if (ch === HASH && t.charCodeAt(i - 1) === SP) {
          end = i;
          break;
        }
        // ': ' or a trailing ':' would make this a nested mapping, which yaml refuses here.
        if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SP)) bail();
      }
      while (end > p && t.charCodeAt(end - 1) === SP) end--;
      value = resolvePlain(t.slice(p, end));
    }
    this.li++;
    return value;
  }

  /** `|` / `>` with an optional '-' chomping indicator; other headers are left to yaml. */
  private blockScalar(p: number, e: number, parentIndent: number): string {
    const t = this.t;
    const folded = t.charCodeAt(p) === 62;
    let i = p + 1;
    let strip = false;
    if (t.charCodeAt(i) === DASH) {
      strip = true;
      i++;
    }
    if (i !== e) bail();
    this.li++;
    const first = this.li;
    // The first line sets the indentation; leading blank lines and empty scalars are left to yaml.
    if (first >= this.segEnd || this.kinds[first] === 0 || this.indents[first]! <= parentIndent) bail();
    const ind = this.indents[first]!;
    const parts: string[] = [];
    let l = first;
    for (; l < this.segEnd; l++) {
      const lineLen = this.ends[l]! - this.starts[l]!;
      if (this.kinds[l] === 0) {
        if (lineLen > ind) bail(); // spaces beyond the indentation are content: left to yaml
        parts.push('');
        continue;
      }
      if (this.indents[l]! < ind) break;
      if (folded && this.indents[l]! > ind) bail(); // more-indented lines fold differently
      parts.push(t.slice(this.starts[l]! + ind, this.ends[l]));
    }
    this.li = l;
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    let body: string;
    if (!folded) body = parts.join('\n');
    else {
      body = parts[0]!;
      let blanks = 0;
      for (let k = 1; k < parts.length; k++) {
        const part = parts[k]!;
        if (part === '') blanks++;
        else {
          body += blanks > 0 ? '\n'.repeat(blanks) + part : ' ' + part;
          blanks = 0;
        }
      }
    }
    return strip ? body : body + '\n';
  }

  /** A flow collection entirely on this line, from p; bails on anything unusual. */
  private flow(p: number, e: number, depth: number): { value: unknown; end: number } {
    if (depth > this.maxDepth) bail();
    const t = this.t;
    const isMap = t.charCodeAt(p) === 123;
    const close = isMap ? 125 : 93;
    const skip = (i: number): number => {
      while (i < e && t.charCodeAt(i) === SP) i++;
      return i;
    };
    let i = skip(p + 1);
    const seq: unknown[] = [];
    const map: Record<string, unknown> = {};
    if (t.charCodeAt(i) === close) return { value: isMap ? map : seq, end: i + 1 };
    for (;;) {
      if (i >= e) bail();
      if (isMap) {
        const c = t.charCodeAt(i);
        let key: string;
        let adjacent = false;
        if (c === 39 || c === 34) {
          const end = this.quotedEnd(i, e);
          key = this.quotedValue(i, end);
          i = skip(end);
          // After a quoted key YAML takes `:` with no space before the value (JSON style,
          // `{"product":"macos"}`): a quoted value, a collection, or a JSON literal (null, true,
          // false, a number) as JSON.stringify writes them; any other plain value is left to yaml.
          const v = t.charCodeAt(i + 1);
          JSON_LITERAL_AT.lastIndex = i + 1;
          adjacent = v === 34 || v === 39 || v === 91 || v === 123 || JSON_LITERAL_AT.test(t);
        } else {
          const r = this.flowPlain(i, e, true);
          key = t.slice(i, r);
          if (resolvePlain(key) !== key) bail();
          i = skip(r);
        }
        if (t.charCodeAt(i) !== COLON || (t.charCodeAt(i + 1) !== SP && !adjacent) || hasOwn(map, key)) bail();
        i = skip(i + 1);
        const r = this.flowValue(i, e, depth);
        setKey(map, key, r.value);
        i = skip(r.end);
      } else {
        const r = this.flowValue(i, e, depth);
        seq.push(r.value);
        i = skip(r.end);
      }
      const c = t.charCodeAt(i);
      if (c === close) return { value: isMap ? map : seq, end: i + 1 };
      if (c !== 44) bail();
      i = skip(i + 1);
      if (t.charCodeAt(i) === close || t.charCodeAt(i) === 44) bail(); // trailing or empty entry
    }
  }

  private flowValue(i: number, e: number, depth: number): { value: unknown; end: number } {
    const t = this.t;
    const c = t.charCodeAt(i);
    // `depth` is the enclosing collection's; an item that is itself a collection sits one deeper.
    if (c === 38 || c === 42) return this.anchorOrAlias(i, e, depth + 1);
    if (c === 91 || c === 123) return this.flow(i, e, depth + 1);
    if (c === 39 || c === 34) {
      const end = this.quotedEnd(i, e);
      return { value: this.quotedValue(i, end), end };
    }
    const r = this.flowPlain(i, e, false);
    return { value: resolvePlain(t.slice(i, r)), end: r };
  }

  /** End (trailing spaces excluded) of a plain scalar in a flow collection starting at i. */
  private flowPlain(i: number, e: number, atKey: boolean): number {
    const t = this.t;
    this.checkPlainStart(i, e);
    let j = i;
    for (; j < e; j++) {
      const ch = t.charCodeAt(j);
      if (ch === 44 || ch === 93 || ch === 125) break;
      if (ch === 91 || ch === 123) bail();
      if (ch === HASH && t.charCodeAt(j - 1) === SP) bail();
      if (ch === COLON) {
        const nx = t.charCodeAt(j + 1);
        if (j + 1 >= e || nx === SP || nx === 44 || nx === 93 || nx === 125) {
          if (atKey) break;
          bail();
        }
      }
    }
    let end = j;
    while (end > i && t.charCodeAt(end - 1) === SP) end--;
    if (end === i) bail();
    return end;
  }

  /**
   * `&name value` (value on the same line) or `*name`. yaml's toJS shares one object between an
   * anchor and its aliases, as done here. Only anchors on alias-free nodes, each name defined once
   * and used after its definition, are taken; their alias budget is checked in checkAliasBudget.
   */
  private anchorOrAlias(p: number, e: number, depth: number): { value: unknown; end: number } {
    const t = this.t;
    let i = p + 1;
    while (i < e) {
      const ch = t.charCodeAt(i);
      const word =
        (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95 || ch === DASH;
      if (!word) break;
      i++;
    }
    const name = t.slice(p + 1, i);
    const after = t.charCodeAt(i);
    if (name === '' || (i < e && after !== SP && after !== 44 && after !== 93 && after !== 125)) bail();
    if (t.charCodeAt(p) === 42) {
      const a = this.anchors.get(name);
      if (!a) bail(); // unknown (or later) anchor: yaml reports it
      a.uses++;
      this.aliasesSeen++;
      return { value: a.value, end: i };
    }
    if (after !== SP || this.anchors.has(name)) bail();
    while (i < e && t.charCodeAt(i) === SP) i++;
    const c = t.charCodeAt(i);
    // The anchored value must be on this line and be a one-line scalar or flow collection.
    if (i === e || c === HASH || c === 124 || c === 62 || c === 38 || c === 42) bail();
    const before = this.aliasesSeen;
    let r: { value: unknown; end: number };
    if (c === 91 || c === 123) r = this.flow(i, e, depth);
    else if (c === 39 || c === 34) {
      const end = this.quotedEnd(i, e);
      r = { value: this.quotedValue(i, end), end };
    } else {
      // A plain scalar, read by the stricter flow rules (a ',' or ': ' in it is left to yaml).
      const end = this.flowPlain(i, e, false);
      r = { value: resolvePlain(t.slice(i, end)), end };
    }
    if (this.aliasesSeen !== before) bail();
    this.anchors.set(name, { value: r.value, uses: 0 });
    return r;
  }

  /**
   * yaml refuses a document when, for some anchor, (1 + aliases to it) × its alias count exceeds
   * maxAliasCount; for an alias-free node that count is 1, or 0 for a collection holding no scalar
   * (yaml's getAliasCount). A negative budget means no limit; a zero budget refuses any alias.
   */
  private checkAliasBudget(): void {
    if (this.maxAliasCount < 0) return;
    for (const a of this.anchors.values()) {
      if (a.uses === 0) continue;
      if (this.maxAliasCount === 0 || (1 + a.uses) * aliasCount(a.value) > this.maxAliasCount) bail();
    }
  }
}

/** A JSON literal (null, true, false, a number) ending at a flow indicator or a space: sticky, set lastIndex. */
const JSON_LITERAL_AT = /(?:null|true|false|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[,}\] ])/y;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * As yaml's toJS sets a key: `__proto__` becomes an own data property (an assignment would set the
 * object's prototype instead), so a hostile rule cannot change an object's prototype through it.
 */
function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

function aliasCount(v: unknown): number {
  if (Array.isArray(v)) {
    let m = 0;
    for (const x of v) m = Math.max(m, aliasCount(x));
    return m;
  }
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0 ? 1 : 0;
  return 1;
}
