import {
  DecodeError,
  eventTypeByName,
  formatTimeUs,
  eventFromMessage,
  type CompiledCorrelation,
  type CompiledRule,
  type CompiledRuleSet,
  type ConditionTerm,
  type CorrelationType,
  type EsMessage,
  type FieldGetter,
  type GroupByField,
  type NightjarEvent,
} from '@nightjar/core';

/** Test fixtures: hand-built compiled rules (predicates as closures) and synthetic ES events. */

export const T0 = 1_750_000_000_000_000; // µs, an arbitrary 2025 instant
export const S = 1_000_000; // one second in µs

export interface EvOpts {
  pid?: number;
  pidversion?: number;
  ppid?: number;
  path?: string;
  seq?: number;
  gseq?: number;
  payload?: Record<string, unknown>;
  /** Extra top-level keys. */
  extra?: Record<string, unknown>;
}

function token(pid: number, pidversion: number): Record<string, number> {
  return { auid: 501, euid: 501, egid: 20, ruid: 501, rgid: 20, pid, asid: 100, pidversion };
}

export function proc(
  pid: number,
  pidversion: number,
  path: string,
  ppid = 1,
  parentPidversion = 1,
): Record<string, unknown> {
  return {
    audit_token: token(pid, pidversion),
    parent_audit_token: token(ppid, parentPidversion),
    ppid,
    original_ppid: ppid,
    executable: { path },
    signing_id: path.split('/').pop(),
    team_id: null,
    is_platform_binary: false,
    start_time: formatTimeUs(T0 - 1000 * S),
  };
}

/** A synthetic eslogger message of `name` at µs `time`, decoded to a NightjarEvent. */
export function ev(name: string, time: number, o: EvOpts = {}): NightjarEvent {
  const info = eventTypeByName(name);
  const pid = o.pid ?? 100;
  const msg: Record<string, unknown> = {
    version: 8,
    time: formatTimeUs(time),
    mach_time: 1,
    event_type: info?.type ?? 9999,
    action_type: 1,
    process: proc(pid, o.pidversion ?? 1, o.path ?? '/usr/bin/thing', o.ppid ?? 1),
    event: { [name]: o.payload ?? defaultPayload(name) },
    ...(o.seq !== undefined ? { seq_num: o.seq } : {}),
    ...(o.gseq !== undefined ? { global_seq_num: o.gseq } : {}),
    ...o.extra,
  };
  const e = eventFromMessage(msg as unknown as EsMessage);
  if (e instanceof DecodeError) throw e;
  return e;
}

function defaultPayload(name: string): Record<string, unknown> {
  switch (name) {
    case 'open':
    case 'write':
    case 'close':
      return { file: { path: '/tmp/x' }, fflag: 1 };
    case 'fcntl':
      return { target: { path: '/tmp/x' }, cmd: 1 };
    case 'exec':
      return { target: proc(100, 2, '/bin/sh'), args: ['sh', '-c', 'id'] };
    default:
      return {};
  }
}

/** A skipped event (header only), as the decoder produces for types no rule needs. */
export function skipped(name: string, time: number, seq?: number): NightjarEvent {
  const info = eventTypeByName(name);
  return {
    msg: null,
    skipped: true,
    name,
    type: info?.type ?? -1,
    time,
    pid: 0,
    pidversion: 0,
    entityId: '0:0',
    seq,
    globalSeq: undefined,
    host: undefined,
    version: undefined,
    line: 0,
    offset: 0,
    source: 'input',
  };
}

export const byEntity: FieldGetter = (e) => e.entityId;
export const payloadField =
  (key: string): FieldGetter =>
  (e) =>
    (e.msg?.event[e.name] as Record<string, unknown> | undefined)?.[key];

export function rule(
  id: string,
  types: string[] | null,
  match: (e: NightjarEvent) => boolean,
  extra: Partial<CompiledRule> = {},
): CompiledRule {
  return {
    kind: 'detection',
    id,
    title: `rule ${id}`,
    level: 'high',
    tags: ['attack.t1059'],
    source: { file: `${id}.yml`, line: 1, col: 1 },
    eventTypes: types,
    match: (e) => match(e),
    usesLineage: false,
    generate: true,
    ...extra,
  };
}

export function groupBy(name: string, get: FieldGetter = byEntity, byRule: [string, FieldGetter][] = []): GroupByField {
  return { name, default: get, byRule: new Map(byRule) };
}

export function corr(
  id: string,
  type: CorrelationType,
  rules: string[],
  timespanUs: number,
  condition: ConditionTerm[],
  extra: Partial<CompiledCorrelation> = {},
): CompiledCorrelation {
  return {
    kind: 'correlation',
    id,
    title: `correlation ${id}`,
    level: 'critical',
    tags: [],
    source: { file: `${id}.yml`, line: 3, col: 1 },
    type,
    rules,
    groupBy: [groupBy('process.entity_id')],
    timespanUs,
    condition,
    generate: true,
    ...extra,
  };
}

export function ruleset(rules: CompiledRule[], correlations: CompiledCorrelation[] = []): CompiledRuleSet {
  return {
    rules,
    correlations,
    requiredEventTypes: () => [...new Set(rules.flatMap((r) => r.eventTypes ?? []))].sort(),
  };
}

/** Every rule that matches any event of its types. */
export const any = (): boolean => true;
