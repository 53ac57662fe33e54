import type { Diagnostic, EsProcess } from '@nightjar/core';
import type { BackfillLimits, NativeBackfill, NativeBackfillResult } from '@nightjar/native-es';
import { SOURCE_ERROR_CODES, SourceError } from '../errors.js';
import { loadNativeAddon } from './addon.js';

/** Diagnostic codes of the macOS backfill. */
export const BACKFILL_DIAGNOSTIC_CODES = {
  /** Some running processes are missing or incomplete (no pidversion, capped). */
  partial: 'NJ_SOURCE_BACKFILL_PARTIAL',
  /** No backfill at all (addon not built, not macOS, or the native call failed): the lineage starts empty. */
  unavailable: 'NJ_SOURCE_BACKFILL_UNAVAILABLE',
  /** What the backfill read (info). */
  summary: 'NJ_SOURCE_BACKFILL',
} as const;

export interface BackfillOutcome {
  processes: EsProcess[];
  /** Of `processes`, those without a pidversion (their audit_token has no auid, asid or pidversion). */
  noPidversion: number;
  diagnostics: Diagnostic[];
}

const COUNTERS = [
  'listed',
  'returned',
  'vanished',
  'reused',
  'exited',
  'capped',
  'noPidversion',
  'pathTooLong',
  'noPath',
  'noArgs',
  'argsTruncated',
] as const;
type Counter = (typeof COUNTERS)[number];

/**
 * The native result → lineage input (`engine.lineage.backfill(processes)`) and diagnostics. The
 * per-process `nj_no_pidversion` marker is removed and counted: without a pidversion a process's
 * entity_id ends in `:0`, so ES events (which carry the real one) do not join its backfilled entry.
 */
export function fromNativeBackfill(source: string, r: NativeBackfillResult): BackfillOutcome {
  if (typeof r !== 'object' || r === null || !Array.isArray(r.processes)) {
    throw new SourceError(SOURCE_ERROR_CODES.failed, source, 'process backfill: the addon returned no process list');
  }
  const processes: EsProcess[] = [];
  let noPidversion = 0;
  for (const p of r.processes) {
    if (typeof p !== 'object' || p === null || typeof p.audit_token !== 'object') {
      throw new SourceError(
        SOURCE_ERROR_CODES.failed,
        source,
        'process backfill: the addon returned a process without an audit_token',
      );
    }
    if (p.nj_no_pidversion === true) {
      noPidversion++;
      delete p.nj_no_pidversion;
    }
    processes.push(p as unknown as EsProcess);
  }
  // Every counter is present (0 when the addon left it out), so data.capped etc. are numbers.
  const data = Object.fromEntries(COUNTERS.map((k) => [k, typeof r[k] === 'number' ? r[k] : 0])) as Record<
    Counter,
    number
  >;
  data.noPidversion = noPidversion;
  const diagnostics: Diagnostic[] = [];
  if (noPidversion > 0) {
    diagnostics.push({
      code: BACKFILL_DIAGNOSTIC_CODES.partial,
      severity: 'warning',
      message:
        `${source}: process backfill: ${noPidversion} of ${processes.length} running processes have no pidversion ` +
        '(task_name_for_pid was refused: run as root); ES names a process by pid and pidversion, so their events ' +
        'and their children will not link to these backfilled entries',
      source,
      data: { ...data, reason: 'no-pidversion' },
    });
  }
  if (data.capped > 0) {
    diagnostics.push({
      code: BACKFILL_DIAGNOSTIC_CODES.partial,
      severity: 'warning',
      message: `${source}: process backfill: ${data.capped} of ${data.listed} running processes left out (maxProcesses ${r.maxProcesses}); the lowest pids were kept`,
      source,
      data: { ...data, reason: 'capped' },
    });
  }
  diagnostics.push({
    code: BACKFILL_DIAGNOSTIC_CODES.summary,
    severity: 'info',
    message:
      `${source}: process backfill: ${processes.length} running processes (listed ${data.listed}; vanished ${data.vanished}, ` +
      `exited ${data.exited}, re-read after pid reuse ${data.reused}, no argv ${data.noArgs}, argv truncated ${data.argsTruncated}, ` +
      `path too long ${data.pathTooLong}, no path ${data.noPath}, no pidversion ${noPidversion})`,
    source,
    data,
  });
  return { processes, noPidversion, diagnostics };
}

/**
 * The addon's macOS backfill, or why there is none. `override`: a stand-in (tests), or null for
 * "no addon". Never throws: a source must keep working without the addon (eslogger).
 */
export function resolveNativeBackfill(
  override: NativeBackfill | null | undefined,
): { fn: NativeBackfill } | { why: string } {
  if (override === null) return { why: 'the native addon is not available' };
  if (override !== undefined) return { fn: override };
  if (process.platform !== 'darwin')
    return { why: `the process backfill reads libproc, which needs macOS (this is ${process.platform})` };
  try {
    const addon = loadNativeAddon('process backfill');
    if (typeof addon.backfillProcesses !== 'function')
      return { why: `this build of the addon has no process backfill (built for: ${addon.backend})` };
    const fn = addon.backfillProcesses;
    return { fn: (l) => fn(l) };
  } catch (err) {
    return { why: (err as Error).message };
  }
}

/**
 * One backfill pass for a macOS source: the processes, or [] with a NJ_SOURCE_BACKFILL_UNAVAILABLE
 * warning saying why (and how to build the addon). Diagnostics go to `report`.
 */
export function macosBackfill(
  source: string,
  override: NativeBackfill | null | undefined,
  limits: BackfillLimits | undefined,
  report: (d: Diagnostic) => void,
): EsProcess[] {
  const r = resolveNativeBackfill(override);
  const unavailable = (why: string): EsProcess[] => {
    report({
      code: BACKFILL_DIAGNOSTIC_CODES.unavailable,
      severity: 'warning',
      message: `${source}: no process backfill, the lineage starts empty (it learns from fork/exec/exit and every event's process): ${why}`,
      source,
    });
    return [];
  };
  if ('why' in r) {
    return unavailable(
      r.why.includes('npm rebuild') || r.why.includes('npm install')
        ? r.why
        : `${r.why}. Build the addon with \`npm rebuild @nightjar/native-es\` on macOS (Xcode command line tools)`,
    );
  }
  let out: BackfillOutcome;
  try {
    out = fromNativeBackfill(source, r.fn(limits));
  } catch (err) {
    return unavailable(`the native backfill failed: ${(err as Error).message}`);
  }
  for (const d of out.diagnostics) report(d);
  return out.processes;
}
