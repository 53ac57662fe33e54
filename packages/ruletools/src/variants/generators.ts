/**
 * One file on purpose (~530 lines): the generators are a table that reads best side by side (each is short; together they define the variant ids users accept).
 *
 * The variant generators. Each rewrites the ES messages of a positive test case into what the same
 * procedure looks like when an attacker types it differently, or when another macOS version reports it.
 * A generator changes only what is equivalent for the system: a path only where the string is a path,
 * a flag only where getopt reads both forms alike.
 */
import type { EsMessage } from '@nightjar/core';
import type { VariantChange, VariantGenerator, VariantName } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const key = (path: string, k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k);

/** Deep copies of the messages and a change log; `done` returns undefined when nothing changed. */
function session(messages: readonly EsMessage[]) {
  const out = messages.map((m) => structuredClone<EsMessage>(m));
  const changes: VariantChange[] = [];
  return {
    out,
    changes,
    note: (field: string, from: unknown, to: unknown) => changes.push({ field, from, to }),
    done: () => (changes.length ? { messages: out, changes } : undefined),
  };
}

const prefix = (i: number, n: number) => (n > 1 ? `[${i}].` : '');

/** The exec argv of each message that has one, with its key path. */
function* argvs(out: EsMessage[]): Generator<{ args: unknown[]; field: string; msg: Obj }> {
  for (let i = 0; i < out.length; i++) {
    const m = out[i] as Obj;
    const exec = isObj(m.event) && isObj(m.event.exec) ? m.event.exec : undefined;
    if (exec && Array.isArray(exec.args))
      yield { args: exec.args, field: `${prefix(i, out.length)}event.exec.args`, msg: m };
  }
}

/** Every string under a `path` key (es_file_t paths, anywhere in the message), with its key path. */
function* pathStrings(out: EsMessage[]): Generator<{ holder: Obj; field: string; value: string }> {
  function* walk(v: unknown, at: string): Generator<{ holder: Obj; field: string; value: string }> {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* walk(v[i], key(at, i));
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'path' && typeof x === 'string') yield { holder: v, field: key(at, k), value: x };
        else yield* walk(x, key(at, k));
      }
    }
  }
  for (let i = 0; i < out.length; i++) yield* walk(out[i], prefix(i, out.length).replace(/\.$/, ''));
}

// ---- short flags -------------------------------------------------------------------------------

const SHORT = /^-[A-Za-z0-9]$/;
/** Tools whose bundled short options (`-wa`, `-rf`, `-lc`) are getopt bundles, not single-dash words. */
const GETOPT_TOOLS = new Set([
  'security',
  'ls',
  'ps',
  'rm',
  'cp',
  'mv',
  'ln',
  'mkdir',
  'chmod',
  'chown',
  'chflags',
  'chgrp',
  'tar',
  'zip',
  'unzip',
  'ditto',
  'curl',
  'wget',
  'grep',
  'egrep',
  'fgrep',
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'xattr',
  'ssh',
  'scp',
  'nc',
  'netstat',
  'lsof',
  'kill',
  'pkill',
  'killall',
  'cat',
  'head',
  'tail',
  'sudo',
  'uname',
  'id',
  'who',
  'base64',
  'arp',
  'du',
  'df',
  'sed',
  'xxd',
  'shasum',
  'sort',
  'uniq',
  'wc',
  'touch',
  'stat',
  'file',
  'hexdump',
  'nohup',
  'screencapture',
  'csrutil',
  'rsync',
  'perl',
  'python3',
  'python',
]);
const BUNDLE = /^-[A-Za-z]{2,}$/;

/**
 * Runs of consecutive single-letter options after argv[0] (stopping at `--`). `valued` is true when the
 * last option of the run is followed by a non-option argument, which may be its value: that option stays
 * last and keeps its value next to it.
 */
function flagRuns(args: unknown[]): { start: number; end: number; valued: boolean }[] {
  const runs: { start: number; end: number; valued: boolean }[] = [];
  let i = 1;
  while (i < args.length) {
    const a = args[i];
    if (a === '--') break;
    if (typeof a === 'string' && SHORT.test(a)) {
      const start = i;
      while (i < args.length && typeof args[i] === 'string' && SHORT.test(args[i] as string)) i++;
      const next = args[i];
      runs.push({ start, end: i, valued: i < args.length && typeof next === 'string' && !next.startsWith('-') });
      continue;
    }
    i++;
  }
  return runs;
}

/**
 * A generator that rewrites each exec's argv in place (`rewrite` mutates `args`); an argv that changed is
 * noted with its before and after.
 */
