import type { EvalContext, FieldGetter, NightjarEvent } from '@nightjar/core';

/**
 * The computed getters a field-mapping file may name (`getter: command_line`, …): what a plain ES
 * path cannot express. Each takes the getter compiled for its `from` path (if any) and returns the
 * field's getter.
 */

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function pathOf(file: unknown): string | undefined {
  const f = obj(file);
  return f && typeof f.path === 'string' ? f.path : undefined;
}

/** An audit token field by name (object form ≤ v9, 8-element array from v10). */
const TOKEN_INDEX: Record<string, number> = { pid: 5, pidversion: 7 };
function tokenField(token: unknown, key: 'pid' | 'pidversion'): number | undefined {
  const v: unknown = Array.isArray(token) ? token[TOKEN_INDEX[key]!] : obj(token)?.[key];
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
/** Exec args joined by single spaces (SigmaHQ's CommandLine); undefined for a non-list. */
export function commandLine(args: unknown): string | undefined {
  if (!Array.isArray(args)) return undefined;
  if (args === lastArgs) return lastLine;
  lastArgs = args;
  lastLine = args.join(' ');
  return lastLine;
}

const ROOT_USER: readonly string[] = Object.freeze(['0', 'root']);
/** uid → the User value: its decimal string, or ['0', 'root'] for uid 0 (a list field matches any element). */
function userOf(uid: unknown): string | readonly string[] | undefined {
  if (typeof uid !== 'number') return undefined;
  return uid === 0 ? ROOT_USER : String(uid);
}

/** The names a mapping file's `getter:` accepts. */
export const GETTER_NAMES = [
  'path',
  'command_line',
  'user',
  'entity_id',
  'destination_path',
  'parent_command_line',
] as const;
export type GetterName = (typeof GETTER_NAMES)[number];

/** What each computed getter yields and how its value is described (`from` is its path). */
export const GETTERS: Readonly<
  Record<
    Exclude<GetterName, 'path'>,
    {
      readonly needsFrom: boolean;
      readonly describe: (from: string) => string;
      readonly make: (from: FieldGetter | undefined) => FieldGetter;
    }
  >
> = {
  command_line: {
    needsFrom: true,
    describe: (from) => `${from} joined by ' '`,
    make: (from) => (ev, ctx) => commandLine(from!(ev, ctx)),
  },
  user: {
    needsFrom: true,
    describe: (from) => `${from} (uid as a decimal string; 0 also reads as 'root')`,
    make: (from) => (ev, ctx) => userOf(from!(ev, ctx)),
  },
  entity_id: {
    needsFrom: true,
    describe: (from) => `${from} (pid:pidversion)`,
    make: (from) => (ev, ctx) => {
      const t = from!(ev, ctx);
      const pid = tokenField(t, 'pid');
      const pv = tokenField(t, 'pidversion');
      return pid === undefined || pv === undefined ? undefined : `${pid}:${pv}`;
    },
  },
  destination_path: {
    needsFrom: true,
    describe: (from) => `${from}.destination (existing_file.path, or new_path.dir.path/filename)`,
    make: (from) => (ev, ctx) => destinationPath(obj(from!(ev, ctx))),
  },
  parent_command_line: {
    needsFrom: false,
    describe: () => "lineage parent's exec args joined by ' ' (absent when its exec was not seen)",
    make: () => (ev: NightjarEvent, ctx: EvalContext) => {
      if (ev.msg === null) return undefined;
      const p = ctx.lineage.parent(ev);
      if (p === undefined) return undefined;
      // LineageResolver.args is optional; a process object carrying `args` works too.
      return commandLine(ctx.lineage.args !== undefined ? ctx.lineage.args(p) : p.args);
    },
  },
};
