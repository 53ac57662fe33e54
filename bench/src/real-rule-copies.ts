/**
 * Real rules, scaled, for the bench only: the shipped ruleset and SigmaHQ's macOS rules as they are,
 * then renamed copies of their detection rules (new id and name, every detection string suffixed)
 * until `n` rules: the same shapes and modifiers as real rules, matching differently. Not the rule
 * author's `nightjar test --variants` (which rewrites a rule's test events to probe its coverage).
 */
import { parseAllDocuments, stringify } from 'yaml';

function suffixStrings(v: unknown, sfx: string): unknown {
  if (typeof v === 'string') return v.endsWith('*') ? `${v.slice(0, -1)}${sfx}*` : `${v}${sfx}`;
  if (Array.isArray(v)) return v.map((x) => suffixStrings(x, sfx));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'condition' ? x : suffixStrings(x, sfx);
    return out;
  }
  return v;
}

export function renamedCopiesOf(
  texts: readonly string[],
  n: number,
): { text: string; rules: number; correlations: number } {
  const detections: Record<string, unknown>[] = [];
  const others: Record<string, unknown>[] = [];
  for (const t of texts) {
    for (const d of parseAllDocuments(t)) {
      if (!('toJS' in d)) continue;
      const js = d.toJS() as Record<string, unknown> | null;
      if (!js || typeof js !== 'object') continue;
      delete js.tests;
      if (js.detection) detections.push(js);
      else others.push(js);
    }
  }
  const out: Record<string, unknown>[] = [];
  // Below the real count: detection rules only (a correlation needs its base rules present).
  if (n <= detections.length) out.push(...detections.slice(0, n));
  else out.push(...detections, ...others);
  let k = 0;
  let count = Math.min(n, detections.length);
  while (count < n && detections.length > 0) {
    const base = detections[k % detections.length]!;
    const v = Math.floor(k / detections.length) + 1;
    const hex = (count + 1).toString(16).padStart(12, '0');
    out.push({
      ...base,
      id: `20000000-0000-4000-8000-${hex}`,
      title: `${String(base.title)} (variant ${v})`,
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a rule's name is a YAML string
      ...(base.name ? { name: `${String(base.name)}_v${v}` } : {}),
      detection: suffixStrings(base.detection, `v${v}`),
    });
    k++;
    count++;
  }
  const correlations = out.filter((d) => d.correlation).length;
  return { text: out.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'), rules: count, correlations };
}
