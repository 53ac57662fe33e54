import { NightjarError } from '../errors.js';

/**
 * How deep the values of an event may nest for the engine to read them. Real ES messages nest about
 * a dozen levels; a hostile line can nest thousands (JSON.parse takes it), and every recursive walk
 * over event values (list flattening in the prefilter and detection items, alert serialisation)
 * stops at this depth instead of exhausting the stack.
 */
export const MAX_EVENT_DEPTH = 64;

/**
 * Thrown by a walk that reached MAX_EVENT_DEPTH. The engine catches it once per event, reports the
 * event (`NJ_EVENT_DEPTH`, with its line and byte offset) and goes on with the next: one bad event
 * costs that event, never the stream.
 */
export class EventDepthError extends NightjarError {
  /**
   * @param via the lineage field (`parent.signing_id`, `ParentImage`…) that read the value, when it
   * was an ancestor's recorded from an earlier event, not the event's own: the engine then skips only
   * the rule that read it.
   */
  constructor(readonly via?: string) {
    super(
      'NJ_EVENT_DEPTH',
      via === undefined
        ? `a value nests deeper than ${MAX_EVENT_DEPTH} levels`
        : `${via} (an ancestor's value, recorded from an earlier event) nests deeper than ${MAX_EVENT_DEPTH} levels`,
    );
  }
}

/** True when `v` nests deeper than `max` levels (a scalar is depth 0). Stops at the limit. */
export function nestsDeeperThan(v: unknown, max: number = MAX_EVENT_DEPTH): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (max <= 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (nestsDeeperThan(v[i], max - 1)) return true;
    return false;
  }
  for (const k in v) if (nestsDeeperThan((v as Record<string, unknown>)[k], max - 1)) return true;
  return false;
}
