/**
 * One file on purpose (~410 lines): one self-contained SVG chart renderer (layout, axes, series).
 *
 * `profile --format svg`: a one-page dashboard (events per type marked needed / not needed by the
 * rules, the event rate over time stacked by type with gaps marked, top processes, top signing
 * ids). Plain SVG 1.1 with inline styles, no scripts or external references; every string from the
 * capture is XML-escaped.
 */
import { count } from '@nightjar/ruletools';
import { num } from '../output/color.js';
import type { Counted, Profile, RateBucket } from './report.js';
import { bucketName, humanDuration, pct } from './render-table.js';

export const WIDTH = 1000;
const PAD = 24;
const FONT = `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;
const NEEDED = '#3b6fb6';
const UNNEEDED = '#c4c4c4';
const INK = '#1f2937';
const MUTED = '#6b7280';
const GRID = '#e5e7eb';
/** Categorical colours (Tableau 10), one per stacked type in the time chart. */
// Blue and grey are left out: in the type chart they mean needed / not needed by the rules.
const SERIES = ['#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#8cd17d'];
const OTHER = '#bab0ac';

export function xml(s: string): string {
  // Also drop characters XML 1.0 forbids, so a hostile path cannot make the file unparseable.
  return (
    s
      // eslint-disable-next-line no-control-regex -- dropping control characters is the point
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '\ufffd')
      .replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`)
  );
}

/** Rough text width at a font size (proportional sans-serif averages ~0.56 em). */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.6;
}

function fit(s: string, px: number, size: number): string {
  const max = Math.floor(px / (size * 0.6));
  if (s.length <= max) return s;
  // Keep the end of a path (the executable name is what a reader looks for).
  return s.startsWith('/') ? `…${s.slice(s.length - max + 1)}` : `${s.slice(0, max - 1)}…`;
}

/** Word-wraps text to lines of at most `px` wide. */
function wrap(s: string, px: number, size: number): string[] {
  const max = Math.max(10, Math.floor(px / (size * 0.6)));
  const out: string[] = [];
  let cur = '';
  for (const word of s.split(' ')) {
    if (cur && cur.length + 1 + word.length > max) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out.flatMap((l) => (l.length > max ? [fit(l, px, size)] : [l]));
}

function niceStep(max: number, ticks: number): number {
  if (max <= 0) return 1;
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

interface Panel {
  height: number;
  body: string;
}

function title(y: number, text: string, note?: string): string {
  return (
    `<text x="${PAD}" y="${y}" font-size="15" font-weight="600" fill="${INK}">${xml(text)}</text>` +
    (note
      ? `<text x="${WIDTH - PAD}" y="${y}" font-size="12" fill="${MUTED}" text-anchor="end">${xml(note)}</text>`
      : '')
  );
}

interface BarRow {
  label: string;
  tooltip: string;
  count: number;
  share: number;
  color: string;
  note?: string | undefined;
}

/** Horizontal bar chart: label column, bar, then count and share. */
function barChart(heading: string, note: string | undefined, rows: readonly BarRow[], labelW: number): Panel {
  const rowH = 22;
  const top = 34;
  const x0 = PAD + labelW + 8;
  // Room for the longest "count share · note" after its bar, so no annotation runs off the page.
  const annotation = (r: BarRow) => `${num(r.count)} ${pct(r.share)}${r.note ? ` · ${r.note}` : ''}`;
  const valueW = Math.max(90, ...rows.map((r) => textWidth(annotation(r), 11.5) + 12));
  const barMax = WIDTH - PAD - x0 - valueW;
  const max = Math.max(0, ...rows.map((r) => r.count));
  let body = title(20, heading, note);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = max > 0 ? Math.max(r.count > 0 ? 1.5 : 0, (r.count / max) * barMax) : 0;
    if (i % 2 === 0)
      body += `<rect x="${PAD - 6}" y="${y - 2}" width="${WIDTH - 2 * PAD + 12}" height="${rowH}" fill="#f9fafb"/>`;
    body +=
      `<g><title>${xml(r.tooltip)}: ${num(r.count)} (${xml(pct(r.share))})</title>` +
      `<text x="${x0 - 8}" y="${y + 14}" font-size="12" fill="${INK}" text-anchor="end">${xml(fit(r.label, labelW, 12))}</text>` +
      `<rect x="${x0}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="2" fill="${r.color}"/>` +
      `<text x="${(x0 + w + 6).toFixed(1)}" y="${y + 14}" font-size="11.5" fill="${INK}">${num(r.count)} <tspan fill="${MUTED}">${xml(pct(r.share))}${r.note ? ` · ${xml(r.note)}` : ''}</tspan></text></g>`;
  });
  if (rows.length === 0) body += `<text x="${PAD}" y="${top + 14}" font-size="12" fill="${MUTED}">no events</text>`;
  return { height: top + Math.max(1, rows.length) * rowH + 14, body };
}

