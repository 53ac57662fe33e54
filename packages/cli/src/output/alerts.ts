/**
 * Alert formatters. Formatters are pure (alert → string); an AlertWriter frames them for a stream
 * (the json format is one array, written incrementally so a large scan never holds every alert).
 */
import path from 'node:path';
import { type Alert, type AlertProcess, formatDurationUs, formatTimeUs } from '@nightjar/core';
import { type Palette, num, palette, sanitize, truncate } from './color.js';

export type AlertFormat = 'pretty' | 'jsonl' | 'json';
export const ALERT_FORMATS: readonly AlertFormat[] = ['pretty', 'jsonl', 'json'];

export interface AlertWriter {
  /** Text to write before the first alert. */
  begin(): string;
  /** Text for one alert (including separators). */
  alert(a: Alert): string;
  /** Text to write after the last alert. */
  end(): string;
}

export function alertWriter(format: AlertFormat, opts: { color: boolean; cwd?: string }): AlertWriter {
  switch (format) {
    case 'jsonl':
      return { begin: () => '', alert: (a) => `${JSON.stringify(a)}\n`, end: () => '' };
    case 'json': {
      let first = true;
      return {
        begin: () => '[',
        alert: (a) => {
          const sep = first ? '\n' : ',\n';
          first = false;
          return `${sep}${JSON.stringify(a)}`;
        },
        end: () => (first ? ']\n' : '\n]\n'),
      };
    }
    case 'pretty': {
      const p = palette(opts.color);
      return { begin: () => '', alert: (a) => `${formatAlertPretty(a, p, opts.cwd)}\n`, end: () => '' };
    }
  }
}

const LEVEL_TAG: Record<string, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'INFO',
};

function base(path: string | undefined): string {
  if (!path) return '?';
  const i = path.lastIndexOf('/');
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

/** A file relative to cwd when it lies inside it, else as given (absolute stays absolute). */
export function shortPath(file: string, cwd: string | undefined): string {
  if (!cwd || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function procLabel(p: AlertProcess): string {
  return `${sanitize(base(p.path))}(${p.pid})`;
}

/** Lineage oldest → actor, e.g. `launchd(1) → zsh(412) → curl(413)`; `…` when the chain is cut. */
export function lineageChain(a: Alert): string {
  const chain = [...a.lineage].reverse().map(procLabel);
  chain.push(procLabel(a.process));
  return `${a.lineage_complete ? '' : '… → '}${chain.join(' → ')}`;
}

function isoOf(us: number): string {
  return Number.isFinite(us) ? formatTimeUs(us) : String(us);
}

/** One readable block per alert (TTY output). Every event-derived string is sanitized. */
export function formatAlertPretty(a: Alert, p: Palette = palette(false), cwd?: string): string {
  const lines: string[] = [];
  const tag = LEVEL_TAG[a.rule.level] ?? a.rule.level.toUpperCase();
  const kind = a.rule.kind === 'correlation' ? p.dim(` [${a.rule.correlation_type ?? 'correlation'}]`) : '';
  const incomplete = a.incomplete ? ` ${p.yellow('⚠ incomplete')}` : '';
  lines.push(`${p.level(a.rule.level, tag.padEnd(8))} ${p.bold(sanitize(a.rule.title))}${kind}${incomplete}`);
  const label = (s: string) => p.dim(`  ${s.padEnd(9)}`);
  lines.push(
    `${label('rule')}${sanitize(a.rule.id)}${a.rule.source ? p.dim(`  ${sanitize(shortPath(a.rule.source.file, cwd))}:${a.rule.source.line}`) : ''}`,
  );
  const host = a.host !== null && a.host !== undefined ? `  ${p.dim('host')} ${sanitize(a.host)}` : '';
  lines.push(`${label('time')}${sanitize(a.time_iso)}  ${p.dim('event')} ${sanitize(a.event_type)}${host}`);
  const proc = a.process;
  const signing = proc.signing_id ? `  ${p.dim('signing')} ${sanitize(proc.signing_id)}` : '';
  lines.push(
    `${label('process')}${sanitize(proc.path ?? '?')}  ${p.dim('entity')} ${sanitize(proc.entity_id)}${signing}`,
  );
  if (proc.args && proc.args.length > 0) {
    lines.push(`${label('args')}${sanitize(truncate(proc.args.join(' '), 300))}`);
  }
  lines.push(
    `${label('lineage')}${lineageChain(a)}${a.parent_source === 'exec_fallback' ? p.dim('  (parent from exec fallback)') : ''}`,
  );
  if (a.group || a.window || a.value !== undefined) {
    const parts: string[] = [];
    if (a.group) {
      const g = Object.entries(a.group)
        .map(([k, v]) => `${sanitize(k)}=${sanitize(typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'))}`)
        .join(' ');
      if (g) parts.push(g);
    }
    if (a.window)
      parts.push(
        `${p.dim('window')} ${isoOf(a.window.start)} … ${isoOf(a.window.end)} (${formatDurationUs(a.window.end - a.window.start)})`,
      );
    if (a.value !== undefined) parts.push(`${p.dim('value')} ${a.value}`);
    lines.push(`${label('group')}${parts.join('  ')}`);
  }
  const ev = a.events.length + a.events_omitted;
  const extra: string[] = [`${num(ev)} event${ev === 1 ? '' : 's'}`];
  if (a.events_omitted > 0) extra.push(`${num(a.events_omitted)} omitted`);
  if (a.count > 1) extra.push(`stands for ${num(a.count)} alerts (suppressed)`);
  if (a.rule.tags.length > 0) extra.push(sanitize(a.rule.tags.join(', ')));
  lines.push(`${label('evidence')}${extra.join(p.dim(' · '))}`);
  if (a.incomplete) lines.push(`  ${p.yellow('the alert window overlaps a sequence gap: events may be missing')}`);
  return `${lines.join('\n')}\n`;
}
