import type { EsMessage, EsProcess, EvalContext, FieldGetter, NightjarEvent } from '@nightjar/core';

/**
 * The `sigmahq-macos` field mapping: SigmaHQ's macOS taxonomy (logsource `product: macos` plus a
 * taxonomy `category`) onto ES NOTIFY events. One table per category: the ES event types it covers
 * and, per field, how to read it from each of those types.
 *
 * Decisions (the README's field-mapping table sums them up; see also mapping/index.ts):
 * - process_creation → `exec`. The subject is the exec *target* (the new image): Image, CommandLine,
 *   ProcessId, User… describe `event.exec.target`; CommandLine is `event.exec.args` joined by spaces.
 * - ParentImage is `parent.executable.path` through lineage; for exec, when lineage does not know the
 *   target's parent, it falls back to the exec'ing image (`process.executable.path`: after fork, the
 *   parent's image).
 * - User is the subject's effective uid as a decimal string (ES carries uids, not names). The one
 *   name every Mac agrees on is resolved: uid 0 reads as the list ['0', 'root'], so `User: root` and
 *   `User: '0'` both match; other names (`bob`) never match: write the uid.
 * - OriginalFileName (a PE resource on Windows) is the code-signing identifier (`signing_id`), the
 *   nearest macOS notion of "the name the vendor gave this binary".
 * - file_event → a file created, renamed into place, or whose contents changed: `create` (the created
 *   path), `rename` (the destination path), `close` with `modified: true` (the closed file: ES's
 *   report that an existing file was overwritten, e.g. an emond rule or a plist edited in place) and
 *   `write` (the written file, for sources that subscribe to it). A `close` without `modified: true`
 *   reads every field as absent, so no rule comparing a field matches it.
 * - Categories with no ES NOTIFY equivalent (network_connection, dns_query, registry_*, …) are
 *   rejected with NJ_UNSUPPORTED_LOGSOURCE instead of silently never matching.
 */

export interface MappedField {
  /** Human description of what is read, for the linter (`event.exec.target.executable.path`). */
  readonly resolved: string;
  readonly get: FieldGetter;
  readonly usesLineage: boolean;
}

export interface CategoryMapping {
  readonly eventTypes: readonly string[];
  /** field → (event type → how to read it). */
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, MappedField>>;
}

type ProcPick = (msg: EsMessage) => EsProcess | undefined;

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function payload(msg: EsMessage, name: string): Record<string, unknown> | undefined {
  return obj(msg.event?.[name]);
}

function pathOf(file: unknown): string | undefined {
  const f = obj(file);
  return f && typeof f.path === 'string' ? f.path : undefined;
}

