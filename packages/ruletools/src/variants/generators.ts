/**
 * Variant generators for `nightjar test --variants`: each takes the ES messages of one positive test
 * case and returns the variants an attacker (or another macOS version) gets for free — the same
 * procedure, written or reported differently. A generator returns no variant when it has nothing to
 * change, and never one that changes what the procedure does.
 *
 * Messages are plain eslogger JSON (`NightjarEvent.msg`); generators never mutate their input.
 */

export type Msg = Record<string, unknown>;

export interface Variant {
  /** The generator's id (what `nightjar: { variants: { accept: [...] } }` names). */
  readonly variant: string;
  /** One line: what this variant changed, e.g. `-w -a → -wa`. */
  readonly description: string;
  /** Dotted paths of the changed fields in the first changed message (`event.exec.args[2]`). */
  readonly fields: readonly string[];
  readonly messages: readonly Msg[];
}

export interface VariantGenerator {
  readonly id: string;
  /** What the generator does, for the docs and `--help`. */
  readonly summary: string;
  generate(messages: readonly Msg[]): Variant[];
}

const isObj = (v: unknown): v is Msg => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** The exec events' args arrays, with the index of the message they are in. */
function execArgs(messages: readonly Msg[]): { i: number; args: string[] }[] {
  const out: { i: number; args: string[] }[] = [];
  messages.forEach((m, i) => {
    const ev = isObj(m.event) ? m.event : undefined;
    const exec = ev && isObj(ev.exec) ? ev.exec : undefined;
    if (exec && Array.isArray(exec.args) && exec.args.every((a) => typeof a === 'string')) out.push({ i, args: exec.args as string[] });
  });
  return out;
}

/** One variant per exec whose args `rewrite` changes (args[0] is the program name). */
function argsVariants(id: string, messages: readonly Msg[], rewrite: (args: string[]) => { args: string[]; description: string; changed: number[] }[]): Variant[] {
  const out: Variant[] = [];
  for (const { i, args } of execArgs(messages)) {
    for (const r of rewrite(args)) {
      const copy = clone(messages) as Msg[];
      ((copy[i]!.event as Msg).exec as Msg).args = r.args;
      out.push({ variant: id, description: r.description, fields: r.changed.map((k) => `event.exec.args[${k}]`), messages: copy });
    }
  }
  return out;
}

const SHORT_FLAG = /^-[A-Za-z0-9]$/;
const isOption = (a: string | undefined): boolean => a !== undefined && a.startsWith('-') && a !== '-';

/**
 * Indices of short options that take no value: `-x` directly followed by another option. One followed
 * by an operand may take it as its value (`-s "Chrome"`), so it is never moved or bundled except as the
 * last option of a bundle, where getopt still hands it the next argument.
 */