/** Bucket widths a reader can take in at a glance, in seconds. */
const NICE_BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * Merges the profile's buckets into at most `maxBars` bars of a "nice" width (1 s, 5 s, 1 min, …),
 * aligned to multiples of that width so bars start on round times.
 */
function mergeBuckets(
  buckets: readonly RateBucket[],
  baseS: number,
  maxBars: number,
): { merged: RateBucket[]; widthS: number } {
  if (buckets.length === 0) return { merged: [], widthS: baseS };
  const spanS = buckets.length * baseS;
  let widthS = baseS;
  for (const n of NICE_BUCKETS) {
    widthS = Math.max(baseS, Math.ceil(n / baseS) * baseS);
    if (spanS / widthS <= maxBars) break;
  }
  while (spanS / widthS > maxBars) widthS *= 2;
  const wUs = widthS * 1e6;
  // Non-empty (checked above); buckets are in time order, so the last one is the latest.
  const first = Math.floor(buckets[0]!.start / wUs);
  const last = Math.floor(buckets[buckets.length - 1]!.start / wUs);
  const merged: RateBucket[] = [];
  for (let k = first; k <= last; k++) merged.push({ start: k * wUs, count: 0, by_type: {} });
  for (const b of buckets) {
    // merged covers every slot from first to last, and every bucket falls in one of them.
    const m = merged[Math.floor(b.start / wUs) - first]!;
    m.count += b.count;
    for (const [k, v] of Object.entries(b.by_type)) m.by_type[k] = (m.by_type[k] ?? 0) + v;
  }
  return { merged, widthS };
}

/** Axis tick spacing (s) giving at most ~7 labels over the span. */
const NICE_TICKS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

