import type { AlertProcess } from './types.js';
import type { EsProcess } from '../model/message.js';
import { entityIdOf, tokenPid, tokenPidversion } from '../model/decode.js';

/**
 * The one process summary an alert carries (`process` and each `lineage` entry). `args` are known
 * only from the process's exec event (the lineage cache keeps them), so a caller without the cache
 * leaves them out.
 */
export function summarizeProcess(p: EsProcess, args?: string[]): AlertProcess {
  const pid = tokenPid(p.audit_token) ?? 0;
  const pidversion = tokenPidversion(p.audit_token) ?? 0;
  const out: AlertProcess = {
    entity_id: typeof p.entity_id === 'string' ? p.entity_id : entityIdOf(pid, pidversion),
    pid,
    pidversion,
  };
  if (typeof p.ppid === 'number') out.ppid = p.ppid;
  const exe = p.executable as { path?: unknown } | null | undefined;
  if (exe !== null && typeof exe === 'object' && typeof exe.path === 'string') out.path = exe.path;
  // Strings or null only: an ancestor's process object (kept by lineage, never depth-checked) can hold
  // anything a hostile line put there, and an alert must always serialise.
  const sid: unknown = p.signing_id;
  const tid: unknown = p.team_id;
  if (typeof sid === 'string' || sid === null) out.signing_id = sid;
  if (typeof tid === 'string' || tid === null) out.team_id = tid;
  if (typeof p.is_platform_binary === 'boolean') out.is_platform_binary = p.is_platform_binary;
  if (args !== undefined) out.args = args;
  return out;
}
