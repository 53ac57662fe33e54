/** The end-of-run summary `scan` prints on stderr. It is for people; machines read the alerts and exit code. */
import { count } from '@nightjar/ruletools';
import { type Palette, num, palette, sanitize, truncate } from './color.js';

export interface RuleCount {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  count: number;
}

export interface ScanSummary {
  readonly inputs: number;
  /** Rules and correlations loaded, and how long loading took (ms). */
  readonly rules?: { readonly count: number; readonly loadMs: number };
  /** Event lines decoded (including those skipped because no rule needs their type). */
  readonly events: number;
  /** Events of types no rule needs (header-only decode). */
  readonly skipped: number;
  readonly malformed: number;
  readonly malformedUnprinted: number;
  /** Bytes read; 0 for a live source (then no size is shown). */
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly alerts: number;
  readonly alertsByRule: readonly RuleCount[];
  readonly gaps: number;
  /** Events known missing across all gaps (undefined when the engine does not say). */
  readonly missing?: number;
  readonly restarts: number;
  readonly late: number;
  /** Correlation groups evicted at the group cap (state was lost). */
  readonly evicted?: number;
  /** Rule predicates that threw (treated as no match). */
  readonly ruleErrors?: number;
  /** Engine diagnostics that were counted but not printed. */
  readonly diagnosticsUnprinted: number;
  /**
   * Hosts the events came from (each with its own state) and the alerts of each; shown when the
   * events named a host. `null` is events that named none.
   */
  readonly hosts?: { readonly count: number; readonly alerts: ReadonlyMap<string | null, number> };
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

const LEVEL_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

export function formatSummary(s: ScanSummary, p: Palette = palette(false)): string {
  const out: string[] = [];
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.events / secs : 0;
  const skipped = s.skipped > 0 ? ` (${num(s.skipped)} of types no rule needs)` : '';
  out.push(
    `${p.bold('Summary')}  ${num(s.events)} events${skipped} from ${count(s.inputs, 'input')}${s.bytes > 0 ? ` (${size(s.bytes)})` : ''} in ${secs.toFixed(2)} s · ${num(rate)} events/s`,
  );
  if (s.rules) out.push(`  rules            ${num(s.rules.count)} loaded in ${(s.rules.loadMs / 1000).toFixed(2)} s`);
  const mal = s.malformed > 0 ? p.yellow(`${num(s.malformed)}`) : '0';
  const malNote = s.malformedUnprinted > 0 ? p.dim(` (${num(s.malformedUnprinted)} not shown)`) : '';
  out.push(`  malformed lines  ${mal}${malNote}`);
  const gapNote = s.missing !== undefined && s.gaps > 0 ? ` (${num(s.missing)} events missing)` : '';
  const gaps = s.gaps > 0 ? p.yellow(`${num(s.gaps)}${gapNote}`) : '0';
  out.push(`  sequence gaps    ${gaps} · restarts ${num(s.restarts)} · late events ${num(s.late)}`);
  if (s.evicted || s.ruleErrors)
    out.push(`  ${p.yellow(`evicted groups ${num(s.evicted ?? 0)} · rule errors ${num(s.ruleErrors ?? 0)}`)}`);
  if (s.diagnosticsUnprinted > 0) out.push(p.dim(`  (${num(s.diagnosticsUnprinted)} further diagnostics not shown)`));
  if (s.hosts !== undefined && (s.hosts.count > 1 || [...s.hosts.alerts.keys()].some((h) => h !== null))) {
    const per = [...s.hosts.alerts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([h, n]) => `${sanitize(truncate(h ?? '(no host)', 40))} ${num(n)}`);
    const more = s.hosts.alerts.size > 10 ? ` · … ${num(s.hosts.alerts.size - 10)} more` : '';
    out.push(
      `  hosts            ${num(s.hosts.count)}${per.length > 0 ? p.dim(` (alerts: ${per.join(' · ')}${more})`) : ''}`,
    );
  }
  const alerts = s.alerts > 0 ? p.bold(p.red(num(s.alerts))) : p.green('0');
  out.push(`  alerts           ${alerts}`);
  const rows = [...s.alertsByRule].sort(
    (a, b) =>
      b.count - a.count || (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) || a.title.localeCompare(b.title),
  );
  const w = Math.max(1, ...rows.map((r) => num(r.count).length));
  for (const r of rows) {
    out.push(
      `    ${num(r.count).padStart(w)}  ${p.level(r.level, r.level.padEnd(13))} ${sanitize(truncate(r.title, 70))} ${p.dim(sanitize(r.id))}`,
    );
  }
  return `${out.join('\n')}\n`;
}