function timeLabel(us: number, tickS: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  if (tickS < 60) return iso.slice(11, 19);
  if (tickS < 86400) return iso.slice(11, 16);
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** Stacked bars of events per bucket, one colour per busiest type, gaps as red ticks. */
function rateChart(pr: Profile): Panel {
  const series = pr.by_type.slice(0, SERIES.length).map((t) => t.name);
  const { merged, widthS: bucketS } = mergeBuckets(pr.rate.buckets, pr.rate.bucket_s, 120);
  const plotH = 190;
  const x0 = PAD + 48;
  const plotW = WIDTH - PAD - x0;
  const max = Math.max(0, ...merged.map((b) => b.count));
  const step = niceStep(max, 4);
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  const unit = bucketName(bucketS);
  let body = title(
    20,
    `Events over time (per ${unit})`,
    pr.rate.buckets.length
      ? `peak ${num(Math.max(...merged.map((b) => b.count)))} · mean ${compact(pr.events / Math.max(1, merged.length))}`
      : undefined,
  );
  // Legend, wrapped onto as many rows as it needs; the plot starts below it.
  let lx = PAD;
  let ly = 32;
  [...series, 'other'].forEach((name, i) => {
    const label = fit(name, 150, 11);
    const w = 14 + textWidth(label, 11) + 16;
    if (lx + w > WIDTH - PAD && lx > PAD) {
      lx = PAD;
      ly += 16;
    }
    body += `<rect x="${lx}" y="${ly}" width="10" height="10" rx="2" fill="${i < series.length ? SERIES[i] : OTHER}"/><text x="${lx + 14}" y="${ly + 9}" font-size="11" fill="${INK}">${xml(label)}</text>`;
    lx += w;
  });
  const top = ly + 24;
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    body += `<line x1="${x0}" x2="${x0 + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${GRID}"/>`;
    body += `<text x="${x0 - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" fill="${MUTED}" text-anchor="end">${compact(v)}</text>`;
  }
  const n = merged.length;
  if (n === 0) {
    body += `<text x="${x0 + 8}" y="${top + plotH / 2}" font-size="12" fill="${MUTED}">no timestamps</text>`;
    return { height: top + plotH + 34, body };
  }
  const slot = plotW / n;
  const bw = Math.max(1, slot * (n > 60 ? 0.9 : 0.75));
  merged.forEach((b, i) => {
    const bx = x0 + i * slot + (slot - bw) / 2;
    let acc = 0;
    const parts: [string, number][] = series.map((s, k) => [SERIES[k]!, b.by_type[s] ?? 0]); // series has at most SERIES.length entries
    const known = parts.reduce((s, [, v]) => s + v, 0);
    parts.push([OTHER, b.count - known]);
    const tip = `${new Date(Math.floor(b.start / 1000)).toISOString()}: ${num(b.count)} events`;
    body += `<g><title>${xml(tip)}</title>`;
    for (const [color, v] of parts) {
      if (v <= 0) continue;
      const y1 = y(acc + v);
      const h = y(acc) - y1;
      body += `<rect x="${bx.toFixed(1)}" y="${y1.toFixed(1)}" width="${bw.toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${color}"/>`;
      acc += v;
    }
    body += `</g>`;
  });
  // Gap markers: where sequence numbers jumped, the capture is missing events.
  const t0 = merged[0]!.start; // n > 0 here
  const spanUs = bucketS * 1e6 * n;
  for (const g of pr.gaps.list) {
    const gx = x0 + ((g.time - t0) / spanUs) * plotW;
    if (!(gx >= x0 && gx <= x0 + plotW)) continue;
    body += `<g><title>${xml(`gap: ${count(g.missing, `${g.event_type ?? 'global'} event`)} missing before ${new Date(Math.floor(g.time / 1000)).toISOString()}`)}</title><line x1="${gx.toFixed(1)}" x2="${gx.toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="3 2"/><path d="M${(gx - 4).toFixed(1)} ${top - 6} h8 l-4 6 z" fill="#dc2626"/></g>`;
  }
  // X axis: ticks on round times (every 10 s, 1 min, 1 h, …), about seven of them.
  const tickS = NICE_TICKS.find((t) => spanUs / 1e6 / t <= 7) ?? Math.ceil(spanUs / 1e6 / 7);
  const tickUs = tickS * 1e6;
  body += `<line x1="${x0}" x2="${x0 + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="${MUTED}"/>`;
  for (let tt = Math.ceil(t0 / tickUs) * tickUs; tt <= t0 + spanUs; tt += tickUs) {
    const tx = x0 + ((tt - t0) / spanUs) * plotW;
    body += `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="${MUTED}"/><text x="${tx.toFixed(1)}" y="${top + plotH + 17}" font-size="11" fill="${MUTED}" text-anchor="middle">${timeLabel(tt, tickS)}</text>`;
  }
  body += `<text x="${WIDTH - PAD}" y="${top + plotH + 30}" font-size="10.5" fill="${MUTED}" text-anchor="end">UTC${pr.gaps.count > 0 ? ' · red dashes: sequence gaps (dropped events)' : ''}</text>`;
  return { height: top + plotH + 40, body };
}

/**
 * Small multiples: for the busiest types, which executables produce them (the seed's figures 6–8,
 * "open events per activity"). Two columns of mini bar charts; bars are shares of that type.
 */
