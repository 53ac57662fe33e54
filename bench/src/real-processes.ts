/**
 * Real eslogger process objects: every `process` of the fixtures' exec and fork events, their exec
 * targets and fork children, with all the fields eslogger writes (executable and tty stat, three
 * audit tokens, code-signing facts). The memory rows and the process world are built from these,
 * so an entry costs what a real process costs, not what a trimmed test object costs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ProcessObject = Record<string, unknown>;

let cached: ProcessObject[] | undefined;

/** Distinct (by executable path + signing id) real process objects, as parsed from the fixtures. */
export function realProcesses(root: string): ProcessObject[] {
  if (cached !== undefined) return cached;
  const dir = join(root, 'fixtures');
  const seen = new Map<string, ProcessObject>();
  const add = (p: unknown): void => {
    if (typeof p !== 'object' || p === null || !('audit_token' in p) || !('executable' in p)) return;
    const o = p as ProcessObject;
    const exe = o.executable as { path?: unknown } | null;
    const key = `${String(exe?.path)}|${String(o.signing_id)}|${o.tty == null ? '' : 'tty'}`;
    if (!seen.has(key)) seen.set(key, o);
  };
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.jsonl')) continue;
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        // Only exec and fork lines: their process objects are the ones eslogger fills completely.
        if (!line.includes('"exec"') && !line.includes('"fork"')) continue;
        let m: { event?: Record<string, Record<string, unknown>>; process?: unknown };
        try {
          m = JSON.parse(line) as typeof m;
        } catch {
          continue;
        }
        add(m.process);
        add(m.event?.exec?.target);
        add(m.event?.fork?.child);
      }
    }
  }
  if (seen.size === 0) throw new Error(`no exec/fork process objects found under ${dir}`);
  cached = [...seen.values()];
  return cached;
}

/** Sets one audit token's pid and pidversion (object or v10+ array form), on a copy. */
function retoken(t: unknown, pid: number, pidversion: number): unknown {
  if (Array.isArray(t)) {
    const a = t.slice() as number[];
    a[5] = pid;
    a[7] = pidversion;
    return a;
  }
  if (typeof t === 'object' && t !== null) return { ...t, pid, pidversion };
  return t;
}

/**
 * Real process object `tmpl` as process (pid, pidversion) whose parent is (ppid, ppidversion),
 * started at `start` (RFC 3339). A shallow copy with new tokens, for serialising: every consumer
 * parses the text again, so nothing is shared between the events the engine sees.
 */
export function processAs(
  tmpl: ProcessObject,
  pid: number,
  pidversion: number,
  ppid: number,
  ppidversion: number,
  start: string,
): ProcessObject {
  const p: ProcessObject = { ...tmpl };
  p.audit_token = retoken(tmpl.audit_token, pid, pidversion);
  if (tmpl.parent_audit_token != null) p.parent_audit_token = retoken(tmpl.parent_audit_token, ppid, ppidversion);
  if (tmpl.responsible_audit_token != null)
    p.responsible_audit_token = retoken(tmpl.responsible_audit_token, pid, pidversion);
  p.ppid = ppid;
  p.original_ppid = ppid;
  p.group_id = pid;
  p.start_time = start;
  delete p.entity_id;
  return p;
}