function argvRewrite(name: VariantName, description: string, rewrite: (args: unknown[]) => void): VariantGenerator {
  return {
    name,
    description,
    apply(messages) {
      const s = session(messages);
      for (const { args, field } of argvs(s.out)) {
        const before = [...args];
        rewrite(args);
        if (before.length !== args.length || before.some((a, i) => a !== args[i])) s.note(field, before, [...args]);
      }
      return s.done();
    },
  };
}

const flagsBundled = argvRewrite(
  'flags-bundled',
  "consecutive short options bundled into one argument: '-w -a' → '-wa' (getopt reads both alike)",
  (args) => {
    // getopt reads `-wa alice` as `-w -a alice`, so for a getopt tool the option before a value may end
    // the bundle; for another tool it stays alone with its value.
    const getopt = typeof args[0] === 'string' && GETOPT_TOOLS.has(basename(args[0]));
    // Right to left so earlier indices stay valid.
    for (const r of flagRuns(args).reverse()) {
      const end = r.valued && !getopt ? r.end - 1 : r.end;
      if (end - r.start < 2) continue;
      // A digit option (`-9`) does not bundle with letters in every tool.
      const run = args.slice(r.start, end) as string[];
      if (run.some((a) => /\d/.test(a))) continue;
      args.splice(r.start, end - r.start, `-${run.map((a) => a.slice(1)).join('')}`);
    }
  },
);

const flagsSplit = argvRewrite(
  'flags-split',
  "a bundle of short options split into separate arguments: '-wa' → '-w' '-a'",
  (args) => {
    // Many macOS tools take single-dash words (find -name, defaults -currentHost, sqlite3 -line):
    // only split where the tool is known to read its options with getopt.
    if (typeof args[0] !== 'string' || !GETOPT_TOOLS.has(basename(args[0]))) return;
    for (let i = args.length - 1; i >= 1; i--) {
      const a = args[i];
      if (typeof a !== 'string' || !BUNDLE.test(a)) continue;
      if (args.slice(1, i).includes('--')) continue;
      // A repeated letter is more likely an option with its value attached (`-uroot`, `-oout`) than a bundle.
      if (new Set(a.slice(1)).size !== a.length - 1) continue;
      args.splice(i, 1, ...[...a.slice(1)].map((c) => `-${c}`));
    }
  },
);

const flagsReordered = argvRewrite(
  'flags-reordered',
  "flag-only short options in reverse order: '-w -g' → '-g -w' (an option followed by a value stays where it is)",
  (args) => {
    for (const r of flagRuns(args)) {
      const end = r.valued ? r.end - 1 : r.end;
      if (end - r.start < 2) continue;
      const run = args.slice(r.start, end).reverse();
      args.splice(r.start, run.length, ...run);
    }
  },
);

// ---- long options ------------------------------------------------------------------------------

/** Long options known to take a value, per tool (only these become `--opt=value`). */
const LONG_VALUED: Record<string, readonly string[]> = {
  curl: [
    '--output',
    '--data',
    '--data-binary',
    '--data-raw',
    '--upload-file',
    '--user-agent',
    '--header',
    '--request',
    '--url',
    '--proxy',
    '--cookie',
    '--form',
    '--user',
    '--referer',
  ],
  wget: ['--output-document', '--user-agent', '--post-data', '--post-file', '--header'],
};

const longEquals = argvRewrite(
  'long-option-equals',
  "a long option and its value joined: '--output x' → '--output=x' (only options known to take a value)",
  (args) => {
    const tool = typeof args[0] === 'string' ? basename(args[0]) : '';
    const valued = LONG_VALUED[tool];
    if (!valued) return;
    for (let i = args.length - 2; i >= 1; i--) {
      const a = args[i];
      if (typeof a === 'string' && valued.includes(a) && typeof args[i + 1] === 'string')
        args.splice(i, 2, `${a}=${args[i + 1] as string}`);
    }
  },
);

const longSpace = argvRewrite(
  'long-option-space',
  "a '--option=value' argument split in two: '--output=x' → '--output' 'x'",
  (args) => {
    for (let i = args.length - 1; i >= 1; i--) {
      const a = args[i];
      const m = typeof a === 'string' ? /^(--[A-Za-z0-9][\w-]*)=(.*)$/s.exec(a) : null;
      if (m) args.splice(i, 1, m[1]!, m[2]!);
    }
  },
);

// ---- paths -------------------------------------------------------------------------------------

