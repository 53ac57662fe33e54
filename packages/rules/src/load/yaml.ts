// One file on purpose (~460 lines): the YAML reader with positions, its limits and the fast-path fallback share one document model.
import { createRequire } from 'node:module';
import type { Document, DocumentOptions, EmptyStream, LineCounter, ParseOptions, SchemaOptions } from 'yaml';
import type * as YamlLib from 'yaml';
import type { RuleDiagnostic, RuleDiagnosticCode, SourceLocation } from '../errors.js';
import { fastParseYamlDocs } from './fast-yaml.js';

const requireFromHere = createRequire(import.meta.url);
let yamlLib: typeof YamlLib | undefined;
/**
 * The yaml library, loaded on first use: a file the fast path (fast-yaml.ts) reads whole, with no
 * diagnostic to place, never needs it, and loading it cost ~50 ms per process (per `scan --threads`
 * worker too). Loaded with require: the package's Node build is CommonJS either way. Exported as
 * `yamlLibrary` for the packages that read rule Documents or config files (ruletools, the CLI).
 */
export function yaml(): typeof YamlLib {
  return (yamlLib ??= requireFromHere('yaml') as typeof YamlLib);
}

/** Guards against hostile YAML; every limit is checked before or while parsing, never after a blow-up. */
export interface YamlLimits {
  /** Largest rule file read, in bytes (default 1 MiB). */
  readonly maxFileBytes: number;
  /** yaml's alias-expansion budget per document (default 100; billion-laughs guard). */
  readonly maxAliasCount: number;
  /** Deepest nesting of maps and lists accepted (default 64). */
  readonly maxDepth: number;
  /** Most YAML documents in one file (default 10,000). */
  readonly maxDocuments: number;
}

export const DEFAULT_LIMITS: YamlLimits = {
  maxFileBytes: 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 64,
  maxDocuments: 10_000,
};

/**
 * A linear character scan run before the parser. yaml survives absurd nesting by catching its own
 * stack overflow, but that takes seconds per megabyte; this bounds nesting (flow brackets, leading
 * indentation, `- ` indicators) and the document count cheaply. It over-approximates (brackets in
 * quoted text count), so its bound is far above `maxDepth`, which the parsed data is checked against.
 */
function prescan(
  text: string,
  limits: YamlLimits,
): { code: RuleDiagnosticCode; message: string; offset: number } | undefined {
  const hard = Math.max(128, limits.maxDepth * 2);
  const tooDeep = (offset: number) => ({
    code: 'NJ_YAML_TOO_DEEP' as const,
    message: `YAML nesting too deep (limit ${limits.maxDepth})`,
    offset,
  });
  let flow = 0;
  let docs = 1;
  let content = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // A document marker: '---' at the start of a line, then whitespace or the end. One before any
    // content opens the first document rather than a new one.
    if (text.startsWith('---', i) && (i + 3 >= n || text.charCodeAt(i + 3) <= 32)) {
      if (content && ++docs > limits.maxDocuments) {
        return {
          code: 'NJ_YAML_TOO_MANY_DOCS',
          message: `more than ${limits.maxDocuments} YAML documents in one file`,
          offset: i,
        };
      }
      content = true;
    } else if (!content) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13 && c !== 32 && c !== 35 /* # */ && c !== 37 /* % */) content = true;
    }
    // Indentation and '- ' indicators bound the block nesting of the line.
    let block = 0;
    while (i < n) {
      const ch = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      if (ch === 32 || (ch === 45 && (next === 32 || next === 10))) {
        if (++block + flow > hard) return tooDeep(i);
        i++;
      } else break;
    }
    // The rest of the line: flow brackets (never below zero, so stray closers cannot hide openers).
    while (i < n) {
      const ch = text.charCodeAt(i++);
      if (ch === 10) break;
      if (ch === 91 || ch === 123) {
        if (++flow + block > hard) return tooDeep(i - 1);
      } else if ((ch === 93 || ch === 125) && flow > 0) flow--;
    }
  }
  return undefined;
}

export type KeyPath = readonly (string | number)[];

/** Offset in a file's text → 1-based line and column. */
interface Positions {
  linePos(offset: number): { line: number; col: number };
}

/**
 * Positions from the line starts `lc` holds for `text`, as editors count them: a leading byte-order
 * mark is not a column, so line 1's columns start after it. Offsets stay the text's, BOM included:
 * lint fixes edit the file by them.
 */