function perTypeChart(pr: Profile, types: number, perType: number): Panel {
  const list = pr.by_type.slice(0, types).filter((t) => t.top_processes.length > 0);
  const colW = (WIDTH - 2 * PAD - 24) / 2;
  const rowH = 18;
  // Each pair of charts is as tall as the longer of the two.
  const rowTops: number[] = [];
  let yAcc = 36;
  for (let i = 0; i < list.length; i += 2) {
    rowTops.push(yAcc);
    const rows = Math.max(list[i]!.top_processes.length, list[i + 1]?.top_processes.length ?? 0, 1);
    yAcc += 26 + Math.min(perType, rows) * rowH + 14;
  }
  let body = title(20, 'Who produces each event type', 'busiest executables per type, share of that type');
  list.forEach((t, i) => {
    const x = PAD + (i % 2) * (colW + 24);
    const y = rowTops[Math.floor(i / 2)]!; // one entry per pair, pushed above
    const color = !pr.ruleset || t.needed ? NEEDED : '#8f8f8f';
    body += `<text x="${x}" y="${y + 12}" font-size="13" font-weight="600" fill="${INK}">${xml(fit(t.name, colW - 120, 13))}<tspan dx="6" font-weight="400" fill="${MUTED}">· ${num(t.count)} event${t.count === 1 ? '' : 's'}</tspan></text>`;
    const labelW = Math.min(
      colW * 0.5,
      Math.max(60, ...t.top_processes.map((p) => textWidth(p.path.slice(p.path.lastIndexOf('/') + 1), 11.5))),
    );
    const x0 = x + labelW + 8;
    const barMax = colW - labelW - 8 - 80;
    const max = Math.max(1, ...t.top_processes.map((p) => p.count));
    t.top_processes.forEach((p, j) => {
      const ry = y + 22 + j * rowH;
      const name = p.path.slice(p.path.lastIndexOf('/') + 1) || p.path;
      const w = Math.max(1.5, (p.count / max) * barMax);
      body +=
        `<g><title>${xml(p.path)}: ${num(p.count)} of ${num(t.count)} ${xml(t.name)} events</title>` +
        `<text x="${x0 - 6}" y="${ry + 12}" font-size="11.5" fill="${INK}" text-anchor="end">${xml(fit(name, labelW, 11.5))}</text>` +
        `<rect x="${x0}" y="${ry + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" rx="2" fill="${color}"/>` +
        `<text x="${(x0 + w + 5).toFixed(1)}" y="${ry + 12}" font-size="11" fill="${MUTED}">${num(p.count)} · ${xml(pct(p.count / t.count))}</text></g>`;
    });
  });
  return { height: yAcc, body };
}

function counted(rows: readonly Counted[], color: string, n: number): BarRow[] {
  return rows.slice(0, n).map((r) => ({ label: r.name, tooltip: r.name, count: r.count, share: r.share, color }));
}

/** Width of the label column: fits the longest label, within bounds. */
function labelWidth(rows: readonly BarRow[], min: number, max: number): number {
  // A little slack over the estimate, so a label that fits is not cut by rounding.
  return Math.round(Math.min(max, Math.max(min, ...rows.map((r) => textWidth(r.label, 12) + 8))));
}