function shortOptionRuns(args: string[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (let k = 1; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') break;
    if (SHORT_FLAG.test(a)) {
      run.push(k);
      if (!SHORT_FLAG.test(args[k + 1] ?? '')) {
        if (run.length > 1) runs.push(run);
        run = [];
      }
    } else {
      run = [];
    }
  }
  return runs;
}

/** `-w -a` → `-wa` (the last option of a run may take a value: `-w -a user` → `-wa user`). */
export const flagBundle: VariantGenerator = {
  id: 'flag-bundle',
  summary: 'bundles consecutive short options (-w -a → -wa); only the last of a bundle may take a value',
  generate: (messages) =>
    argsVariants('flag-bundle', messages, (args) =>
      shortOptionRuns(args).map((run) => {
        const bundle = `-${run.map((k) => args[k]!.slice(1)).join('')}`;
        const next = [...args.slice(0, run[0]), bundle, ...args.slice(run.at(-1)! + 1)];
        return { args: next, description: `${run.map((k) => args[k]).join(' ')} → ${bundle}`, changed: [run[0]!] };
      }),
    ),
};

/**
 * Tools whose short options are parsed by getopt(3), where `-dr` and `-d -r` are the same. Elsewhere a
 * single dash may start a long option (`find -name`, `dscl . -read`, `openssl -in`), so a bundle is
 * split only for these.
 */
const GETOPT_TOOLS = new Set(['curl', 'security', 'xattr', 'codesign', 'chmod', 'chown', 'chflags', 'cp', 'mv', 'rm', 'ln', 'ls', 'tar', 'ditto', 'zip', 'unzip', 'ssh', 'scp', 'nc', 'ps', 'grep', 'sudo', 'kill', 'pkill', 'killall', 'mkdir', 'touch', 'base64', 'shasum', 'launchctl', 'crontab', 'screencapture', 'sh', 'bash', 'zsh', 'dash']);
const BUNDLE = /^-[A-Za-z]{2,4}$/;

/** `-wa` → `-w -a` for a getopt tool (the last option keeps any value that follows). */
export const flagUnbundle: VariantGenerator = {
  id: 'flag-unbundle',
  summary: 'splits a bundle of short options (-dr → -d -r), only for tools known to parse options with getopt',
  generate: (messages) =>
    argsVariants('flag-unbundle', messages, (args) => {
      if (!GETOPT_TOOLS.has(basename(args[0] ?? ''))) return [];
      const out: { args: string[]; description: string; changed: number[] }[] = [];
      for (let k = 1; k < args.length; k++) {
        const a = args[k]!;
        if (a === '--') break;
        if (!BUNDLE.test(a) || new Set(a.slice(1)).size !== a.length - 1) continue;
        const split = [...a.slice(1)].map((ch) => `-${ch}`);
        out.push({ args: [...args.slice(0, k), ...split, ...args.slice(k + 1)], description: `${a} → ${split.join(' ')}`, changed: split.map((_, i) => k + i) });
      }
      return out;
    }),
};

/** `-w -a` → `-a -w`: swaps two adjacent value-less short options. */
export const flagOrder: VariantGenerator = {
  id: 'flag-order',
  summary: 'swaps adjacent short options that take no value (-w -a → -a -w)',
  generate: (messages) =>
    argsVariants('flag-order', messages, (args) =>
      shortOptionRuns(args).map((run) => {
        // The last option of a run may own the next argument: swap only options before it.
        const flagsOnly = run.slice(0, -1);
        const a = run[0]!;
        const b = flagsOnly.length >= 2 ? flagsOnly[1]! : undefined;
        if (b === undefined) return undefined;
        const next = [...args];
        [next[a], next[b]] = [next[b]!, next[a]!];
        return { args: next, description: `${args[a]} ${args[b]} → ${next[a]} ${next[b]}`, changed: [a, b] };
      }).filter((x): x is NonNullable<typeof x> => x !== undefined),
    ),
};

const LONG_EQ = /^(--[A-Za-z0-9][A-Za-z0-9-]*)=(.*)$/s;
const LONG = /^--[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * `--long=value` ↔ `--long value`. getopt_long accepts both for an option that requires a value; the
 * split direction is applied only when the next argument is not an option and not the last argument
 * (a trailing operand is more likely a file than the option's value).
 */
export const longOptionForm: VariantGenerator = {
  id: 'long-option-form',
  summary: '--long=value ↔ --long value',
  generate: (messages) =>
    argsVariants('long-option-form', messages, (args) => {
      const out: { args: string[]; description: string; changed: number[] }[] = [];
      for (let k = 1; k < args.length; k++) {
        const a = args[k]!;
        if (a === '--') break;
        const m = LONG_EQ.exec(a);
        if (m) {
          out.push({ args: [...args.slice(0, k), m[1]!, m[2]!, ...args.slice(k + 1)], description: `${a} → ${m[1]} ${m[2]}`, changed: [k, k + 1] });
        } else if (LONG.test(a) && k + 2 < args.length && !isOption(args[k + 1])) {
          const joined = `${a}=${args[k + 1]}`;
          out.push({ args: [...args.slice(0, k), joined, ...args.slice(k + 2)], description: `${a} ${args[k + 1]} → ${joined}`, changed: [k] });
        }
      }
      return out;
    }),
};

/** Every string in a message with its dotted path (arrays as [i]). */
function* strings(v: unknown, path: string): Generator<{ path: string; value: string; set: (s: string) => void }> {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] === 'string') yield { path: `${path}[${i}]`, value: v[i], set: (s) => (v[i] = s) };
      else yield* strings(v[i], `${path}[${i}]`);
    }
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) {
      const p = path ? `${path}.${k}` : k;
      if (typeof v[k] === 'string') yield { path: p, value: v[k] as string, set: (s) => (v[k] = s) };
      else yield* strings(v[k], p);
    }
  }
}

/** One variant of the whole case: `rewrite` applied to every string it changes, in every message. */
function stringVariant(id: string, description: string, messages: readonly Msg[], rewrite: (s: string, path: string) => string): Variant | undefined {
  const copy = clone(messages) as Msg[];
  const fields: string[] = [];
  for (const m of copy) {
    for (const s of strings(m, '')) {
      const next = rewrite(s.value, s.path);
      if (next === s.value) continue;
      s.set(next);
      if (!fields.includes(s.path)) fields.push(s.path);
    }
  }
  return fields.length ? { variant: id, description, fields, messages: copy } : undefined;
}