const ADD_PRIVATE = /(^|[\s'"=:;|&(`])\/(tmp|var|etc)(?=\/|$|[\s'"`;|&)])/g;
const REMOVE_PRIVATE = /(^|[\s'"=:;|&(`])\/private\/(tmp|var|etc)(?=\/|$|[\s'"`;|&)])/g;

/** A path-rewrite generator over file paths (unless `argsOnly`) and the argv strings that hold paths. */
function pathVariant(
  name: VariantName,
  description: string,
  rewrite: (s: string) => string,
  inArgs: (a: string) => boolean,
  argsOnly = false,
): VariantGenerator {
  return {
    name,
    description,
    apply(messages) {
      const s = session(messages);
      for (const p of argsOnly ? [] : pathStrings(s.out)) {
        const to = rewrite(p.value);
        if (to !== p.value) {
          p.holder.path = to;
          s.note(p.field, p.value, to);
        }
      }
      for (const { args, field } of argvs(s.out)) {
        for (let i = 1; i < args.length; i++) {
          const a = args[i];
          if (typeof a !== 'string' || !inArgs(a)) continue;
          const to = rewrite(a);
          if (to !== a) {
            args[i] = to;
            s.note(key(field, i), a, to);
          }
        }
      }
      return s.done();
    },
  };
}

const privateAdded = pathVariant(
  'private-prefix-added',
  "'/tmp', '/var' and '/etc' written as their real paths '/private/tmp', '/private/var', '/private/etc'",
  (p) => p.replace(ADD_PRIVATE, '$1/private/$2'),
  () => true,
);
const privateRemoved = pathVariant(
  'private-prefix-removed',
  "'/private/tmp', '/private/var' and '/private/etc' typed through their symlinks '/tmp', '/var', '/etc' in argv",
  (p) => p.replace(REMOVE_PRIVATE, '$1/$2'),
  () => true,
  // ES reports a file's path resolved (the kernel's path of the vnode): a file event says /private/tmp/x
  // however the program named it, so only what was typed (argv) takes the short form.
  true,
);
/** APFS is case-insensitive by default: the same file under another case. Only strings that are paths. */
const pathCase = pathVariant(
  'path-case',
  'file paths (and argv arguments that are absolute paths) in upper case: APFS volumes are case-insensitive by default',
  (p) => p.toUpperCase(),
  // An absolute path, not a command line that starts with one ('/bin/sh &', '/usr/bin/curl -s x | sh').
  (a) => /^\/[^&|;<>$`'"]*$/.test(a) && !/\s-/.test(a),
);

// ---- argv[0] -----------------------------------------------------------------------------------

function execTargetPath(m: Obj): string | undefined {
  const exec = isObj(m.event) && isObj(m.event.exec) ? m.event.exec : undefined;
  const t = exec && isObj(exec.target) && isObj(exec.target.executable) ? exec.target.executable.path : undefined;
  return typeof t === 'string' ? t : undefined;
}

const argv0Bare: VariantGenerator = {
  name: 'argv0-bare',
  description: "argv[0] as the bare tool name the shell found on PATH: '/usr/bin/curl' → 'curl'",
  apply(messages) {
    const s = session(messages);
    for (const { args, field } of argvs(s.out)) {
      const a = args[0];
      if (typeof a === 'string' && a.includes('/') && basename(a) !== '') {
        args[0] = basename(a);
        s.note(`${field}[0]`, a, args[0]);
      }
    }
    return s.done();
  },
};

const argv0Absolute: VariantGenerator = {
  name: 'argv0-absolute',
  description: "argv[0] as the absolute path of the executable: 'curl' → '/usr/bin/curl'",
  apply(messages) {
    const s = session(messages);
    for (const { args, field, msg } of argvs(s.out)) {
      const a = args[0];
      const target = execTargetPath(msg);
      if (typeof a === 'string' && !a.includes('/') && target && basename(target) === a && target !== a) {
        args[0] = target;
        s.note(`${field}[0]`, a, target);
      }
    }
    return s.done();
  },
};

// ---- command lines inside script arguments ------------------------------------------------------

/** The argument after `-c`/`-e` (a shell, osascript, perl or python script) when it holds a command line. */
function* scriptArgs(args: unknown[]): Generator<number> {
  for (let i = 2; i < args.length; i++) {
    const prev = args[i - 1];
    const a = args[i];
    if (typeof prev === 'string' && /^-[A-Za-z]*[ce]$/.test(prev) && typeof a === 'string' && /\S\s+\S/.test(a))
      yield i;
  }
}

const commandSpacing: VariantGenerator = {
  name: 'command-spacing',
  description: "a script passed with -c/-e written with doubled spaces between words: 'curl -s x' → 'curl  -s  x'",
  apply(messages) {
    const s = session(messages);
    for (const { args, field } of argvs(s.out)) {
      for (const i of scriptArgs(args)) {
        const a = args[i] as string;
        const to = a.replace(/ /g, '  ');
        args[i] = to;
        s.note(key(field, i), a, to);
      }
    }
    return s.done();
  },
};

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

const commandQuoting: VariantGenerator = {
  name: 'command-quoting',
  description: "the command word of a shell's -c script quoted, as the shell allows: 'curl -s x' → '\"curl\" -s x'",
  apply(messages) {
    const s = session(messages);
    for (const { args, field } of argvs(s.out)) {
      // Only a shell strips quotes from a command word; in AppleScript, Perl or Python it makes a string.
      if (typeof args[0] !== 'string' || !SHELLS.has(basename(args[0]))) continue;
      for (const i of scriptArgs(args)) {
        const a = args[i] as string;
        const m = /^(\s*)([A-Za-z0-9_./-]+)(\s)/.exec(a);
        if (!m) continue;
        const to = `${m[1]}"${m[2]}"${a.slice(m[1]!.length + m[2]!.length)}`;
        args[i] = to;
        s.note(key(field, i), a, to);
      }
    }
    return s.done();
  },
};

// ---- message shapes ----------------------------------------------------------------------------

/** rename and create payloads (both carry `destination_type` and a destination union). */
function* destinations(out: EsMessage[]): Generator<{ payload: Obj; field: string; kind: 'rename' | 'create' }> {
  for (let i = 0; i < out.length; i++) {
    const m = out[i] as Obj;
    if (!isObj(m.event)) continue;
    for (const kind of ['rename', 'create'] as const) {
      const p = m.event[kind];
      if (isObj(p) && isObj(p.destination))
        yield { payload: p, field: `${prefix(i, out.length)}event.${kind}.destination`, kind };
    }
  }
}

const destinationNewPath: VariantGenerator = {
  name: 'destination-new-path',
  description:
    'a rename destination reported as new_path {dir, filename} instead of existing_file (nothing was there yet)',
  apply(messages) {
    const s = session(messages);
    for (const { payload, field, kind } of destinations(s.out)) {
      // A NOTIFY create names the file it made as existing_file; ES reports new_path there only when
      // the AUTH_CREATE was denied, that is when no file was created. A rename has both forms.
      if (kind === 'create') continue;
      const d = payload.destination as Obj;
      const f = d.existing_file;
      // destination_type says which member of the union is meant (brief events may carry both).
      if (payload.destination_type === 1 || !isObj(f) || typeof f.path !== 'string') continue;
      const slash = f.path.lastIndexOf('/');
      if (slash <= 0) continue;
      const dir = { ...f, path: f.path.slice(0, slash) };
      payload.destination_type = 1;
      payload.destination = { new_path: { dir, filename: f.path.slice(slash + 1), mode: 420 } };
      s.note(
        field,
        { existing_file: { path: f.path } },
        { new_path: { dir: { path: dir.path }, filename: f.path.slice(slash + 1) } },
      );
    }
    return s.done();
  },
};

const destinationExisting: VariantGenerator = {
  name: 'destination-existing-file',
  description:
    'a rename/create destination reported as existing_file (the file existed and was replaced) instead of new_path',
  apply(messages) {
    const s = session(messages);
    for (const { payload, field } of destinations(s.out)) {
      const d = payload.destination as Obj;
      const np = d.new_path;
      if (
        payload.destination_type === 0 ||
        !isObj(np) ||
        !isObj(np.dir) ||
        typeof np.dir.path !== 'string' ||
        typeof np.filename !== 'string'
      )
        continue;
      const path = `${np.dir.path.replace(/\/$/, '')}/${np.filename}`;
      payload.destination_type = 0;
      payload.destination = { existing_file: { ...np.dir, path } };
      s.note(field, { new_path: { dir: { path: np.dir.path }, filename: np.filename } }, { existing_file: { path } });
    }
    return s.done();
  },
};

/** `val[0..7]` order of audit_token_t, the order message version 10 writes the array in. */
const TOKEN_KEYS = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'] as const;
const isTokenObject = (v: unknown): v is Obj => isObj(v) && TOKEN_KEYS.every((k) => typeof v[k] === 'number');
const isTokenArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length === 8 && v.every((x) => typeof x === 'number');
const isTokenKey = (k: string) => k === 'audit_token' || k.endsWith('_token');

function tokenVariant(
  name: VariantName,
  description: string,
  version: (v: unknown) => unknown,
  convert: (v: unknown) => unknown,
): VariantGenerator {
  return {
    name,
    description,
    apply(messages) {
      const s = session(messages);
      const walk = (v: unknown, at: string): void => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, key(at, i)));
        else if (isObj(v)) {
          for (const [k, x] of Object.entries(v)) {
            const to = isTokenKey(k) ? convert(x) : undefined;
            if (to !== undefined) {
              v[k] = to;
              s.note(key(at, k), x, to);
            } else walk(x, key(at, k));
          }
        }
      };
      s.out.forEach((m, i) => {
        const before = s.changes.length;
        walk(m, prefix(i, s.out.length).replace(/\.$/, ''));
        if (s.changes.length > before) {
          const o = m as Obj;
          const v = version(o.version);
          if (v !== o.version) {
            s.note(key(prefix(i, s.out.length).replace(/\.$/, ''), 'version'), o.version, v);
            o.version = v;
          }
        }
      });
      return s.done();
    },
  };
}

const tokenArray = tokenVariant(
  'audit-token-array',
  'audit tokens as the 8-integer array message version 10 (macOS 26) writes, and version 10',
  (v) => (typeof v === 'number' && v >= 10 ? v : 10),
  (x) => (isTokenObject(x) ? TOKEN_KEYS.map((k) => x[k] as number) : undefined),
);
const tokenObject = tokenVariant(
  'audit-token-object',
  'audit tokens as the {auid, euid, …, pidversion} object of message versions before 10, and version 9',
  (v) => (typeof v === 'number' && v < 10 ? v : 9),
  (x) => (isTokenArray(x) ? Object.fromEntries(TOKEN_KEYS.map((k, i) => [k, x[i]])) : undefined),
);

/** The oldest version eslogger writes (macOS 13.0), and the fields later versions added. */
const OLDER_VERSION = 6;
const NEWER_FIELDS: readonly (readonly string[])[] = [
  ['process', 'cs_validation_category'],
  ['event', 'exec', 'target', 'cs_validation_category'],
  ['event', 'exec', 'dyld_exec_path'],
  ['event', 'signal', 'instigator'],
  ['event', 'mount', 'disposition'],
  ['event', 'remount', 'disposition'],
  ['event', 'remount', 'remount_flags'],
];

const messageVersionOlder: VariantGenerator = {
  name: 'message-version-older',
  description: `the message as version ${OLDER_VERSION} (macOS 13, the oldest eslogger) writes it: newer fields (instigator tokens, cs_validation_category, dyld_exec_path, …) absent`,
  apply(messages) {
    const s = session(messages);
    s.out.forEach((m, i) => {
      const o = m as Obj;
      if (typeof o.version !== 'number' || o.version <= OLDER_VERSION) return;
      // Array tokens exist only in version 10; the audit-token variants cover that shape.
      if (isObj(o.process) && Array.isArray(o.process.audit_token)) return;
      const at = prefix(i, s.out.length);
      s.note(`${at}version`, o.version, OLDER_VERSION);
      o.version = OLDER_VERSION;
      for (const path of NEWER_FIELDS) {
        let cur: unknown = o;
        for (const k of path.slice(0, -1)) cur = isObj(cur) ? cur[k] : undefined;
        const last = path[path.length - 1]!;
        if (isObj(cur) && last in cur) {
          s.note(`${at}${path.join('.')}`, cur[last], undefined);
          delete cur[last];
        }
      }
      // Version 8 added instigator tokens to many payloads (btm, od_*, authorization_*, …); the
      // `instigator` process of btm events is older (macOS 13) and stays.
      const payload = isObj(o.event) ? Object.entries(o.event)[0] : undefined;
      if (payload && isObj(payload[1])) {
        for (const k of Object.keys(payload[1])) {
          if (k === 'instigator_token') {
            s.note(`${at}event.${payload[0]}.${k}`, payload[1][k], undefined);
            delete payload[1][k];
          }
        }
      }
    });
    return s.done();
  },
};

/** All generators, in VARIANT_NAMES order. */
export const GENERATORS: readonly VariantGenerator[] = [
  flagsBundled,
  flagsSplit,
  flagsReordered,
  longEquals,
  longSpace,
  privateAdded,
  privateRemoved,
  pathCase,
  argv0Bare,
  argv0Absolute,
  commandSpacing,
  commandQuoting,
  destinationNewPath,
  destinationExisting,
  tokenArray,
  tokenObject,
  messageVersionOlder,
];