function positions(lc: LineCounter, text: string): Positions {
  if (text.charCodeAt(0) !== 0xfeff) return lc;
  return {
    linePos: (offset) => {
      const p = lc.linePos(offset);
      return p.line === 1 && offset > 0 ? { line: 1, col: p.col - 1 } : p;
    },
  };
}

/** Maps a key path inside one YAML document to file:line:col. */
export type Locator = (path: KeyPath, opts?: { key?: boolean }) => SourceLocation;

/** One YAML document of a file, parsed: plain JS data plus what is needed to point into the source. */
export interface ParsedYamlDoc {
  readonly index: number;
  /** The yaml Document (built on first use when the fast path parsed the file). */
  readonly doc: Document;
  /** Plain JS (maps → objects); undefined when the document failed to parse. */
  readonly data: unknown;
  readonly locate: Locator;
  /** Where the document's root node starts (what `locate([])` gives, without its end). */
  readonly start: { readonly line: number; readonly col: number };
  /** Problems of this document alone (syntax, duplicate key, tag, depth, aliases). */
  readonly diagnostics: RuleDiagnostic[];
}

export function diag(
  code: RuleDiagnosticCode,
  message: string,
  loc: SourceLocation,
  severity: 'error' | 'warning' = 'error',
  rule?: string,
): RuleDiagnostic {
  return rule === undefined ? { ...loc, code, severity, message } : { ...loc, code, severity, message, rule };
}

type Range = readonly [number, number, number];

const ALLOWED_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

