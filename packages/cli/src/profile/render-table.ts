/** `profile --format table`: a terminal report with inline bars. */
import { count } from '@nightjar/ruletools';
import { padEndWidth } from '../output/table.js';
import { type Palette, num, palette, sanitize, truncate, truncatePath } from '../output/color.js';
import type { Counted, Profile } from './report.js';

/** What a gap is not: said under every gap table (text and HTML). */
export const COALESCING_NOTE =
  'A gap counts events the source numbered and lost. Events the kernel merged before they were read (Linux fanotify merges a repeated identical file event of one process) were not lost and leave no gap.';

export function pct(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

export function humanDuration(s: number): string {
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m ${whole % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function bar(share: number, max: number, width: number): string {
  if (max <= 0) return ' '.repeat(width);
  const cells = (share / max) * width;
  const full = Math.floor(cells);
  const part = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)];
  return `${'█'.repeat(full)}${full < width ? part : ''}`.padEnd(width);
}

/** "second", "8 s", "4.3 min", "2.3 h" — the width of one rate bucket. */
export function bucketName(s: number): string {
  if (s === 1) return 'second';
  if (s < 60) return `${+s.toFixed(3)} s`;
  if (s < 3600) return `${+(s / 60).toFixed(1)} min`;
  return `${+(s / 3600).toFixed(1)} h`;
}

/** Events per second with sensible precision for small rates. */
function rate(n: number): string {
  return n >= 100 ? num(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const SPARK = '▁▂▃▄▅▆▇█';

/** The rate histogram as a sparkline of at most `width` cells (buckets merged to fit). */
export function sparkline(counts: readonly number[], width: number): string {
  if (counts.length === 0) return '';
  const per = Math.ceil(counts.length / width);
  const merged: number[] = [];
  for (let i = 0; i < counts.length; i += per) {
    let s = 0;
    for (let j = i; j < Math.min(i + per, counts.length); j++) s += counts[j]!;
    merged.push(s);
  }
  const max = Math.max(...merged);
  return merged.map((v) => (v === 0 ? ' ' : SPARK[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

function section(p: Palette, title: string): string {
  return `\n${p.bold(title)}`;
}

function countedRows(
  p: Palette,
  rows: readonly Counted[],
  nameWidth: number,
  barWidth: number,
  paths = false,
): string[] {
  const max = Math.max(0, ...rows.map((r) => r.share));
  const cw = Math.max(5, ...rows.map((r) => num(r.count).length));
  return rows.map(
    (r) =>
      `  ${padEndWidth(sanitize((paths ? truncatePath : truncate)(r.name, nameWidth)), nameWidth)} ${p.cyan(bar(r.share, max, barWidth))} ${num(r.count).padStart(cw)} ${pct(r.share).padStart(6)}`,
  );
}

export function renderTable(pr: Profile, opts: { color: boolean }): string {
  const p = palette(opts.color);
  const out: string[] = [];
  const span = pr.time.first
    ? `${pr.time.first} … ${pr.time.last} (${humanDuration(pr.time.duration_s)})`
    : 'no timestamps';
  out.push(`${p.bold('Telemetry profile')}  ${num(pr.events)} events from ${pr.inputs.map(sanitize).join(', ')}`);
  out.push(`  ${span}`);
  const avg = pr.time.duration_s > 0 ? pr.events / pr.time.duration_s : pr.events;
  out.push(
    `  ${rate(avg)} events/s on average, busiest ${bucketName(pr.rate.bucket_s)}: ${num(pr.rate.peak)} events` +
      (pr.malformed > 0 ? ` · ${p.yellow(`${num(pr.malformed)} malformed lines`)}` : ''),
  );
  if (pr.time.out_of_order > 0)
    out.push(
      `  ${p.yellow(`${num(pr.time.out_of_order)} events earlier than one before them (capture not in time order)`)}`,
    );

  // Events per type, marked by whether the ruleset needs them (the seed's figure 4/5).
  out.push(section(p, 'Events per type'));
  const maxShare = pr.by_type[0]?.share ?? 0;
  const cw = Math.max(5, num(pr.by_type[0]?.count ?? 0).length);
  const nw = Math.min(28, Math.max(10, ...pr.by_type.slice(0, 40).map((t) => t.name.length)));
  const shownTypes = pr.by_type.slice(0, 40);
  for (const t of shownTypes) {
    const mark = pr.ruleset ? (t.needed ? p.green(' needed') : p.dim(' not needed')) : '';
    const b = t.needed || !pr.ruleset ? p.cyan(bar(t.share, maxShare, 24)) : p.dim(bar(t.share, maxShare, 24));
    out.push(
      `  ${padEndWidth(sanitize(truncate(t.name, nw)), nw)} ${b} ${num(t.count).padStart(cw)} ${pct(t.share).padStart(6)}${mark}`,
    );
  }
  if (pr.by_type.length > shownTypes.length)
    out.push(p.dim(`  … ${pr.by_type.length - shownTypes.length} more types (see --format json)`));

  out.push(section(p, 'Busiest processes per event type'));
  for (const t of pr.by_type.slice(0, 12)) {
    // Executable names, not full paths: five full paths make a 300-column line that wraps into noise
    // on a terminal (the full paths are in "Events per process" below and in --format json).
    const list = t.top_processes
      .map(
        (x) =>
          `${sanitize(truncate(x.path.slice(x.path.lastIndexOf('/') + 1) || x.path, 32))} ${p.dim(`(${num(x.count)})`)}`,
      )
      .join(', ');
    out.push(`  ${padEndWidth(sanitize(t.name), nw)} ${list}`);
  }

  out.push(section(p, 'Events per process (executable path)'));
  out.push(...countedRows(p, pr.by_process, 60, 16, true));
  out.push(section(p, 'Events per signing id'));
  out.push(...countedRows(p, pr.by_signing_id, 48, 16));

  out.push(section(p, 'Top talkers (process instances)'));
  const ew = Math.max(9, ...pr.top_talkers.map((t) => t.entity_id.length));
  const tw = Math.max(5, ...pr.top_talkers.map((t) => num(t.count).length));
  out.push(p.dim(`  ${'entity_id'.padEnd(ew)} ${'events'.padStart(tw)}  share  path`));
  for (const t of pr.top_talkers)
    out.push(
      `  ${sanitize(t.entity_id).padEnd(ew)} ${num(t.count).padStart(tw)} ${pct(t.share).padStart(6)}  ${sanitize(t.path)}`,
    );

  out.push(
    section(
      p,
      `Events over time (one cell per ${bucketName(pr.rate.bucket_s * Math.max(1, Math.ceil(pr.rate.buckets.length / 72)))})`,
    ),
  );
  const spark = sparkline(
    pr.rate.buckets.map((b) => b.count),
    72,
  );
  out.push(`  ${p.cyan(spark)}`);
  if (pr.rate.buckets.length > 0) {
    const from = new Date(Math.floor(pr.rate.buckets[0]!.start / 1000)).toISOString().slice(0, 19);
    const to = new Date(
      Math.floor((pr.rate.buckets[pr.rate.buckets.length - 1]!.start + pr.rate.bucket_s * 1e6) / 1000),
    )
      .toISOString()
      .slice(0, 19);
    out.push(p.dim(`  ${from}${to.padStart(Math.max(to.length + 1, spark.length - from.length))}`));
    const peak = pr.rate.buckets.reduce((a, b) => (b.count > a.count ? b : a));
    out.push(
      p.dim(
        `  busiest ${bucketName(pr.rate.bucket_s)}: ${num(peak.count)} events, from ${new Date(Math.floor(peak.start / 1000)).toISOString()}`,
      ),
    );
  }

  out.push(section(p, 'Sequence gaps'));
  if (pr.gaps.count === 0 && pr.gaps.restarts === 0)
    out.push(`  ${p.green('none')}: seq_num and global_seq_num are contiguous`);
  else {
    out.push(
      `  ${p.yellow(`${count(pr.gaps.count, 'gap')}, ${count(pr.gaps.missing, 'event')} missing`)} · ${count(pr.gaps.restarts, 'restart')}`,
    );
    for (const g of pr.gaps.list.slice(0, 20)) {
      out.push(
        `  ${sanitize(g.source)}${g.host ? ` (${sanitize(g.host)})` : ''} ${g.event_type ? sanitize(g.event_type) : 'global'} expected ${g.expected}, saw ${g.seen} (${num(g.missing)} missing) at ${new Date(Math.floor(g.time / 1000)).toISOString()}`,
      );
    }
    for (const r of pr.gaps.restart_list.slice(0, 10)) {
      out.push(
        `  ${sanitize(r.source)} ${r.event_type ? sanitize(r.event_type) : 'global'} restarted: ${r.previous} → ${r.seen}`,
      );
    }
    const more =
      pr.gaps.count + pr.gaps.restarts - Math.min(20, pr.gaps.list.length) - Math.min(10, pr.gaps.restart_list.length);
    if (more > 0) out.push(p.dim(`  … ${num(more)} more (see --format json)`));
  }
  out.push(p.dim(`  ${COALESCING_NOTE}`));

  if (pr.unknown_types.length > 0) {
    out.push(section(p, 'Records that are not ES event types'));
    out.push(...countedRows(p, pr.unknown_types, 28, 16));
  }

  if (pr.ruleset) {
    const r = pr.ruleset;
    out.push(section(p, 'Subscription advice'));
    out.push(
      `  The ruleset (${count(r.rules, 'rule')}, ${count(r.correlations, 'correlation')}) needs ${count(r.required.length, 'event type')}: ${r.required.join(' ') || '(none)'}`,
    );
    if (r.unneeded.length > 0) {
      out.push(
        `  ${p.yellow(`${num(r.unneeded_events)} events (${pct(r.unneeded_share)})`)} in this capture are of types no rule needs: ` +
          r.unneeded.map((u) => `${sanitize(u.name)} ${p.dim(pct(u.share))}`).join(', '),
      );
      out.push(`  Subscribe to the needed types only, so ES has less to queue (and drop):`);
    } else out.push(`  Every event type in this capture is used by some rule. Subscribe with:`);
    out.push(`    ${p.bold(`sudo eslogger ${r.required.filter((n) => !n.startsWith('unknown:')).join(' ')}`)}`);
    if (r.absent.length > 0)
      out.push(
        `  ${p.yellow('Needed but absent from this capture')} (rules on them cannot fire here): ${r.absent.join(' ')}`,
      );
  }
  return `${out.join('\n')}\n`;
}