export function renderSvg(
  pr: Profile,
  /** `embedded`: the charts only, for a page that shows the title, figures and advice itself (HTML). */
  opts: { maxTypes?: number; topN?: number; perTypeCharts?: number; embedded?: boolean } = {},
): string {
  const maxTypes = opts.maxTypes ?? 20;
  const topN = opts.topN ?? 12;
  const panels: Panel[] = [];

  const typeRows: BarRow[] = pr.by_type.slice(0, maxTypes).map((t) => ({
    label: t.name,
    tooltip: `${t.name}${t.es_type !== undefined ? ` (es_event_type ${t.es_type})` : ''}; top: ${t.top_processes.map((x) => x.path).join(', ')}`,
    count: t.count,
    share: t.share,
    color: !pr.ruleset || t.needed ? NEEDED : UNNEEDED,
    note: pr.ruleset ? (t.needed ? undefined : 'not needed') : undefined,
  }));
  const hidden = pr.by_type.length - typeRows.length;
  panels.push(
    barChart(
      'Events per type',
      pr.ruleset
        ? `blue: needed by the rules · grey: no rule uses it${hidden > 0 ? ` · ${hidden} more types` : ''}`
        : hidden > 0
          ? `${hidden} more types`
          : undefined,
      typeRows,
      labelWidth(typeRows, 90, 220),
    ),
  );
  panels.push(rateChart(pr));
  if (pr.by_type.length > 0) panels.push(perTypeChart(pr, opts.perTypeCharts ?? 6, 5));
  const procRows = counted(pr.by_process, '#59a14f', topN);
  panels.push(barChart('Events per process (executable path)', undefined, procRows, labelWidth(procRows, 120, 430)));
  const sidRows = counted(pr.by_signing_id, '#b07aa1', topN);
  panels.push(barChart('Events per signing id', undefined, sidRows, labelWidth(sidRows, 120, 360)));
  const talkRows: BarRow[] = pr.top_talkers.slice(0, 10).map((t) => ({
    label: `${t.path.slice(t.path.lastIndexOf('/') + 1)} (${t.entity_id})`,
    tooltip: `${t.path} entity ${t.entity_id}`,
    count: t.count,
    share: t.share,
    color: '#f28e2b',
  }));
  panels.push(
    barChart('Top talkers (process instances, pid:pidversion)', undefined, talkRows, labelWidth(talkRows, 120, 360)),
  );

  // Header and advice.
  const embedded = opts.embedded === true;
  const headerH = embedded ? 0 : 74;
  const span = pr.time.first
    ? `${pr.time.first.slice(0, 19).replace('T', ' ')} → ${pr.time.last?.slice(0, 19).replace('T', ' ')} UTC (${humanDuration(pr.time.duration_s)})`
    : 'no timestamps';
  let header =
    `<text x="${PAD}" y="32" font-size="22" font-weight="700" fill="${INK}">Telemetry profile</text>` +
    `<text x="${PAD}" y="54" font-size="13" fill="${MUTED}">${xml(`${num(pr.events)} events · ${pr.by_type.length} event types · ${span}`)}</text>` +
    `<text x="${PAD}" y="70" font-size="12" fill="${MUTED}">${xml(fit(pr.inputs.join(', '), WIDTH - 2 * PAD - 300, 12))}</text>`;
  const stats: [string, string][] = [
    [compact(pr.events), 'events'],
    [String(pr.gaps.count), 'gaps'],
    [compact(pr.gaps.missing), 'missing'],
    [compact(pr.malformed), 'malformed'],
  ];
  stats.forEach(([v, k], i) => {
    const x = WIDTH - PAD - (stats.length - 1 - i) * 78;
    const warn = (k === 'gaps' || k === 'missing' || k === 'malformed') && v !== '0';
    header += `<text x="${x}" y="34" font-size="20" font-weight="700" fill="${warn ? '#dc2626' : INK}" text-anchor="end">${xml(v)}</text><text x="${x}" y="52" font-size="11" fill="${MUTED}" text-anchor="end">${k}</text>`;
  });
  const advice: string[] = [];
  if (pr.ruleset && !embedded) {
    const r = pr.ruleset;
    if (r.unneeded.length > 0)
      advice.push(
        `${pct(r.unneeded_share)} of these events (${num(r.unneeded_events)}) are of ${count(r.unneeded.length, 'type')} no rule needs. Subscribe only to what the rules use:`,
      );
    else advice.push('Every event type in this capture is used by some rule. Subscribe with:');
    advice.push(`sudo eslogger ${r.required.join(' ')}`);
    if (r.absent.length > 0)
      advice.push(`Needed but absent from the capture (those rules cannot fire here): ${r.absent.join(' ')}`);
  }
  const adviceLines = advice.flatMap((line) =>
    wrap(line, WIDTH - 2 * PAD, 12).map((text, i) => ({ text, mono: line.startsWith('sudo '), indent: i > 0 })),
  );
  const adviceH = adviceLines.length > 0 ? 34 + adviceLines.length * 18 : 0;

  let yOff = embedded ? 0 : headerH + 12;
  let content = '';
  for (const p of panels) {
    content += `<g transform="translate(0 ${yOff})">${p.body}</g>`;
    yOff += p.height + 18;
  }
  if (advice.length > 0) {
    let a = `<rect x="${PAD - 8}" y="0" width="${WIDTH - 2 * PAD + 16}" height="${adviceH}" rx="6" fill="#eff6ff" stroke="#bfdbfe"/>`;
    a += `<text x="${PAD}" y="22" font-size="14" font-weight="600" fill="${INK}">Subscription advice</text>`;
    adviceLines.forEach((l, i) => {
      a += `<text x="${PAD + (l.indent && l.mono ? 16 : 0)}" y="${44 + i * 18}" font-size="12" fill="${INK}"${l.mono ? ` font-family="Menlo, Consolas, monospace"` : ''}>${xml(l.text)}</text>`;
    });
    content += `<g transform="translate(0 ${yOff})">${a}</g>`;
    yOff += adviceH + 12;
  }
  const height = Math.ceil(yOff + 8);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} role="img" aria-label="Telemetry profile">\n` +
    `<rect width="100%" height="100%" fill="#ffffff"/>\n${embedded ? '' : `${header}\n`}${content}\n</svg>\n`
  );
}
