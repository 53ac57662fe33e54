import type { EsMessage, EsProcess, EvalContext, LineageResolver, NightjarEvent } from '@nightjar/core';
import { compileDetection } from '../../src/detection/index.js';

/** A process object in eslogger's shape. */
export function proc(
  path: string,
  pid: number,
  opts: Partial<EsProcess> & { euid?: number; pidversion?: number } = {},
): EsProcess {
  const { euid = 501, pidversion = 1, ...rest } = opts;
  return {
    audit_token: { auid: 501, euid, egid: 20, ruid: euid, rgid: 20, pid, asid: 100, pidversion },
    parent_audit_token: { auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, pid: 1, asid: 100, pidversion: 1 },
    ppid: 1,
    signing_id: null,
    team_id: null,
    is_platform_binary: false,
    executable: { path },
    ...rest,
  };
}

export function event(
  name: string,
  payload: Record<string, unknown>,
  actor: EsProcess = proc('/bin/zsh', 100),
  extra: Record<string, unknown> = {},
): NightjarEvent {
  const msg: EsMessage = {
    version: 7,
    time: '2026-03-04T05:06:07.123456Z',
    event_type: 0,
    process: actor,
    event: { [name]: payload },
    ...extra,
  };
  return {
    msg,
    skipped: false,
    name,
    type: 0,
    time: 0,
    pid: 100,
    pidversion: 1,
    entityId: '100:1',
    seq: undefined,
    globalSeq: undefined,
    host: undefined,
    version: 7,
    line: 1,
    offset: 0,
    source: 'test',
  };
}

/** An exec of `path` with `args`, by a forked `/bin/zsh`. */
export function exec(
  path: string,
  args: string[],
  extra: Record<string, unknown> = {},
  target: Partial<EsProcess> = {},
): NightjarEvent {
  return event(
    'exec',
    { target: proc(path, 200, { pidversion: 2, ppid: 150, ...target }), args, cwd: { path: '/Users/me' }, ...extra },
    proc('/bin/zsh', 200, { pidversion: 1, ppid: 150 }),
  );
}

export function lineage(parents: Map<NightjarEvent, EsProcess> = new Map()): EvalContext {
  const l: LineageResolver = {
    parent: (ev) => parents.get(ev),
    realParent: (ev) => parents.get(ev),
    responsible: () => undefined,
    ancestors: (ev) => (parents.has(ev) ? [parents.get(ev)!] : []),
  };
  return { lineage: l };
}
export const CTX = lineage();

export const PROC_CREATION = { product: 'macos', category: 'process_creation' };
export const NATIVE = (category?: string) => ({
  product: 'macos',
  service: 'endpointsecurity',
  ...(category ? { category } : {}),
});

/** Compile a detection for a native ES rule (or the given logsource). */
export function rule(
  detection: unknown,
  logsource: Record<string, unknown> = NATIVE('exec'),
  placeholders?: Record<string, string[]>,
) {
  return compileDetection({ detection, logsource, fieldMapping: 'sigmahq-macos', placeholders });
}

/** Compile and return a function: does it match this event? */
export function matcher(
  detection: unknown,
  logsource?: Record<string, unknown>,
  placeholders?: Record<string, string[]>,
) {
  const d = rule(detection, logsource, placeholders);
  return (ev: NightjarEvent, ctx: EvalContext = CTX) => d.match(ev, ctx);
}

/** Compile a single item `key: value` on a native exec rule and test it against an event. */
export function item(key: string, value: unknown) {
  return matcher({ sel: { [key]: value }, condition: 'sel' });
}

/** The RuleError thrown by compiling, or fail. */
export function compileError(fn: () => unknown): { code: string; path: readonly (string | number)[]; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; path: readonly (string | number)[]; message: string };
  }
  throw new Error('expected a RuleError, compiled fine');
}