const PRIVATE_DIRS = ['tmp', 'var', 'etc'];
// A path starts the string or follows a space, quote, '=' or ':' (command lines, env values).
const addPrivate = new RegExp(`(^|[\\s'"=:])/(${PRIVATE_DIRS.join('|')})(?=/|$|[\\s'"])`, 'g');
const stripPrivate = new RegExp(`(^|[\\s'"=:])/private/(${PRIVATE_DIRS.join('|')})(?=/|$|[\\s'"])`, 'g');

/** `/tmp` ↔ `/private/tmp`, likewise `/var` and `/etc`: the same directory through the firmlink. */
export const privatePath: VariantGenerator = {
  id: 'private-path',
  summary: '/tmp, /var, /etc ↔ /private/tmp, /private/var, /private/etc (in paths, args and env)',
  generate: (messages) =>
    [
      stringVariant('private-path', '/private/tmp|var|etc → /tmp|var|etc', messages, (s) => s.replace(stripPrivate, '$1/$2')),
      stringVariant('private-path', '/tmp|var|etc → /private/tmp|var|etc', messages, (s) => s.replace(addPrivate, '$1/private/$2')),
    ].filter((v): v is Variant => v !== undefined),
};

/** A file path field of an es_file_t (`….path`), a create destination's `filename`, or an absolute-path argument. */
const isPathField = (path: string): boolean => /(^|\.)(path|filename)$/.test(path) && !/\.env\[/.test(path);
const swapCase = (s: string): string => s.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

/**
 * Case changes in file paths: APFS (the default) is case-insensitive, so `/library/launchagents/x.plist`
 * is the same file as `/Library/LaunchAgents/x.plist`. Only file path fields and arguments that are
 * a single absolute path change — never env, shell scripts or other text where case is meaningful.
 */
export const pathCase: VariantGenerator = {
  id: 'path-case',
  summary: 'swaps the case of letters in file paths (APFS is case-insensitive); file paths and absolute-path arguments only',
  generate: (messages) => {
    const v = stringVariant('path-case', 'file paths with swapped letter case', messages, (s, path) => {
      if (!s.startsWith('/') || /\s/.test(s)) return s;
      if (isPathField(path) || /^event\.exec\.args\[\d+\]$/.test(path)) return swapCase(s);
      return s;
    });
    return v ? [v] : [];
  },
};

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** argv[0] as a bare name (`curl`, found on PATH) ↔ the absolute path (`/usr/bin/curl`). */
export const argv0Form: VariantGenerator = {
  id: 'argv0-form',
  summary: 'argv[0] as a bare tool name ↔ the absolute path of the executable',
  generate: (messages) => {
    const out: Variant[] = [];
    messages.forEach((m, i) => {
      const exec = isObj(m.event) && isObj(m.event.exec) ? m.event.exec : undefined;
      const args = exec?.args;
      const target = exec && isObj(exec.target) && isObj(exec.target.executable) ? exec.target.executable.path : undefined;
      if (!Array.isArray(args) || typeof args[0] !== 'string' || typeof target !== 'string') return;
      const a0 = args[0];
      const next = a0.includes('/') ? basename(a0) : a0 === basename(target) ? target : undefined;
      if (next === undefined || next === a0) return;
      const copy = clone(messages) as Msg[];
      (((copy[i]!.event as Msg).exec as Msg).args as string[])[0] = next;
      out.push({ variant: 'argv0-form', description: `argv[0] ${a0} → ${next}`, fields: ['event.exec.args[0]'], messages: copy });
    });
    return out;
  },
};

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'tcsh', 'csh']);
const PLAIN_WORD = /^[A-Za-z0-9_./,:@%+-]+$/;