function keyText(key: unknown): string {
  if (yaml().isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * Builds a locator for one document. Walks the node tree along the path; if a segment is missing it
 * stops at the deepest node found, so an error always points somewhere sensible (a missing key points
 * at the mapping that should hold it).
 */
export function makeLocator(doc: Document, lc: Positions, file: string): Locator {
  const where = (offset: number, end?: number): SourceLocation => {
    const s = lc.linePos(offset);
    if (end === undefined || end <= offset) return { file, line: s.line, col: s.col };
    const e = lc.linePos(end);
    return { file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  };
  return (path, opts) => {
    let node: unknown = doc.contents;
    let range: Range | undefined = (doc.contents as { range?: Range } | null)?.range ?? doc.range;
    for (let i = 0; i < path.length; i++) {
      if (yaml().isAlias(node)) node = node.resolve(doc);
      const seg = path[i];
      const last = i === path.length - 1;
      let next: unknown;
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        const value = pair.value as { range?: Range } | null;
        const emptyValue = !value || !value.range || (yaml().isScalar(value) && value.range[0] === value.range[1]);
        if (last && (opts?.key || emptyValue)) next = pair.key;
        else next = pair.value;
      } else if (yaml().isSeq(node)) {
        next = node.items[typeof seg === 'number' ? seg : Number(seg)];
      }
      const r = (next as { range?: Range } | null | undefined)?.range;
      if (!next || !r) break;
      node = next;
      range = r;
    }
    return range ? where(range[0], range[1]) : { file, line: 1, col: 1 };
  };
}

function checkData(data: unknown, max: number): 'deep' | 'object' | undefined {
  // Explicit stack: hostile input must not be able to overflow ours.
  const stack: [unknown, number][] = [[data, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return 'deep';
    // Aliases share objects; visiting each once keeps this linear in the document.
    if (seen.has(v)) continue;
    seen.add(v);
    const isArray = Array.isArray(v);
    // Defence in depth behind the tag check: only plain objects and arrays reach the compilers.
    if (!isArray && Object.getPrototypeOf(v) !== Object.prototype) return 'object';
    const children = isArray ? v : Object.values(v);
    for (const c of children) stack.push([c, d + 1]);
  }
  return undefined;
}

/**
 * Parses a file's text into its YAML documents with the core schema only (no tags that construct
 * objects: `!!set`, `!!binary`, `!!python/…` are refused), unique keys, and the alias and depth caps.
 * Empty documents (only comments, or a trailing `---`) are dropped.
 */
export function parseYamlText(text: string, file: string, limits: YamlLimits = DEFAULT_LIMITS): ParsedYamlDoc[] {
  const early = prescan(text, limits);
  if (!early) {
    const fast = fastParse(text, file, limits);
    if (fast) return fast;
  }
  return parseYamlTextFull(text, file, limits, early);
}

/**
 * The fast path (fast-yaml.ts): plain data without source ranges, document by document. A document it
 * steps aside from is parsed by yaml alone (its text only, positions offset to the file's), so one odd
 * document no longer costs the whole file yaml's speed. Positions and the yaml Document of a
 * fast-parsed document come from yaml on first use, for that document's text alone. Where yaml would
 * read a document differently in the file than alone (yaml errors, which can come from a construct cut
 * by a `---` line), or the split itself is in doubt, the whole file goes to the full parser.
 */
function fastParse(text: string, file: string, limits: YamlLimits): ParsedYamlDoc[] | undefined {
  const docs = fastParseYamlDocs(text, limits.maxDepth, limits.maxAliasCount);
  if (!docs) return undefined;
  let lines: Positions | undefined;
  const lc = () => (lines ??= positions(fileLines(text), text));
  const out: ParsedYamlDoc[] = [];
  for (const d of docs) {
    // Shared objects through aliases: yaml.ts checks the depth of the built data, as the full path does.
    if ('fallback' in d || (d.aliases && checkData(d.data, limits.maxDepth) !== undefined)) {
      // The only document is the whole file: the full parser reads the very same text, and going
      // there at once spares a second yaml parse when this one reports an error (a broken file).
      if (docs.length === 1 && d.from === 0 && d.to === text.length) return parseYamlTextFull(text, file, limits);
      const p = parseSegment(text, d.from, d.to, d.index, file, limits, lc());
      if (p === undefined) return undefined;
      if (p) out.push(p);
      continue;
    }
    let full: ParsedYamlDoc | undefined;
    const fullDoc = (): ParsedYamlDoc => {
      if (full) return full;
      const p = parseSegment(text, d.from, d.to, d.index, file, limits, lc());
      // Cannot happen while the fast path agrees with yaml (a test pins that it does).
      if (!p) throw new Error(`fast YAML path and yaml disagree on document ${d.index} of ${file}`);
      return (full = p);
    };
    // A position inside one top-level entry comes from yaml reading that entry alone (a diagnostic
    // on `level` must not cost a parse of a 20,000-key map beside it); anything else, or an entry
    // yaml reads differently alone, from the whole document.
    const byEntry = new Map<string, { doc: Document.Parsed; locate: Locator } | null>();
    const entry = (key: string): { doc: Document.Parsed; locate: Locator } | null => {
      let e = byEntry.get(key);
      if (e !== undefined) return e;
      const r = d.entries?.get(key);
      e = null;
      if (r !== undefined) {
        const docs = parseDocuments(text.slice(r[0], r[1]), PARSE_OPTIONS);
        const one = Array.isArray(docs) && docs.length === 1 ? docs[0]! : undefined;
        if (one !== undefined && one.errors.length === 0) {
          const doc = shiftRanges(one, r[0]);
          e = { doc, locate: makeLocator(doc, lc(), file) };
        }
      }
      byEntry.set(key, e);
      return e;
    };
    // The root map (a path that is empty, or whose first key the document lacks, points at it): it
    // starts at the fast path's start and ends where the value on its last content line ends, which
    // yaml reading that line alone tells (when the line is a `key: value` or `- item` line; a line
    // of a block scalar is left to the whole document).
    let root: SourceLocation | null | undefined;
    const rootLocation = (): SourceLocation | null => {
      if (root !== undefined) return root;
      root = null;
      const from = d.lastLine;
      if (from === undefined) return root;
      const docs = parseDocuments(text.slice(from, d.to), PARSE_OPTIONS);
      const one = Array.isArray(docs) && docs.length === 1 ? docs[0]! : undefined;
      if (one === undefined || one.errors.length > 0 || !(yaml().isMap(one.contents) || yaml().isSeq(one.contents)))
        return root;
      const end = (one.contents as { range?: Range }).range?.[1];
      if (end === undefined) return root;
      const x = lc().linePos(end + from);
      root = { file, line: d.line, col: d.col, endLine: x.line, endCol: x.col };
      return root;
    };
    out.push({
      index: d.index,
      get doc() {
        return fullDoc().doc;
      },
      data: d.data,
      locate: (path, opts) => {
        if (full === undefined && d.entries !== undefined) {
          const key = path.length > 0 ? String(path[0]) : undefined;
          if (key !== undefined && d.entries.has(key)) {
            const e = entry(key);
            if (e !== null) return e.locate(path, opts);
          } else if (key === undefined || !Object.prototype.hasOwnProperty.call(d.data, key)) {
            const r = rootLocation();
            if (r !== null) return r;
          }
        }
        return fullDoc().locate(path, opts);
      },
      start: { line: d.line, col: d.col },
      diagnostics: [],
    });
  }
  return out;
}

/** The line starts of the whole file, as yaml's LineCounter records them during a parse. */
function fileLines(text: string): LineCounter {
  const lc = new (yaml().LineCounter)();
  lc.addNewLine(0);
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lc.addNewLine(k + 1);
  return lc;
}

const PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  version: '1.2',
  customTags: [],
  // yaml's own duplicate-key check is quadratic in the size of a mapping (a 1 MiB flat map takes
  // minutes); finishDoc's visitor does it with a Set.
  uniqueKeys: false,
  prettyErrors: false,
  merge: false,
  strict: true,
};

/**
 * One document's text `[from, to)` of the file, parsed by yaml alone, with every source range moved
 * by `from` so that positions (and the Document's ranges) are the file's. Null when the text holds no
 * document yaml keeps; undefined when yaml reports an error or sees more than one document — then its
 * reading alone may differ from its reading in the file, and the whole file is parsed instead.
 */
function parseSegment(
  text: string,
  from: number,
  to: number,
  index: number,
  file: string,
  limits: YamlLimits,
  lc: Positions,
): ParsedYamlDoc | null | undefined {
  const docs = parseDocuments(text.slice(from, to), PARSE_OPTIONS);
  if (docs === undefined) return undefined;
  if (!Array.isArray(docs) || docs.length === 0) return null;
  const doc = docs[0]!;
  if (docs.length > 1 || doc.errors.length > 0) return undefined;
  return finishDoc(shiftRanges(doc, from), index, text, lc, file, limits) ?? null;
}

/**
 * yaml's parseAllDocuments, or undefined when it overflowed the stack: some malformed texts (an
 * unclosed `{` before ten thousand block-map lines) make its parser recurse once per line.
 */
function parseDocuments(text: string, options: typeof PARSE_OPTIONS): Document.Parsed[] | EmptyStream | undefined {
  try {
    return yaml().parseAllDocuments(text, options);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Where the first flow collection not closed on its own line opens (quoted text and comments skipped); 0 if none. */
function unclosedFlow(text: string): number {
  let lineStart = 0;
  while (lineStart < text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    const opened: number[] = [];
    let quote = 0;
    for (let i = lineStart; i < end; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 35 && (i === lineStart || text.charCodeAt(i - 1) === 32)) break;
      else if (c === 123 || c === 91) opened.push(i);
      else if ((c === 125 || c === 93) && opened.length > 0) opened.pop();
    }
    if (opened.length > 0) return opened[0]!;
    lineStart = end + 1;
  }
  return 0;
}

/** Moves every source range of a Document parsed from `text.slice(from)` by `from` (file positions). */
function shiftRanges(doc: Document.Parsed, from: number): Document.Parsed {
  if (from === 0) return doc;
  const shift = (r: Range | undefined): Range | undefined => (r ? [r[0] + from, r[1] + from, r[2] + from] : r);
  yaml().visit(doc, {
    Node(_key, node) {
      const n = node as { range?: Range | undefined };
      n.range = shift(n.range);
    },
  });
  (doc as { range: Range }).range = shift(doc.range)!;
  for (const w of doc.warnings) w.pos = [w.pos[0] + from, w.pos[1] + from];
  return doc;
}

/** The full parser alone (yaml with source ranges); exported for the fast path's equivalence tests. */
export function parseYamlTextFull(
  text: string,
  file: string,
  limits: YamlLimits = DEFAULT_LIMITS,
  early: { code: RuleDiagnosticCode; message: string; offset: number } | undefined = prescan(text, limits),
): ParsedYamlDoc[] {
  const lc = new (yaml().LineCounter)();
  if (early) {
    lc.addNewLine(0);
    for (let k = text.indexOf('\n'); k >= 0 && k < early.offset; k = text.indexOf('\n', k + 1)) lc.addNewLine(k + 1);
    const p = positions(lc, text).linePos(early.offset);
    const d = new (yaml().Document)(null);
    return [
      {
        index: 0,
        doc: d,
        data: undefined,
        locate: () => ({ file, line: p.line, col: p.col }),
        start: { line: p.line, col: p.col },
        diagnostics: [diag(early.code, early.message, { file, line: p.line, col: p.col })],
      },
    ];
  }
  const parsed = parseDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc });
  if (parsed === undefined) {
    // yaml recursed until the stack ran out: one located error instead of a throw out of the loader.
    const offset = unclosedFlow(text);
    const fresh = new (yaml().LineCounter)();
    fresh.addNewLine(0);
    for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) fresh.addNewLine(k + 1);
    const p = positions(fresh, text).linePos(offset);
    const where = { file, line: p.line, col: p.col };
    const message =
      offset > 0 || text.charCodeAt(0) === 123 || text.charCodeAt(0) === 91
        ? 'YAML: a flow collection opened here is not closed on its line, and the YAML parser ran out of stack reading on'
        : 'YAML: the YAML parser ran out of stack reading this file';
    return [
      {
        index: 0,
        doc: new (yaml().Document)(null),
        data: undefined,
        locate: () => where,
        start: { line: p.line, col: p.col },
        diagnostics: [diag('NJ_YAML_SYNTAX', message, where)],
      },
    ];
  }
  const docs = Array.isArray(parsed) ? parsed : [];
  const out: ParsedYamlDoc[] = [];
  docs.forEach((doc, index) => {
    const p = finishDoc(doc, index, text, positions(lc, text), file, limits);
    if (p) out.push(p);
  });
  openingsOf = undefined;
  return out;
}

