import type { Alert, AlertProcess } from './types.js';
import type { CompiledCorrelation, CompiledRule } from '../ruleset/types.js';
import type { NightjarEvent } from '../model/event.js';
import type { LineageCache } from '../lineage/cache.js';
import type { CorrelationFiring } from '../correlation/runtime.js';
import { formatTimeUs } from '../model/time.js';
import { processOfEvent } from '../fields/compile.js';
import { summarizeProcess } from './process.js';
import { alertId } from './id.js';

// One rule block per rule, shared by its alerts (alerts are read-only; see the README, "Alerts").
const ruleMetas = new WeakMap<CompiledRule | CompiledCorrelation, Alert['rule']>();

function sharedRuleMeta(rule: CompiledRule | CompiledCorrelation): Alert['rule'] {
  let m = ruleMetas.get(rule);
  if (m === undefined) ruleMetas.set(rule, (m = alertRuleMeta(rule)));
  return m;
}

/** The `rule` block of an alert. */
export function alertRuleMeta(rule: CompiledRule | CompiledCorrelation): Alert['rule'] {
  const meta: Alert['rule'] = { id: rule.id, title: rule.title, level: rule.level, tags: rule.tags, kind: rule.kind };
  if (rule.kind === 'correlation') meta.correlation_type = rule.type;
  if (rule.source !== undefined) meta.source = { file: rule.source.file, line: rule.source.line, col: rule.source.col };
  return meta;
}

/**
 * The process an alert is about and its ancestry. It is the process the event is about as rules
 * see it (`processOfEvent`: exec → the new image, fork → the child, otherwise the actor), so that
 * `process` and `lineage` agree with what `Image` and `parent.*` matched.
 */
function actorAndLineage(
  ev: NightjarEvent,
  lineage: LineageCache | undefined,
): Pick<Alert, 'process' | 'lineage' | 'lineage_complete'> {
  const subject = processOfEvent(ev);
  let process: AlertProcess;
  if (subject === undefined) process = { entity_id: ev.entityId, pid: ev.pid, pidversion: ev.pidversion };
  else if (lineage !== undefined) process = lineage.summary(subject);
  else process = summarizeProcess(subject);
  if (lineage === undefined) return { process, lineage: [], lineage_complete: false };
  const chain = lineage.chain(ev);
  return { process, lineage: chain.processes, lineage_complete: chain.complete };
}

/**
 * What every detection alert of one event holds alike: the process it is about, its lineage and
 * the event time as text. The engine builds it once per event that alerts, however many rules match.
 */
export type AlertBasis = Pick<Alert, 'process' | 'lineage' | 'lineage_complete' | 'time_iso'>;

export function alertBasis(ev: NightjarEvent, lineage: LineageCache | undefined): AlertBasis {
  const a = actorAndLineage(ev, lineage);
  return {
    process: a.process,
    lineage: a.lineage,
    lineage_complete: a.lineage_complete,
    time_iso: formatTimeUs(ev.time),
  };
}

/** The alert of a detection rule for one event. */
export function buildDetectionAlert(
  rule: CompiledRule,
  ev: NightjarEvent,
  lineage: LineageCache | undefined,
  incomplete: boolean,
): Alert {
  return detectionAlert(rule, ev, lineage, incomplete, alertBasis(ev, lineage));
}

/** buildDetectionAlert over a basis already built for this event (shared, not copied). */
export function detectionAlert(
  rule: CompiledRule,
  ev: NightjarEvent,
  lineage: LineageCache | undefined,
  incomplete: boolean,
  a: AlertBasis,
): Alert {
  const host = ev.host ?? null;
  const alert: Alert = {
    id: alertId(rule.id, host, ev.time, ev.name, a.process.entity_id, undefined, undefined),
    host,
    rule: sharedRuleMeta(rule),
    time: ev.time,
    time_iso: a.time_iso,
    event_type: ev.name,
    process: a.process,
    lineage: a.lineage,
    lineage_complete: a.lineage_complete,
    events: ev.msg === null ? [] : [ev.msg],
    events_omitted: 0,
    count: 1,
    incomplete,
  };
  if (rule.usesLineage && lineage !== undefined) {
    const src = lineage.parentSource(ev);
    if (src !== 'unknown') alert.parent_source = src;
  }
  return alert;
}

/** The alert of a correlation that fired. */
export function buildCorrelationAlert(
  f: CorrelationFiring,
  lineage: LineageCache | undefined,
  incomplete: boolean,
  fleet = false,
): Alert {
  const ev = f.trigger;
  const a = actorAndLineage(ev, lineage);
  // A fleet-scoped window spans hosts: the alert is no one host's (its process is the trigger's).
  const host = fleet ? null : (ev.host ?? null);
  return {
    id: alertId(f.correlation.id, host, f.time, ev.name, a.process.entity_id, f.group, f.window.start),
    host,
    rule: sharedRuleMeta(f.correlation),
    time: f.time,
    time_iso: formatTimeUs(f.time),
    event_type: ev.name,
    process: a.process,
    lineage: a.lineage,
    lineage_complete: a.lineage_complete,
    group: f.group,
    window: { start: f.window.start, end: f.window.end },
    value: f.value,
    events: f.events,
    events_omitted: f.eventsOmitted,
    count: 1,
    incomplete,
  };
}
