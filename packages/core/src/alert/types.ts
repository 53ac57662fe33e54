import type { CorrelationType, SigmaLevel } from '../ruleset/types.js';
import type { EsMessage } from '../model/message.js';

/** A process in an alert's lineage chain (a summary, not the whole es_process_t). */
export interface AlertProcess {
  entity_id: string;
  pid: number;
  pidversion: number;
  ppid?: number;
  path?: string;
  signing_id?: string | null;
  team_id?: string | null;
  is_platform_binary?: boolean;
  /** Command line (args joined by spaces) when an exec of this process was seen. */
  args?: string[];
}

/**
 * What the engine emits. The JSON Schema is `alertJsonSchema` (exported by @nightjar/core); the
 * README documents each field. Times are integer microseconds since the epoch, plus ISO strings.
 */
export interface Alert {
  /**
   * Deterministic id: a hash of the rule id, host, time, event type, the process's entity_id and,
   * for correlations, the group values and window start. The same alert raised again has the same id.
   */
  id: string;
  /** The host the alert's events came from (NightjarEvent.host); null when they named none. */
  host: string | null;
  rule: {
    id: string;
    title: string;
    level: SigmaLevel;
    tags: readonly string[];
    kind: 'detection' | 'correlation';
    correlation_type?: CorrelationType;
    source?: { file: string; line: number; col: number };
  };
  /** Time of the event that raised the alert (µs) and as RFC 3339. */
  time: number;
  time_iso: string;
  /** Event name of the triggering event. */
  event_type: string;
  /** The actor process. */
  process: AlertProcess;
  /** The actor's ancestry, nearest first; `lineage_complete` false when the chain ends at an unknown process. */
  lineage: AlertProcess[];
  lineage_complete: boolean;
  /** Where ParentImage came from when a rule used it: the lineage cache or the exec'ing image fallback. */
  parent_source?: 'lineage' | 'exec_fallback';
  /** Correlations: the group-by values, the window [start, end] in µs, and the aggregate that met the condition. */
  group?: Record<string, unknown>;
  window?: { start: number; end: number };
  value?: number;
  /** The matching event(s), bounded; `events_omitted` counts the rest. */
  events: EsMessage[];
  events_omitted: number;
  /** Suppression: how many alerts of this rule and entity this one stands for (1 when not suppressed). */
  count: number;
  /** True when the alert's window overlaps an open sequence gap in its event types. */
  incomplete: boolean;
}