/** A quoted scalar (`"` or `'`) or a flow collection (`[`, for `{` too) in yaml's CST, in walk order. */
interface Opening {
  readonly kind: string;
  readonly offset: number;
  /** Where the token's text ends (quoted), or -1 for a flow collection that has its closing bracket. */
  readonly end: number;
}

/** Errors of one text whose opening is looked up; the rest keep yaml's position (a bound on hostile files). */
const MAX_OPENING_LOOKUPS = 16;
interface Openings {
  readonly text: string;
  readonly openings: Opening[] | undefined;
  lookups: number;
}
/** The openings of the file being read: its documents share one text, walked once (cleared by parseYamlTextFull). */
let openingsOf: Openings | undefined;

function openings(text: string): Openings {
  if (openingsOf?.text === text) return openingsOf;
  const Y = yaml();
  let out: Opening[] | undefined = [];
  try {
    for (const doc of new Y.Parser().parse(text)) {
      if (doc.type !== 'document') continue;
      Y.CST.visit(doc, (item) => {
        for (const t of [item.key, item.value]) {
          if (t == null) continue;
          if (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar')
            out!.push({ kind: t.source[0]!, offset: t.offset, end: t.offset + t.source.length });
          else if (t.type === 'flow-collection') {
            const closed = t.end.some((x) => x.type === 'flow-seq-end' || x.type === 'flow-map-end');
            out!.push({ kind: '[', offset: t.offset, end: closed ? -1 : text.length });
          }
        }
      });
    }
  } catch {
    out = undefined; // the CST walk recurses: a file nested too deep keeps yaml's positions
  }
  return (openingsOf = { text, openings: out, lookups: 0 });
}

/**
 * Where the quoted string or flow collection that a "Missing closing quote" or "Flow … must … end with
 * a ]" error is about was opened: yaml reports those where the text ran out, often at the end of the
 * file, lines away from the mistake. Undefined for any other error, or when no token opened before
 * the error spans it unclosed (the innermost wins), or past MAX_OPENING_LOOKUPS in one text.
 */
function unclosedStart(text: string, message: string, at: number): number | undefined {
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  const kind = quote ?? (/^Flow (sequence|map) .* end with a [\]}]/.test(message) ? '[' : undefined);
  if (kind === undefined) return undefined;
  const o = openings(text);
  if (o.openings === undefined || o.lookups++ >= MAX_OPENING_LOOKUPS) return undefined;
  let found: number | undefined;
  for (const t of o.openings) if (t.kind === kind && t.offset < at && t.end >= at) found = t.offset;
  return found;
}

