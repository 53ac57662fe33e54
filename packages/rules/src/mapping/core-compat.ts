import type { EsProcess, EvalContext, FieldGetter, NightjarEvent } from '@nightjar/core';

/**
 * Stand-ins for two core helpers that are landing in parallel (`compileFieldPath` and the
 * event-type table). Kept in one file so switching to core's versions is a two-line change.
 */

const NOTIFY_NAMES =
  'exec open fork close create exchangedata exit get_task kextload kextunload link mmap mprotect mount unmount ' +
  'iokit_open rename setattrlist setextattr setflags setmode setowner signal unlink write file_provider_materialize ' +
  'file_provider_update readlink truncate lookup chdir getattrlist stat access chroot utimes clone fcntl getextattr ' +
  'listextattr readdir deleteextattr fsgetpath dup settime uipc_bind uipc_connect setacl pty_grant pty_close ' +
  'proc_check searchfs proc_suspend_resume cs_invalidated get_task_name trace remote_thread_create remount ' +
  'get_task_read get_task_inspect setuid setgid seteuid setegid setreuid setregid copyfile authentication ' +
  'xp_malware_detected xp_malware_remediated lw_session_login lw_session_logout lw_session_lock lw_session_unlock ' +
  'screensharing_attach screensharing_detach openssh_login openssh_logout login_login login_logout ' +
  'btm_launch_item_add btm_launch_item_remove profile_add profile_remove su authorization_petition ' +
  'authorization_judgement sudo od_group_add od_group_remove od_group_set od_modify_password od_disable_user ' +
  'od_enable_user od_attribute_value_add od_attribute_value_remove od_attribute_set od_create_user ' +
  'od_create_group od_delete_user od_delete_group xpc_connect gatekeeper_user_override tcc_modify';
const KNOWN = new Set(NOTIFY_NAMES.split(' '));
const ALIASES: Record<string, string> = { cs_invalidate: 'cs_invalidated', ptrace: 'trace' };

/** The eslogger name for `name` (vendor aliases resolved), or undefined when ES has no such event. */
export function knownEventName(name: string): string | undefined {
  const n = Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name] : name;
  return KNOWN.has(n) ? n : undefined;
}

const LINEAGE_ROOTS = ['parent', 'real_parent', 'responsible', 'ancestors'] as const;

function tokenPidAndVersion(t: unknown): string | undefined {
  if (Array.isArray(t)) return t.length >= 8 ? `${t[5]}:${t[7]}` : undefined;
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    if (typeof o.pid === 'number' && typeof o.pidversion === 'number') return `${o.pid}:${o.pidversion}`;
  }
  return undefined;
}

function step(v: unknown, key: string): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    // Lists are flattened: a path through a list reads every element.
    const out: unknown[] = [];
    for (const e of v) {
      const r = step(e, key);
      if (Array.isArray(r)) out.push(...r);
      else if (r !== undefined) out.push(r);
    }
    return out;
  }
  if (typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const r = o[key];
  if (r === undefined && key === 'entity_id' && 'audit_token' in o) return tokenPidAndVersion(o.audit_token);
  return r;
}

/** Dotted ES path → getter (local stand-in for core's compileFieldPath). */
export function compileFieldPath(path: string): { get: FieldGetter; usesLineage: boolean } {
  const segs = path.split('.');
  const root = segs[0];
  if ((LINEAGE_ROOTS as readonly string[]).includes(root)) {
    const rest = segs.slice(1);
    const walk = (p: unknown) => {
      let v = p;
      for (const k of rest) v = step(v, k);
      return v;
    };
    const pick: (ev: NightjarEvent, ctx: EvalContext) => EsProcess | readonly EsProcess[] | undefined =
      root === 'parent'
        ? (ev, ctx) => ctx.lineage.parent(ev)
        : root === 'real_parent'
          ? (ev, ctx) => ctx.lineage.realParent(ev)
          : root === 'responsible'
            ? (ev, ctx) => ctx.lineage.responsible(ev)
            : (ev, ctx) => ctx.lineage.ancestors(ev);
    return {
      get: (ev, ctx) => {
        if (ev.msg === null) return undefined;
        const p = pick(ev, ctx);
        return p === undefined ? undefined : walk(p);
      },
      usesLineage: true,
    };
  }
  return {
    get: (ev) => {
      let v: unknown = ev.msg;
      for (let i = 0; i < segs.length && v !== undefined; i++) v = step(v, segs[i]);
      return v;
    },
    usesLineage: false,
  };
}