/** An audit token field by name (object form ≤ v9, 8-element array from v10). */
const TOKEN_INDEX: Record<string, number> = {
  auid: 0,
  euid: 1,
  egid: 2,
  ruid: 3,
  rgid: 4,
  pid: 5,
  asid: 6,
  pidversion: 7,
};
function tokenField(token: unknown, key: string): number | undefined {
  if (Array.isArray(token)) {
    const v: unknown = token[TOKEN_INDEX[key]!];
    return typeof v === 'number' ? v : undefined;
  }
  const o = obj(token);
  const v = o?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** The path a `create`/`rename` destination names: an existing file, or dir + filename for a new path. */
export function destinationPath(p: Record<string, unknown> | undefined): string | undefined {
  if (!p) return undefined;
  // eslogger nests the union under `destination`; accept it flat too (vendor variants).
  const d = obj(p.destination) ?? p;
  const existing = pathOf(d.existing_file);
  if (existing !== undefined) return existing;
  const np = obj(d.new_path);
  if (np) {
    const dir = pathOf(np.dir);
    const name = typeof np.filename === 'string' ? np.filename : undefined;
    if (dir !== undefined && name !== undefined) return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
  }
  return undefined;
}

// One-entry cache: several items (and rules) read CommandLine of the same event in a row; joining
// args once per event instead of once per comparison keeps the per-event path allocation-free.
let lastArgs: unknown = undefined;
let lastLine: string | undefined = undefined;
export function commandLine(args: unknown): string | undefined {
  if (!Array.isArray(args)) return undefined;
  if (args === lastArgs) return lastLine;
  lastArgs = args;
  lastLine = args.join(' ');
  return lastLine;
}

const ROOT_USER: readonly string[] = Object.freeze(['0', 'root']);
/** uid → the User value: its decimal string, or ['0', 'root'] for uid 0 (a list field matches any element). */
function userOf(uid: number | undefined): string | readonly string[] | undefined {
  if (uid === undefined) return undefined;
  return uid === 0 ? ROOT_USER : String(uid);
}

const execPayload = (msg: EsMessage) => payload(msg, 'exec');
const execTarget: ProcPick = (msg) => obj(execPayload(msg)?.target) as EsProcess | undefined;
const actor: ProcPick = (msg) => msg.process;

function f(
  resolved: string,
  get: (msg: EsMessage, ev: NightjarEvent, ctx: EvalContext) => unknown,
  usesLineage = false,
): MappedField {
  return {
    resolved,
    usesLineage,
    get: (ev, ctx) => (ev.msg === null ? undefined : get(ev.msg, ev, ctx)),
  };
}

/** Fields every category has, describing its subject process (`pick`), named from `base`. */
// Return type inferred (checked by `satisfies`) so callers can name a field without an index lookup.
function processFields(base: string, pick: ProcPick, execFallback: boolean) {
  const tok = (k: string) => (m: EsMessage) => tokenField(pick(m)?.audit_token, k);
  return {
    Image: f(`${base}.executable.path`, (m) => pathOf(pick(m)?.executable)),
    ProcessId: f(`${base}.audit_token.pid`, tok('pid')),
    ProcessGuid: f(`${base}.entity_id`, (m) => {
      const p = pick(m);
      const pid = tokenField(p?.audit_token, 'pid');
      const pv = tokenField(p?.audit_token, 'pidversion');
      return pid === undefined || pv === undefined ? undefined : `${pid}:${pv}`;
    }),
    User: f(`${base}.audit_token.euid (uid as a decimal string; 0 also reads as 'root')`, (m) =>
      userOf(tokenField(pick(m)?.audit_token, 'euid')),
    ),
    SigningId: f(`${base}.signing_id`, (m) => pick(m)?.signing_id),
    OriginalFileName: f(`${base}.signing_id`, (m) => pick(m)?.signing_id),
    TeamId: f(`${base}.team_id`, (m) => pick(m)?.team_id),
    CdHash: f(`${base}.cdhash`, (m) => pick(m)?.cdhash),
    Hashes: f(`'CDHASH=' + ${base}.cdhash`, (m) => {
      const c = pick(m)?.cdhash;
      return typeof c === 'string' ? `CDHASH=${c}` : undefined;
    }),
    IsPlatformBinary: f(`${base}.is_platform_binary`, (m) => pick(m)?.is_platform_binary),
    CodeSigningFlags: f(`${base}.codesigning_flags`, (m) => pick(m)?.codesigning_flags),
    ParentProcessId: f(`${base}.ppid`, (m) => pick(m)?.ppid),
    ParentProcessGuid: f(`${base}.parent_audit_token (pid:pidversion)`, (m) => {
      const t = pick(m)?.parent_audit_token;
      const pid = tokenField(t, 'pid');
      const pv = tokenField(t, 'pidversion');
      return pid === undefined || pv === undefined ? undefined : `${pid}:${pv}`;
    }),
    ParentUser: f(`${base}.parent_audit_token.euid (uid as a decimal string; 0 also reads as 'root')`, (m) =>
      userOf(tokenField(pick(m)?.parent_audit_token, 'euid')),
    ),
    ParentImage: f(
      execFallback
        ? 'parent.executable.path (lineage; falls back to process.executable.path)'
        : 'parent.executable.path (lineage)',
      (m, ev, ctx) => {
        const p = pathOf(ctx.lineage.parent(ev)?.executable);
        if (p !== undefined || !execFallback) return p;
        return pathOf(m.process?.executable);
      },
      true,
    ),
    ParentCommandLine: f(
      "lineage parent's exec args joined by ' ' (absent when its exec was not seen)",
      (_m, ev, ctx) => {
        const p = ctx.lineage.parent(ev);
        if (p === undefined) return undefined;
        // LineageResolver.args is optional; a process object carrying `args` works too.
        return commandLine(ctx.lineage.args !== undefined ? ctx.lineage.args(p) : p.args);
      },
      true,
    ),
  } satisfies Record<string, MappedField>;
}

const execFields: Record<string, MappedField> = {
  ...processFields('event.exec.target', execTarget, true),
  CommandLine: f("event.exec.args joined by ' '", (m) => commandLine(execPayload(m)?.args)),
  CurrentDirectory: f('event.exec.cwd.path', (m) => pathOf(execPayload(m)?.cwd)),
};

const actorFields = processFields('process', actor, false);

function fileFields(
  event: string,
  target: (p: Record<string, unknown> | undefined) => string | undefined,
  resolved: string,
): Record<string, MappedField> {
  return { ...actorFields, TargetFilename: f(resolved, (m) => target(payload(m, event))) };
}

/**
 * `fields`, each reading only when `when(msg)` holds (absent otherwise): a category that covers some
 * events of a type and not others (file_event: a `close` counts only when it modified the file).
 */
function onlyWhen(
  fields: Record<string, MappedField>,
  when: (msg: EsMessage) => boolean,
  what: string,
): Record<string, MappedField> {
  const out: Record<string, MappedField> = {};
  for (const [name, mf] of Object.entries(fields)) {
    const g = mf.get;
    out[name] = {
      resolved: `${mf.resolved} (only when ${what})`,
      usesLineage: mf.usesLineage,
      get: (ev, ctx) => (ev.msg !== null && when(ev.msg) ? g(ev, ctx) : undefined),
    };
  }
  return out;
}

const closeModified = (m: EsMessage): boolean => payload(m, 'close')?.modified === true;

function build(perType: Record<string, Record<string, MappedField>>): CategoryMapping {
  const fields = new Map<string, Map<string, MappedField>>();
  for (const [type, table] of Object.entries(perType)) {
    for (const [name, mf] of Object.entries(table)) {
      let m = fields.get(name);
      if (!m) fields.set(name, (m = new Map<string, MappedField>()));
      m.set(type, mf);
    }
  }
  return { eventTypes: Object.keys(perType), fields };
}

const targetProc = (event: string) => (m: EsMessage) => obj(payload(m, event)?.target) as EsProcess | undefined;
function sourceTargetFields(event: string): Record<string, MappedField> {
  const t = targetProc(event);
  return {
    ...actorFields,
    SourceImage: actorFields.Image,
    SourceProcessId: actorFields.ProcessId,
    SourceProcessGuid: actorFields.ProcessGuid,
    SourceUser: actorFields.User,
    TargetImage: f(`event.${event}.target.executable.path`, (m) => pathOf(t(m)?.executable)),
    TargetProcessId: f(`event.${event}.target.audit_token.pid`, (m) => tokenField(t(m)?.audit_token, 'pid')),
    TargetProcessGuid: f(`event.${event}.target (pid:pidversion)`, (m) => {
      const tk = t(m)?.audit_token;
      const pid = tokenField(tk, 'pid');
      const pv = tokenField(tk, 'pidversion');
      return pid === undefined || pv === undefined ? undefined : `${pid}:${pv}`;
    }),
  };
}

/** Taxonomy category → mapping. */
export const SIGMAHQ_MACOS: ReadonlyMap<string, CategoryMapping> = new Map<string, CategoryMapping>([
  ['process_creation', build({ exec: execFields })],
  [
    'file_event',
    build({
      create: fileFields(
        'create',
        destinationPath,
        'event.create.destination (existing_file.path, or new_path.dir.path/filename)',
      ),
      rename: fileFields(
        'rename',
        destinationPath,
        'event.rename.destination (existing_file.path, or new_path.dir.path/filename)',
      ),
      close: onlyWhen(
        fileFields('close', (p) => pathOf(p?.target), 'event.close.target.path'),
        closeModified,
        'event.close.modified is true',
      ),
      write: fileFields('write', (p) => pathOf(p?.target), 'event.write.target.path'),
    }),
  ],
  [
    'file_rename',
    build({
      rename: {
        ...fileFields(
          'rename',
          destinationPath,
          'event.rename.destination (existing_file.path, or new_path.dir.path/filename)',
        ),
        SourceFilename: f('event.rename.source.path', (m) => pathOf(payload(m, 'rename')?.source)),
      },
    }),
  ],
  ['file_delete', build({ unlink: fileFields('unlink', (p) => pathOf(p?.target), 'event.unlink.target.path') })],
  ['file_access', build({ open: fileFields('open', (p) => pathOf(p?.file), 'event.open.file.path') })],
  ['file_change', build({ utimes: fileFields('utimes', (p) => pathOf(p?.target), 'event.utimes.target.path') })],
  ['process_termination', build({ exit: actorFields })],
  [
    'image_load',
    build({
      mmap: { ...actorFields, ImageLoaded: f('event.mmap.source.path', (m) => pathOf(payload(m, 'mmap')?.source)) },
    }),
  ],
  [
    'driver_load',
    build({
      kextload: {
        ...actorFields,
        ImageLoaded: f('event.kextload.identifier (kext bundle id)', (m) => payload(m, 'kextload')?.identifier),
      },
    }),
  ],
  ['create_remote_thread', build({ remote_thread_create: sourceTargetFields('remote_thread_create') })],
  ['process_access', build({ get_task: sourceTargetFields('get_task') })],
]);

/** Taxonomy categories that exist in SigmaHQ but have no ES NOTIFY equivalent, with the reason. */
export const UNSUPPORTED_CATEGORIES: ReadonlyMap<string, string> = new Map([
  ['network_connection', 'ES has no network NOTIFY events (use a Network Extension or the native uipc_* events)'],
  ['dns_query', 'ES has no DNS events'],
  ['firewall', 'ES has no firewall events'],
  ['raw_access_read', 'ES has no raw disk read event'],
  ['registry_event', 'macOS has no registry'],
  ['registry_add', 'macOS has no registry'],
  ['registry_set', 'macOS has no registry'],
  ['registry_delete', 'macOS has no registry'],
  ['registry_rename', 'macOS has no registry'],
  ['pipe_created', 'ES has no named-pipe creation event'],
  ['wmi_event', 'macOS has no WMI'],
  ['ps_script', 'no PowerShell logging on ES'],
  ['ps_module', 'no PowerShell logging on ES'],
  ['ps_classic_start', 'no PowerShell logging on ES'],
  ['clipboard_capture', 'ES has no clipboard event'],
  ['process_tampering', 'no ES equivalent'],
  ['sysmon_status', 'no Sysmon on macOS'],
  ['sysmon_error', 'no Sysmon on macOS'],
]);