/**
 * One parsed document: yaml's errors and warnings, refused tags, duplicate keys, the alias and depth
 * caps, then its data. Undefined for a document yaml drops (empty, nothing to report).
 */
function finishDoc(
  doc: Document.Parsed,
  index: number,
  text: string,
  lc: Positions,
  file: string,
  limits: YamlLimits,
): ParsedYamlDoc | undefined {
  const locate = makeLocator(doc, lc, file);
  const diagnostics: RuleDiagnostic[] = [];
  const at = (pos: readonly [number, number]): SourceLocation => {
    const p = lc.linePos(pos[0]);
    return { file, line: p.line, col: p.col };
  };
  const seen = new Set<string>();
  for (const e of doc.errors) {
    let code: RuleDiagnosticCode = 'NJ_YAML_SYNTAX';
    let message = `YAML: ${e.message.split('\n')[0]}`;
    if (e.code === 'DUPLICATE_KEY') {
      code = 'NJ_YAML_DUPLICATE_KEY';
      message = 'duplicate key in a mapping (YAML keys must be unique)';
    } else if (e.code === 'RESOURCE_EXHAUSTION') {
      code = 'NJ_YAML_TOO_DEEP';
      message = `YAML nesting too deep (limit ${limits.maxDepth})`;
    }
    // One report per kind of failure: a hostile file can produce thousands of identical errors.
    if (code !== 'NJ_YAML_SYNTAX' && code !== 'NJ_YAML_DUPLICATE_KEY' && seen.has(code)) continue;
    seen.add(code);
    const opened = code === 'NJ_YAML_SYNTAX' ? unclosedStart(text, e.message, e.pos[0]) : undefined;
    diagnostics.push(
      opened === undefined
        ? diag(code, message, at(e.pos))
        : diag(code, `${message} (opened here)`, at([opened, opened])),
    );
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') {
      diagnostics.push(
        diag(
          'NJ_YAML_TAG',
          `YAML tag not allowed: ${w.message.replace(/^Unresolved tag: /, '')} (rules use plain YAML types only)`,
          at(w.pos),
        ),
      );
    } else {
      diagnostics.push(diag('NJ_YAML_WARNING', `YAML: ${w.message.split('\n')[0]}`, at(w.pos), 'warning'));
    }
  }
  // yaml resolves some explicit tags even under the core schema (!!set → Set, !!binary → Buffer,
  // !!timestamp → Date, !!omap → Map); rules are plain data, so only the core tags are accepted.
  yaml().visit(doc, {
    Node(_key, node) {
      const tag = (node as { tag?: string }).tag;
      const range = (node as { range?: Range }).range;
      if (tag !== undefined && !ALLOWED_TAGS.has(tag) && range) {
        let bang = text.lastIndexOf('!', range[0]);
        while (bang > 0 && text[bang - 1] === '!') bang--;
        const start = bang >= 0 && !text.slice(bang, range[0]).includes('\n') ? bang : range[0];
        const loc = at([start, start]);
        // An unknown tag was already reported from yaml's own warning.
        if (!diagnostics.some((x) => x.code === 'NJ_YAML_TAG' && x.line === loc.line && x.col === loc.col)) {
          diagnostics.push(diag('NJ_YAML_TAG', `YAML tag not allowed: ${tag} (rules use plain YAML types only)`, loc));
        }
      }
      if (yaml().isMap(node)) {
        const keys = new Set<string>();
        for (const pair of node.items) {
          // Keys compare as the property names they become (1 and '1' collide in a JS object).
          const k = yaml().isScalar(pair.key)
            ? String(pair.key.value)
            : pair.key === null
              ? ''
              : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a complex key's YAML text (Node.toString)
                JSON.stringify(String(pair.key));
          if (keys.has(k)) {
            const r = (pair.key as { range?: Range } | null)?.range;
            diagnostics.push(
              diag(
                'NJ_YAML_DUPLICATE_KEY',
                `duplicate key '${k.slice(0, 80)}' in a mapping (YAML keys must be unique)`,
                at([r?.[0] ?? 0, 0]),
              ),
            );
          }
          keys.add(k);
        }
      }
    },
  });
  if (doc.contents === null && diagnostics.length === 0) return undefined;
  let data: unknown;
  if (!diagnostics.some((d) => d.severity === 'error')) {
    try {
      data = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const alias = /alias/i.test(msg);
      diagnostics.push(
        diag(
          alias ? 'NJ_YAML_ALIAS_LIMIT' : 'NJ_YAML_SYNTAX',
          alias ? `too many YAML alias expansions (limit ${limits.maxAliasCount})` : `YAML: ${msg}`,
          locate([]),
        ),
      );
      data = undefined;
    }
    const bad = data === undefined ? undefined : checkData(data, limits.maxDepth);
    if (bad === 'deep')
      diagnostics.push(diag('NJ_YAML_TOO_DEEP', `YAML nesting too deep (limit ${limits.maxDepth})`, locate([])));
    if (bad === 'object')
      diagnostics.push(
        diag('NJ_YAML_TAG', 'YAML value of a non-plain type (rules use plain YAML types only)', locate([])),
      );
    if (bad) data = undefined;
  }
  if ((data === null || data === undefined) && diagnostics.length === 0) return undefined;
  const root = locate([]);
  return { index, doc, data, locate, start: { line: root.line, col: root.col }, diagnostics };
}
