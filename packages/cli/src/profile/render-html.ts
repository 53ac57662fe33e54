/**
 * `profile --format html`: one self-contained page (inline SVG and CSS, no scripts, no network)
 * with the dashboard chart and the detail tables behind it.
 */
import { count } from '@nightjar/ruletools';
import { num } from '../output/color.js';
import type { Profile } from './report.js';
import { COALESCING_NOTE, humanDuration, pct } from './render-table.js';
import { renderSvg, xml } from './render-svg.js';

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number> = new Set(),
): string {
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="n"' : ''}>${xml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body || `<tr><td colspan="${head.length}" class="muted">none</td></tr>`}\n</tbody></table>`;
}

const CSS = `
body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2937;margin:0;background:#f3f4f6}
main{max-width:1040px;margin:24px auto;padding:0 16px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.06);padding:16px 20px;margin:0 0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:0 0 10px}
.muted{color:#6b7280}.warn{color:#b91c1c}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;overflow-wrap:anywhere}
th{font-weight:600;color:#374151;background:#f9fafb}td.n,th.n{text-align:right;white-space:nowrap;overflow-wrap:normal}
code{font:12.5px Menlo,Consolas,monospace;background:#f3f4f6;padding:2px 4px;border-radius:3px}
.chart svg{max-width:100%;height:auto}
`;

export function renderHtml(pr: Profile): string {
  const span = pr.time.first
    ? `${xml(pr.time.first)} → ${xml(pr.time.last ?? '')} (${humanDuration(pr.time.duration_s)})`
    : 'no timestamps';
  const parts: string[] = [];
  parts.push(
    `<section><h1>Telemetry profile</h1><div class="muted">${num(pr.events)} events from ${pr.inputs.map((i) => `<code>${xml(i)}</code>`).join(', ')} · ${span}` +
      `${pr.malformed > 0 ? ` · <span class="warn">${num(pr.malformed)} malformed lines</span>` : ''}</div></section>`,
  );
  // The page has its own title, figures and advice: the SVG brings only its charts.
  parts.push(`<section class="chart">${renderSvg(pr, { embedded: true })}</section>`);
  if (pr.ruleset) {
    const r = pr.ruleset;
    parts.push(
      `<section><h2>Subscription advice</h2><p>The ruleset (${count(r.rules, 'rule')}, ${count(r.correlations, 'correlation')}) needs ${count(r.required.length, 'event type')}.` +
        (r.unneeded.length > 0
          ? ` <b>${xml(pct(r.unneeded_share))}</b> of this capture (${num(r.unneeded_events)} events) is of types no rule needs: ${r.unneeded.map((u) => `<code>${xml(u.name)}</code> ${xml(pct(u.share))}`).join(', ')}.`
          : ' Every type in this capture is used.') +
        `</p><p><code>sudo eslogger ${xml(r.required.join(' '))}</code></p>` +
        (r.absent.length > 0
          ? `<p class="warn">Needed but absent from this capture (rules on them cannot fire here): ${r.absent.map((a) => `<code>${xml(a)}</code>`).join(' ')}</p>`
          : '') +
        `</section>`,
    );
  }
  parts.push(
    `<section><h2>Events per type</h2>${table(
      ['type', 'es_event_type', 'events', 'share', ...(pr.ruleset ? ['rules'] : []), 'busiest processes'],
      pr.by_type.map((t) => [
        `<code>${xml(t.name)}</code>`,
        t.es_type !== undefined ? String(t.es_type) : '—',
        num(t.count),
        xml(pct(t.share)),
        ...(pr.ruleset ? [t.needed ? 'needed' : '<span class="muted">not needed</span>'] : []),
        t.top_processes.map((p) => `${xml(p.path)} <span class="muted">(${num(p.count)})</span>`).join('<br>'),
      ]),
      new Set([1, 2, 3]),
    )}</section>`,
  );
  parts.push(
    `<section><h2>Events per process</h2>${table(
      ['executable path', 'events', 'share'],
      pr.by_process.map((p) => [xml(p.name), num(p.count), xml(pct(p.share))]),
      new Set([1, 2]),
    )}</section>`,
  );
  parts.push(
    `<section><h2>Events per signing id</h2>${table(
      ['signing id', 'events', 'share'],
      pr.by_signing_id.map((p) => [xml(p.name), num(p.count), xml(pct(p.share))]),
      new Set([1, 2]),
    )}</section>`,
  );
  parts.push(
    `<section><h2>Top talkers</h2>${table(
      ['entity_id', 'path', 'events', 'share'],
      pr.top_talkers.map((t) => [`<code>${xml(t.entity_id)}</code>`, xml(t.path), num(t.count), xml(pct(t.share))]),
      new Set([2, 3]),
    )}</section>`,
  );
  parts.push(
    `<section><h2>Sequence gaps</h2><p>${count(pr.gaps.count, 'gap')}, ${count(pr.gaps.missing, 'event')} missing, ${count(pr.gaps.restarts, 'restart')}.</p>${table(
      ['where', 'sequence', 'expected', 'seen', 'missing', 'time'],
      pr.gaps.list
        .slice(0, 200)
        .map((g) => [
          `${xml(g.source)}${g.host ? ` (${xml(g.host)})` : ''}`,
          g.event_type ? `<code>${xml(g.event_type)}</code>` : 'global',
          String(g.expected),
          String(g.seen),
          num(g.missing),
          xml(new Date(Math.floor(g.time / 1000)).toISOString()),
        ]),
      new Set([2, 3, 4]),
    )}<p>${xml(COALESCING_NOTE)}</p></section>`,
  );
  const versions = Object.entries(pr.message_versions)
    .map(([v, c]) => `v${xml(v)}: ${num(c)}`)
    .join(' · ');
  parts.push(
    `<section class="muted">Message versions: ${versions || '—'}${pr.unknown_types.length > 0 ? ` · non-ES records: ${pr.unknown_types.map((u) => `${xml(u.name)} (${num(u.count)})`).join(', ')}` : ''} · generated by nightjar profile</section>`,
  );
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">\n<title>Nightjar telemetry profile</title>\n<style>${CSS}</style></head>\n<body><main>\n${parts.join('\n')}\n</main></body></html>\n`;
}
