/**
 * Checks of one `field|modifiers: values` item's values: how they are written (only '*', an empty
 * list, a value twice, escaped wildcards) and whether the field's Endpoint Security type can hold
 * them at all (an object compared with a scalar, text for a number, …). Called by the detection
 * checks for every item of every selection.
 */
import type { RuleDocument } from '@nightjar/rules';
import type { Path } from '../data.js';
import { valueKindAt } from '../fields.js';
import { removeEntry, replaceNode } from '../fixes.js';
import type { Reporter } from '../findings.js';

export interface Item {
  readonly key: string;
  readonly field: string;
  readonly mods: readonly string[];
  readonly raw: unknown;
  readonly path: Path;
}

/** Modifiers under which a value is no longer compared as written (encoded, a pattern, a reference). */
const REWRITING = new Set([
  're',
  'cidr',
  'exists',
  'fieldref',
  'base64',
  'base64offset',
  'wide',
  'utf16',
  'utf16le',
  'utf16be',
  'windash',
  'expand',
]);
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);
/** An unescaped wildcard; an escaped one is a backslash (itself not escaped) before '*' or '?'. */
const ESCAPED_WILDCARD = /(?<!\\)(?:\\\\)*\\[*?]/;

export function lintValues(c: Reporter, doc: RuleDocument, it: Item): void {
  const { key, field, mods, raw, path } = it;
  const list = Array.isArray(raw) ? raw : [raw];
  const at = (i: number): Path => (Array.isArray(raw) ? [...path, i] : path);
  if (Array.isArray(raw) && raw.length === 0) {
    c.report(doc, 'nj/empty-value-list', `'${key}' has an empty value list: the item can never match`, path);
    return;
  }
  const rewriting = mods.some((m) => REWRITING.has(m));
  const src = c.sources.get(doc.file);
  // Only '*': any value at all, i.e. the field exists.
  if (!rewriting && !mods.includes('neq') && field !== '' && list.some((v) => v === '*')) {
    const fixable = !Array.isArray(raw) && mods.length === 0 && src !== undefined;
    const keyEdit = fixable ? replaceNode(doc, src, path, `${key}|exists`, { key: true }) : undefined;
    const valueEdit = fixable ? replaceNode(doc, src, path, 'true') : undefined;
    c.report(
      doc,
      'nj/star-only-value',
      `'${key}: *' matches any value, i.e. the field exists: write '${field}|exists: true'`,
      at(list.indexOf('*')),
      { fix: keyEdit && valueEdit ? [...keyEdit, ...valueEdit] : undefined },
    );
  }
  if (Array.isArray(raw)) {
    const cased = mods.includes('cased') || mods.includes('re');
    const seen = new Set<string>();
    raw.forEach((v, i) => {
      if (v === null || typeof v === 'object') return;
      const k = typeof v === 'string' ? (cased ? v : v.toLowerCase()) : `${typeof v}:${String(v)}`;
      if (seen.has(k))
        c.report(doc, 'nj/duplicate-value', `'${key}' lists ${JSON.stringify(v)} twice`, [...path, i], {
          fix: src ? removeEntry(doc, src, [...path, i]) : undefined,
        });
      seen.add(k);
    });
  }
  if (!rewriting)
    list.forEach((v, i) => {
      if (typeof v === 'string' && ESCAPED_WILDCARD.test(v))
        c.report(
          doc,
          'nj/escaped-wildcard',
          `'${key}' value ${JSON.stringify(v)} escapes a wildcard: it matches a literal '${/\\([*?])/.exec(v)![1]}'; drop the backslash if a wildcard was meant`,
          at(i),
        );
    });
  lintValueTypes(c, doc, it, list, at);
}

/** The ES path a field reads: itself when native, else the plain path the mapping resolved it to. */
function esPath(doc: RuleDocument, field: string): string | undefined {
  if (field.includes('.')) return field;
  const use = doc.detectionInfo?.fields.find((f) => f.name === field);
  return use && /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/.test(use.resolved) ? use.resolved : undefined;
}

function eventTypes(doc: RuleDocument): readonly string[] | null {
  return doc.compiled?.kind === 'detection' ? doc.compiled.eventTypes : null;
}

function lintValueTypes(
  c: Reporter,
  doc: RuleDocument,
  it: Item,
  list: readonly unknown[],
  at: (i: number) => Path,
): void {
  const { field, mods } = it;
  if (field === '' || mods.includes('exists') || mods.includes('fieldref')) return;
  const p = esPath(doc, field);
  const kind = p === undefined ? undefined : valueKindAt(p, eventTypes(doc));
  if (kind === undefined) return;
  const shown = p === field ? `'${field}'` : `'${field}' (${p})`;
  if (kind === 'object') {
    const i = list.findIndex((v) => v !== null && typeof v !== 'object');
    if (i < 0) return;
    const hint = /(^|\.)(executable|tty|file|target|source|cwd|script|existing_file|dir)$/.test(p!)
      ? ` (did you mean '${field}.path'?)`
      : /(^|\.)(process|parent|real_parent|responsible|child|instigator)$/.test(p!)
        ? ` (did you mean '${field}.executable.path'?)`
        : '';
    c.report(
      doc,
      'nj/object-field',
      `${shown} holds an object, so comparing it with a value never matches${hint}`,
      at(i),
    );
    return;
  }
  if (mods.some((m) => REWRITING.has(m))) return;
  const compares = mods.some((m) => COMPARE.has(m));
  list.forEach((v, i) => {
    let why: string | undefined;
    if (v === null || typeof v === 'object') return;
    if (kind === 'number') {
      if (typeof v === 'boolean') why = `is a number, never ${String(v)}`;
      else if (typeof v === 'string' && !/^[-+0-9.eE]*$/.test(v.replace(/(?<!\\)[*?]/g, '')))
        why = `is a number, so the text ${JSON.stringify(v)} never matches it`;
    } else if (kind === 'boolean') {
      if (compares) why = 'is true or false, which a numeric comparison never matches';
      else if (typeof v === 'number' || (typeof v === 'string' && !/^(true|false)$/i.test(v)))
        why = `is true or false, never ${JSON.stringify(v)}`;
    } else if (kind === 'string') {
      if (typeof v === 'boolean') why = `is text, so ${String(v)} only matches the literal text '${String(v)}'`;
      else if (compares)
        why = `is text, which a numeric comparison (${mods.find((m) => COMPARE.has(m))}) never matches`;
    }
    if (why) c.report(doc, 'nj/field-type', `${shown} ${why}`, at(i));
  });
}
