import { EventDepthError, MAX_EVENT_DEPTH, type EsMessage, type NightjarEvent } from '@nightjar/core';
import { commandLine } from '../mapping/getters.js';

/**
 * What a Sigma keyword (an unbound value) searches in an ES event: the spec says "the full log
 * message", so Nightjar searches every string value anywhere in the eslogger object (payload, actor
 * process, and vendor keys such as Jamf's `host`), plus, for exec, the command line (args joined by
 * spaces) so that a keyword spanning two arguments (`-c curl`) still matches. Numbers and booleans
 * are not searched. A keyword without wildcards matches as a substring (it is a search term); with
 * `*`/`?` it must match one whole string value.
 *
 * The leaves are collected once per event (one-entry cache on the message object) and shared by every
 * keyword rule that sees that event. The search goes as deep as the engine reads any event
 * (MAX_EVENT_DEPTH); a message nesting deeper is not searched in part: the walk throws
 * EventDepthError and the engine reports the event (NJ_EVENT_DEPTH).
 */

let lastMsg: EsMessage | null = null;
let leaves: string[] = [];

function collect(v: unknown, depth: number, out: string[]): void {
  if (typeof v === 'string') {
    out.push(v);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
  if (Array.isArray(v)) {
    for (const e of v) collect(e, depth + 1, out);
    return;
  }
  for (const k in v as Record<string, unknown>) collect((v as Record<string, unknown>)[k], depth + 1, out);
}

/** The strings a keyword is searched in, for this event. */
export function keywordLeaves(ev: NightjarEvent): readonly string[] {
  const msg = ev.msg;
  if (msg === null) return [];
  if (msg === lastMsg) return leaves;
  const out: string[] = [];
  collect(msg, 0, out);
  const exec = msg.event?.exec as { args?: unknown } | undefined;
  const line = exec ? commandLine(exec.args) : undefined;
  if (line !== undefined) out.push(line);
  lastMsg = msg;
  leaves = out;
  return out;
}