/** Whitespace-separated words of a one-line script, or undefined when quoting or operators make splitting unsafe. */
function plainWords(script: string): string[] | undefined {
  if (/[\n'"\\`$(){}<>|;&*?[\]#~!]/.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  return words.length > 1 ? words : undefined;
}

/**
 * Quoting and extra spaces in a shell's `-c` script (`sh -c "security find-generic-password -w"`): the
 * shell removes both, so the program runs with the same argv, but a rule reading the joined command
 * line sees different text. Scripts with quotes, expansions or operators are left alone; assignments
 * (`X=1 cmd`) are never quoted (quoting turns them into commands).
 */
export const shellQuoting: VariantGenerator = {
  id: 'shell-quoting',
  summary: "extra spaces and quoted words in a shell's -c script (same argv after the shell parses it)",
  generate: (messages) =>
    argsVariants('shell-quoting', messages, (args) => {
      if (!SHELLS.has(basename(args[0] ?? ''))) return [];
      const c = args.findIndex((a, k) => k > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(a));
      const script = c > 0 ? args[c + 1] : undefined;
      const words = script === undefined ? undefined : plainWords(script);
      if (!words) return [];
      const quoted = words.map((w, k) => (k > 0 && PLAIN_WORD.test(w) && !w.includes('=') ? `'${w}'` : w)).join(' ');
      const spaced = words.join('  ');
      return [
        { args: [...args.slice(0, c + 1), spaced, ...args.slice(c + 2)], description: `extra spaces: ${spaced}`, changed: [c + 1] },
        ...(quoted !== words.join(' ') ? [{ args: [...args.slice(0, c + 1), quoted, ...args.slice(c + 2)], description: `quoted words: ${quoted}`, changed: [c + 1] }] : []),
      ];
    }),
};

/**
 * A create's or rename's destination as `existing_file` (destination_type 0) ↔ `new_path {dir, filename}`
 * (destination_type 1): ES reports a rename onto an existing file, or a create whose AUTH was denied,
 * in the other form.
 */
export const destinationForm: VariantGenerator = {
  id: 'destination-form',
  summary: "create/rename destination as existing_file ↔ new_path {dir, filename}",
  generate: (messages) => {
    const out: Variant[] = [];
    messages.forEach((m, i) => {
      if (!isObj(m.event)) return;
      for (const kind of ['create', 'rename'] as const) {
        const ev = m.event[kind];
        if (!isObj(ev)) continue;
        const copy = clone(messages) as Msg[];
        const e = (copy[i]!.event as Msg)[kind] as Msg;
        // eslogger writes the es_destination union under `destination` for both events.
        const holder = isObj(e.destination) ? e.destination : undefined;
        if (!holder) continue;
        const base = `event.${kind}.destination`;
        // With both members (a malformed record), destination_type says which one is meant.
        const isNew = isObj(holder.new_path) && (!isObj(holder.existing_file) || e.destination_type === 1);
        if (!isNew && isObj(holder.existing_file) && typeof holder.existing_file.path === 'string') {
          const p = holder.existing_file.path;
          const cut = p.lastIndexOf('/');
          if (cut < 0) continue;
          const dir = { ...holder.existing_file, path: cut === 0 ? '/' : p.slice(0, cut) };
          delete holder.existing_file;
          holder.new_path = { dir, filename: p.slice(cut + 1), ...(kind === 'create' ? { mode: 420 } : {}) };
          e.destination_type = 1;
          out.push({ variant: 'destination-form', description: `${kind} destination existing_file → new_path`, fields: [`${base}.new_path`, `event.${kind}.destination_type`], messages: copy });
        } else if (isObj(holder.new_path) && isObj(holder.new_path.dir) && typeof holder.new_path.dir.path === 'string' && typeof holder.new_path.filename === 'string') {
          const dir = holder.new_path.dir.path;
          const file = { ...holder.new_path.dir, path: `${dir.endsWith('/') ? dir : `${dir}/`}${holder.new_path.filename}` };
          delete holder.new_path;
          holder.existing_file = file;
          e.destination_type = 0;
          out.push({ variant: 'destination-form', description: `${kind} destination new_path → existing_file`, fields: [`${base}.existing_file`, `event.${kind}.destination_type`], messages: copy });
        }
      }
    });
    return out;
  },
};

/** audit_token_t as eslogger writes it: val[0..7] = auid, euid, egid, ruid, rgid, pid, asid, pidversion. */
const TOKEN_KEYS = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'] as const;
const isTokenKey = (k: string): boolean => k === 'audit_token' || k.endsWith('_audit_token') || k === 'instigator_token' || k.endsWith('_token');

function convertTokens(v: unknown, toArray: boolean, path: string, changed: string[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => convertTokens(x, toArray, `${path}[${i}]`, changed));
  if (!isObj(v)) return;
  for (const k of Object.keys(v)) {
    const t = v[k];
    const p = path ? `${path}.${k}` : k;
    if (isTokenKey(k) && toArray && isObj(t) && TOKEN_KEYS.every((n) => typeof t[n] === 'number')) {
      v[k] = TOKEN_KEYS.map((n) => t[n]);
      changed.push(p);
    } else if (isTokenKey(k) && !toArray && Array.isArray(t) && t.length === 8 && t.every((x) => typeof x === 'number')) {
      v[k] = Object.fromEntries(TOKEN_KEYS.map((n, i) => [n, t[i]]));
      changed.push(p);
    } else {
      convertTokens(t, toArray, p, changed);
    }
  }
}

/**
 * Audit tokens as objects (message version ≤ 9) ↔ 8-integer arrays (version 10, macOS 26). The message
 * version moves with the form, as eslogger writes it.
 */
export const auditTokenForm: VariantGenerator = {
  id: 'audit-token-form',
  summary: 'audit tokens as objects (message version ≤ 9) ↔ 8-integer arrays (version 10, macOS 26)',
  generate: (messages) =>
    [true, false].flatMap((toArray) => {
      const copy = clone(messages) as Msg[];
      const fields: string[] = [];
      for (const m of copy) {
        const before = fields.length;
        convertTokens(m, toArray, '', fields);
        if (fields.length > before && typeof m.version === 'number') m.version = toArray ? Math.max(m.version, 10) : Math.min(m.version, 9);
      }
      return fields.length ? [{ variant: 'audit-token-form', description: toArray ? 'audit tokens as 8-integer arrays (version 10)' : 'audit tokens as objects (version 9)', fields: [...new Set(fields)], messages: copy }] : [];
    }),
};

/**
 * Fields each message version added (what an older macOS does not send), newest first. A field path
 * is relative to the message; `*` matches any process object (`process`, `event.exec.target`, …).
 */
const ADDED_IN: readonly { version: number; fields: readonly string[] }[] = [
  { version: 10, fields: ['*.cs_validation_category'] },
  { version: 9, fields: ['event.signal.instigator'] },
  { version: 8, fields: ['event.*.instigator_token', 'event.*.instigator', 'event.mount.disposition', 'event.remount.disposition', 'event.remount.remount_flags'] },
  { version: 7, fields: ['event.exec.dyld_exec_path'] },
  { version: 6, fields: ['event.exec.image_cputype', 'event.exec.image_cpusubtype', 'event.close.was_mapped_writable'] },
  { version: 5, fields: ['event.get_task.type', 'event.get_task_read.type', 'event.get_task_inspect.type', 'event.get_task_name.type'] },
  { version: 4, fields: ['thread', 'global_seq_num', '*.responsible_audit_token', '*.parent_audit_token', 'event.exec.last_fd'] },
];

/** Message versions to try: macOS 13–14 (7, the last before the v8 fields) and macOS 10.15.4 (3, before parent and responsible tokens). */
const OLDER_VERSIONS = [7, 3] as const;
/** Event types that exist on that macOS: the highest event_type number each version's OS knows. */
const LAST_TYPE: Record<number, number> = { 7: 145, 3: 87 };

function dropField(v: unknown, parts: string[], path: string, changed: string[]): void {
  if (!isObj(v) || parts.length === 0) return;
  const [head, ...rest] = parts;
  if (head === '*') {
    // Any depth: the field on this object or any nested object.
    dropField(v, rest, path, changed);
    for (const k of Object.keys(v)) if (isObj(v[k])) dropField(v[k], parts, path ? `${path}.${k}` : k, changed);
    return;
  }
  const p = path ? `${path}.${head}` : head!;
  if (rest.length === 0) {
    if (head! in v) {
      delete v[head!];
      changed.push(p);
    }
    return;
  }
  dropField(v[head!], rest, p, changed);
}

/**
 * The same events as an older macOS reports them: the message `version` lowered and the fields newer
 * versions added removed. Only for cases whose event types all exist on that macOS.
 */
export const messageVersion: VariantGenerator = {
  id: 'message-version',
  summary: 'older message versions (7: macOS 13–14, 3: macOS 10.15.4) without the fields newer versions added',
  generate: (messages) =>
    OLDER_VERSIONS.flatMap((version) => {
      if (!messages.every((m) => typeof m.version === 'number' && m.version > version && typeof m.event_type === 'number' && m.event_type <= LAST_TYPE[version]!)) return [];
      const copy = clone(messages) as Msg[];
      const fields: string[] = [];
      for (const m of copy) {
        m.version = version;
        for (const added of ADDED_IN) if (added.version > version) for (const f of added.fields) dropField(m, f.split('.'), '', fields);
        // Tokens as arrays are a version-10 form; an older message writes them as objects.
        convertTokens(m, false, '', []);
      }
      return [{ variant: 'message-version', description: `message version ${version}`, fields: ['version', ...new Set(fields)], messages: copy }];
    }),
};

/** Every generator, in the order reports list them. */
export const GENERATORS: readonly VariantGenerator[] = [flagBundle, flagUnbundle, flagOrder, longOptionForm, privatePath, pathCase, argv0Form, shellQuoting, destinationForm, auditTokenForm, messageVersion];

export const VARIANT_IDS: readonly string[] = GENERATORS.map((g) => g.id);
