/**
 * `--fix`: the edits a fixable check attaches to its finding, and applying them to a file's text.
 * Edits are computed from the YAML nodes' source ranges (offsets into the file), so a fix touches
 * only the offending text and keeps the rest of the file (comments, quoting, layout) as written.
 * A helper returns undefined where it cannot be sure of the result (flow mappings, comments in the
 * way, a file that cannot be read): the finding is then reported without a fix.
 */
import { readFileSync, statSync } from 'node:fs';
import { type RuleDocument, yamlLibrary } from '@nightjar/rules';
import type { Path } from './data.js';
import type { Edit, Finding } from './findings.js';

type Range = readonly [number, number, number];
interface Ranged {
  range?: Range | null;
}

/** Rule file texts, read once; undefined for files that cannot be read (in-memory rules) or are not regular files. */
export class Sources {
  private readonly cache = new Map<string, string | undefined>();
  constructor(private readonly given: ReadonlyMap<string, string> = new Map()) {}
  get(file: string): string | undefined {
    if (this.given.has(file)) return this.given.get(file);
    if (!this.cache.has(file)) {
      let text: string | undefined;
      try {
        // Only a regular file: reading a FIFO named like a rule file would block lint forever (the
        // loader reports it as not a regular file).
        text = statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
      } catch {
        text = undefined;
      }
      this.cache.set(file, text);
    }
    return this.cache.get(file);
  }
}

/**
 * Whether the text at a scalar's range is that scalar (its value, possibly quoted). The file read from
 * disk may not be the text the document was parsed from (an editor buffer linted under the file's
 * name); then no fix is offered rather than one that edits the wrong text.
 */
function holds(src: string, node: unknown): boolean {
  if (!yamlLibrary().isScalar(node)) return true;
  const r = (node as Ranged).range;
  if (!r) return false;
  const text = src.slice(r[0], r[1]);
  const v = String(node.value);
  return text === v || text.includes(v);
}

/** The pair (for a map key) or item node (for a sequence index) at `path`, with its parent collection. */
function entryAt(
  doc: RuleDocument,
  src: string,
  path: Path,
): { key?: Ranged; value: Ranged; parent: unknown } | undefined {
  const { isMap, isPair, isScalar, isSeq } = yamlLibrary();
  let node: unknown = doc.doc.contents;
  let key: Ranged | undefined;
  let parent: unknown;
  for (const seg of path) {
    parent = node;
    key = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      key = pair.key as Ranged;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else return undefined;
    if (node === null || node === undefined) return undefined;
    if ((key && !holds(src, key)) || !holds(src, node)) return undefined;
  }
  return { ...(key ? { key } : {}), value: node as Ranged, parent };
}

/** Replaces the node at `path` (its key with `key: true`) by `text`. */
export function replaceNode(
  doc: RuleDocument,
  src: string,
  path: Path,
  text: string,
  opts: { key?: boolean } = {},
): Edit[] | undefined {
  const e = entryAt(doc, src, path);
  const r = (opts.key ? e?.key : e?.value)?.range;
  return r ? [{ start: r[0], end: r[1], text }] : undefined;
}

/** Replaces `from` with `to` inside the source text of the scalar at `path`, when it occurs there once. */
export function replaceInNode(
  doc: RuleDocument,
  src: string,
  path: Path,
  from: string,
  to: string,
): Edit[] | undefined {
  const r = entryAt(doc, src, path)?.value.range;
  if (!r) return undefined;
  const inner = src.slice(r[0], r[1]);
  const i = inner.indexOf(from);
  if (i < 0 || inner.indexOf(from, i + 1) >= 0) return undefined;
  return [{ start: r[0] + i, end: r[0] + i + from.length, text: to }];
}

/** Removes the last character of the scalar at `path` when it is `ch` (a closing quote may follow). */
export function dropLastChar(doc: RuleDocument, src: string, path: Path, ch: string): Edit[] | undefined {
  const r = entryAt(doc, src, path)?.value.range;
  if (!r) return undefined;
  const inner = src.slice(r[0], r[1]);
  const m = /(.)(["']?)\s*$/.exec(inner);
  if (!m || m[1] !== ch) return undefined;
  const at = r[0] + m.index;
  return [{ start: at, end: at + 1, text: '' }];
}

/**
 * Removes a block-mapping key with its value, or a block-sequence item (whole lines, with their
 * trailing comment), or a flow-sequence item after the first (from the end of the item before it).
 */
export function removeEntry(doc: RuleDocument, src: string, path: Path): Edit[] | undefined {
  const e = entryAt(doc, src, path);
  if (!e) return undefined;
  const { isMap, isSeq } = yamlLibrary();
  const last = path[path.length - 1];
  if (isSeq(e.parent) && typeof last === 'number') {
    const r = e.value.range;
    if (!r) return undefined;
    if (!e.parent.flow) return removeLines(src, r[0], r[1], /^\s*-\s*$/);
    if (last === 0) return undefined;
    const prev = (e.parent.items[last - 1] as Ranged | undefined)?.range;
    if (!prev || src.slice(prev[1], r[0]).includes('#')) return undefined;
    return [{ start: prev[1], end: r[1], text: '' }];
  }
  if (!isMap(e.parent) || e.parent.flow || !e.key?.range || !e.value.range) return undefined;
  return removeLines(src, e.key.range[0], e.value.range[1], /^\s*$/);
}

/**
 * The edit removing the whole lines from `start` to `end` (with the line's trailing comment), when
 * what precedes `start` on its line matches `lead` and only a comment follows `end` on its line.
 */
function removeLines(src: string, start: number, end: number, lead: RegExp): Edit[] | undefined {
  // Line 1 starts after a byte-order mark: removing its first entry keeps the BOM (\s matches it).
  const lineStart = Math.max(src.lastIndexOf('\n', start - 1) + 1, src.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (!lead.test(src.slice(lineStart, start))) return undefined;
  const nl = src.indexOf('\n', end);
  const rest = src.slice(end, nl < 0 ? src.length : nl).trim();
  if (rest !== '' && !rest.startsWith('#')) return undefined;
  return [{ start: lineStart, end: nl < 0 ? src.length : nl + 1, text: '' }];
}

/**
 * Applies the fixes of `findings` in one file's text. Overlapping fixes are skipped (the first in
 * file order wins; a second `--fix` run picks up the rest). Returns the new text and the findings fixed.
 */
export function applyFixes(text: string, findings: readonly Finding[]): { text: string; fixed: Finding[] } {
  const withFix = findings
    .filter((f) => f.fix && f.fix.length)
    .sort((a, b) => Math.min(...a.fix!.map((e) => e.start)) - Math.min(...b.fix!.map((e) => e.start)));
  const taken: Edit[] = [];
  const fixed: Finding[] = [];
  const overlaps = (a: Edit, b: Edit) => a.start < b.end && b.start < a.end;
  for (const f of withFix) {
    if (f.fix!.some((e) => taken.some((t) => overlaps(e, t) || (e.start === t.start && e.end === t.end)))) continue;
    taken.push(...f.fix!);
    fixed.push(f);
  }
  let out = text;
  for (const e of [...taken].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, fixed };
}
