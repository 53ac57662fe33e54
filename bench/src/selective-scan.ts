/**
 * How much a field-selective decode could save over JSON.parse, per line shape: a scan that reads
 * only what the engine needs from a line once its actor is cached — the header (event type, time,
 * sequence numbers), the actor's audit-token ids and the fields lineage checks for a newer view,
 * and the one path a generated rule of that type reads — without building the object. It is the
 * lower bound of such a decoder's cost, not a decoder: it trusts eslogger's key order and falls
 * back to JSON.parse on an escaped string. The engine still decodes every needed line with
 * JSON.parse (lineage keeps every field of a process it sees for the first time, and rules may
 * read any field), so this row measures, it does not choose.
 */

/** The rule field per type, as the generated templates read it: the key after the payload key. */
const RULE_FIELD: Record<string, string> = {
  open: '"path":',
  close: '"path":',
  stat: '"path":',
  write: '"path":',
  exec: '"path":',
};

function numberAt(line: string, key: string, from: number): number {
  const k = line.indexOf(key, from);
  if (k < 0) return NaN;
  let n = 0;
  for (let i = k + key.length; i < line.length; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}

function stringAt(line: string, key: string, from: number): string | undefined {
  const k = line.indexOf(key, from);
  if (k < 0) return undefined;
  const i = k + key.length + 1;
  const j = line.indexOf('"', i);
  const v = line.slice(i, j);
  // An escape: the exact value needs the real parser.
  return v.includes('\\') ? (JSON.parse(line.slice(i - 1, line.indexOf('"', j + 1) + 1)) as string) : v;
}

/** Reads the fields listed above from one line; returns a checksum so the work is not optimised away. */
export function selectiveScan(line: string, type: string): number {
  let sum =
    numberAt(line, '"event_type":', 0) + numberAt(line, '"seq_num":', 0) + numberAt(line, '"global_seq_num":', 0);
  sum += stringAt(line, '"time":', 0)?.length ?? 0;
  const proc = line.indexOf('"process":');
  for (const k of [
    '"pid":',
    '"pidversion":',
    '"euid":',
    '"ppid":',
    '"group_id":',
    '"session_id":',
    '"codesigning_flags":',
  ])
    sum += numberAt(line, k, proc);
  const ev = line.indexOf('"event":', proc);
  const key = RULE_FIELD[type];
  if (key !== undefined) sum += stringAt(line, key, ev)?.length ?? 0;
  return sum;
}
