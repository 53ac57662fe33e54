/**
 * One file on purpose (~500 lines): the shell interpreter's commands, redirections and expansions share one execution state.
 *
 * Runs a parsed shell script on the simulated Mac the way sh/bash would: each external command is a
 * fork of the shell then an exec of the program's absolute path; redirections are opened by the
 * forked child before its exec (or by the shell itself for builtins); `sudo` execs as euid 0 and
 * forks the command as root; scripts run by `sh -c`, `sh file` or an interpreter's `-c` are read
 * and run in turn. What the programs themselves do to files is modelled in `tools.ts`.
 *
 * Loops run at most ten iterations (a 65,535-port scan becomes ten connects, a /24 ping sweep ten
 * pings): the fixtures show the shape of a procedure, not its volume.
 */
import { FFLAG } from '../es.js';
import { ROOT, type Proc, type World } from '../world.js';
import { parse, type Node, type Redir, type Word } from './shell.js';
import { normalize, resolveProgram } from './paths.js';
import { runTool, fakeOutput } from './tools.js';

export const LOOP_CAP = 10;

class ExitSignal {
  constructor(readonly status: number) {}
}

/** State shared by every process of one atomic run. */
export interface Machine {
  readonly w: World;
  /** Contents of files the run wrote, by absolute path (scripts run later are read from here). */
  readonly files: Map<string, string>;
  /** Paths the run deleted (so a later `[ -f ]` or `touch` sees them gone). */
  readonly deleted: Set<string>;
  /** Extra behaviour of payload binaries the corpus does not include, by absolute path. */
  readonly payloads: Map<string, (m: Machine, p: Proc, args: string[]) => void>;
}

export interface Sh {
  readonly m: Machine;
  proc: Proc;
  readonly vars: Map<string, string>;
  cwd: string;
  /** Standard input text (from a pipe or here-string), when known. */
  stdin: string;
  /** Captured standard output, for `$( )`. */
  out: string[];
  /** bash (brace expansion, `{a,b}`) or sh. */
  readonly bash: boolean;
}

const HOME = '/Users/alice';

/** Files every Mac has: writing them modifies, never creates. */
const EXISTING = [
  /^\/(private\/)?etc\/(rc\.common|passwd|master\.passwd|group|hosts|sudoers|shells|profile|zshrc|bashrc|ssh\/|emond\.d\/rules\/SampleRules|periodic\/(daily|weekly|monthly)\/\d)/,
  /^\/(private\/)?var\/log\//,
  /^\/(private\/)?var\/audit\//,
  /^\/dev\//,
  /^\/Users\/alice\/\.(bashrc|bash_history|zshrc|zsh_history|profile|bash_profile|ssh\/authorized_keys|ssh\/id_rsa)$/,
  /^\/Users\/alice\/Library\/(Keychains|Preferences|Mail|Cookies|Application Support|Containers|Group Containers)\//,
  /^\/Library\/(Preferences|Extensions|LaunchDaemons)\//,
  /^\/Applications\//,
  /^\/(System|usr|bin|sbin)\//,
  /^\/Users\/alice\/AtomicRedTeam\//,
  /^\/tmp\/(AtomicRedTeam|victim-files|victim-folder|adversary-|T1070\.006|evil$|t1040_|T1222002|T1547006|t1547007|WhiteChocolate|keychain$)/,
  /^\/var\/tmp\/$/,
];

export function exists(m: Machine, path: string): boolean {
  if (m.deleted.has(path)) return false;
  return m.files.has(path) || EXISTING.some((r) => r.test(path));
}

/**
 * The path ES reports for a file the script names: absolute, and through the /tmp, /var and /etc
 * symbolic links (ES gives the real path, /private/tmp/x, for /tmp/x).
 */
export function absPath(sh: Sh, p: string): string {
  if (p.startsWith('~')) p = HOME + p.slice(1);
  return realPath(normalize(p.startsWith('/') ? p : `${sh.cwd}/${p}`));
}

export function realPath(p: string): string {
  return /^\/(tmp|var|etc)(\/|$)/.test(p) ? `/private${p}` : p;
}

// ---- expansion ---------------------------------------------------------------------------------

function commandSubst(sh: Sh, src: string): string {
  // A command substitution is a forked subshell; its commands are that child's children.
  const child = sh.m.w.fork(sh.proc);
  const sub: Sh = { ...sh, proc: child, vars: new Map(sh.vars), out: [], stdin: '' };
  try {
    run(sub, parse(src));
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
  }
  sh.m.w.exit(child);
  return sub.out.join('').replace(/\n+$/, '');
}

function varValue(sh: Sh, name: string): string {
  if (name === '?') return '0';
  if (name === 'HOME') return HOME;
  if (name === 'USER') return 'alice';
  if (name === '$') return String(sh.proc.pid);
  return sh.vars.get(name) ?? '';
}

/** Expands one word into fields: quotes removed, `$x`/`${x}`/`$( )`/backticks replaced, unquoted expansions split. */
export function expandWord(sh: Sh, word: Word): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  const pushSplit = (v: string): void => {
    const parts = v.split(/\s+/);
    parts.forEach((part, k) => {
      if (k > 0 && (cur || has)) {
        fields.push(cur);
        cur = '';
        has = false;
      }
      cur += part;
      if (part) has = true;
    });
  };
  const dollar = (s: string, i: number, quoted: boolean): number => {
    if (s.startsWith('$(', i)) {
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth; j++) {
        if (s[j] === "'") j = s.indexOf("'", j + 1);
        else if (s[j] === '(') depth++;
        else if (s[j] === ')') depth--;
      }
      const v = commandSubst(sh, s.slice(i + 2, j - 1));
      if (quoted) cur += v;
      else pushSplit(v);
      has = true;
      return j;
    }
    const m = /^\$(?:\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@*]))/.exec(s.slice(i));
    if (!m) {
      cur += '$';
      return i + 1;
    }
    const v = varValue(sh, (m[1] ?? m[2])!.replace(/[:#%].*$/, ''));
    if (quoted) cur += v;
    else pushSplit(v);
    has = true;
    return i + m[0].length;
  };
  let i = 0;
  while (i < word.length) {
    const c = word[i]!;
    if (c === "'") {
      const j = word.indexOf("'", i + 1);
      cur += word.slice(i + 1, j);
      has = true;
      i = j + 1;
    } else if (c === '"') {
      has = true;
      i++;
      while (i < word.length && word[i] !== '"') {
        const d = word[i]!;
        if (d === '\\' && /["\\$`]/.test(word[i + 1] ?? '')) {
          cur += word[i + 1];
          i += 2;
        } else if (d === '$') i = dollar(word, i, true);
        else if (d === '`') {
          const j = word.indexOf('`', i + 1);
          cur += commandSubst(sh, word.slice(i + 1, j));
          i = j + 1;
        } else {
          cur += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      cur += word[i + 1] ?? '';
      has = true;
      i += 2;
    } else if (c === '$') i = dollar(word, i, false);
    else if (c === '`') {
      const j = word.indexOf('`', i + 1);
      pushSplit(commandSubst(sh, word.slice(i + 1, j)));
      i = j + 1;
    } else {
      cur += c;
      has = true;
      i++;
    }
  }
  if (cur || has) fields.push(cur);
  return fields;
}

/** bash brace expansion of an unquoted word: `{w,b}tmp`, `{1..3}`, `{echo,x}` (sh leaves it). */
function braces(word: Word): Word[] {
  const m = /^([^'"{]*)\{([^{}'"]*(?:,|\.\.)[^{}]*)\}(.*)$/.exec(word);
  if (!m) return [word];
  const [, pre, body, post] = m;
  let items: string[];
  const r = /^(\d+)\.\.(\d+)$/.exec(body!);
  if (r) {
    const a = Number(r[1]);
    const b = Number(r[2]);
    items = [];
    for (let k = a; k <= Math.min(b, a + LOOP_CAP - 1); k++) items.push(String(k));
  } else items = body!.split(',');
  return items.flatMap((x) => braces(`${pre}${x}${post}`));
}

function expandAll(sh: Sh, words: Word[]): string[] {
  return words.flatMap((w) => (sh.bash ? braces(w) : [w])).flatMap((w) => expandWord(sh, w));
}

// ---- redirections ------------------------------------------------------------------------------

/** A program writing a whole file: create when new, open, write, close (modified). */
export function writeFile(m: Machine, p: Proc, path: string, text: string, append: boolean): void {
  if (SPECIAL(path)) return;
  const w = m.w;
  const had = exists(m, path);
  if (!had) w.create(p, path);
  w.open(p, path, FFLAG.FWRITE | (append ? FFLAG.O_APPEND : FFLAG.O_CREAT | FFLAG.O_TRUNC));
  if (text.length) w.write(p, path, Math.max(1, text.length));
  w.close(p, path, true);
  m.deleted.delete(path);
  m.files.set(path, (append ? (m.files.get(path) ?? '') : '') + text);
}

export function readFile(m: Machine, p: Proc, path: string): string {
  if (path.startsWith('/dev/')) return '';
  m.w.open(p, path, FFLAG.FREAD);
  m.w.close(p, path, false);
  return m.files.get(path) ?? '';
}

export interface Opened {
  outPath?: { path: string; append: boolean; opened: boolean } | undefined;
}

/** Opens (creating or truncating) a `>`/`>>` target: done by the forked child before its exec. */
function openForWrite(m: Machine, p: Proc, path: string, append: boolean): void {
  if (!exists(m, path)) m.w.create(p, path);
  const had = exists(m, path);
  m.w.open(p, path, FFLAG.FWRITE | (append ? FFLAG.O_APPEND : FFLAG.O_CREAT | FFLAG.O_TRUNC));
  m.deleted.delete(path);
  // Truncating a file that had contents changes it even when nothing is written.
  if (!append && had) m.files.set(path + '#truncated', '');
  if (!append || !m.files.has(path)) m.files.set(path, append ? (m.files.get(path) ?? '') : '');
}

const SPECIAL = (path: string): boolean =>
  path === '/dev/null' ||
  path.startsWith('/dev/tcp/') ||
  path.startsWith('/dev/fd/') ||
  path === '/dev/stdout' ||
  path === '/dev/stderr';

function applyRedirs(sh: Sh, p: Proc, redirs: Redir[]): Opened {
  const o: Opened = {};
  for (const r of redirs) {
    const target = expandWord(sh, r.target)[0] ?? '';
    if (r.op === '>&' && /^\d$/.test(target)) continue;
    const path = absPath(sh, target);
    if (r.op === '<') {
      sh.stdin = readFile(sh.m, p, path);
      continue;
    }
    if ((r.fd === 1 || r.op === '&>') && !SPECIAL(path)) {
      openForWrite(sh.m, p, path, r.op === '>>');
      o.outPath = { path, append: r.op === '>>', opened: true };
    }
  }
  return o;
}

/** The program's output: written to the redirection target (then closed, modified), or captured. */
function flushOut(sh: Sh, p: Proc, o: Opened, text: string): void {
  if (o.outPath) {
    const { path } = o.outPath;
    if (text.length) sh.m.w.write(p, path, Math.max(1, text.length));
    const truncated = sh.m.files.delete(path + '#truncated');
    sh.m.w.close(p, path, text.length > 0 || truncated);
    sh.m.files.set(path, (sh.m.files.get(path) ?? '') + text);
    o.outPath = undefined;
  } else sh.out.push(text);
}

/** Closes a redirection target nothing was written to. */
function closeOut(sh: Sh, p: Proc, o: Opened): void {
  if (o.outPath) flushOut(sh, p, o, '');
}

// ---- builtins ----------------------------------------------------------------------------------

const BUILTINS = new Set([
  'echo',
  'printf',
  'cd',
  'export',
  'unset',
  'set',
  'history',
  'trap',
  'exit',
  'true',
  'false',
  ':',
  '[',
  'test',
  'command',
  'read',
  'local',
  'return',
  'shift',
  'wait',
  'type',
  'alias',
  'eval',
  'source',
  '.',
  'ulimit',
  'umask',
  'hash',
  'shopt',
]);

/** Linux-only files (`[ -f /etc/lsb-release ]` is false on a Mac). */
const LINUX_ONLY =
  /^(\/private)?\/etc\/(lsb-release|redhat-release|issue|os-release|mtab)$|^\/home\b|^(\/private)?\/var\/spool\/cron/;

function testExpr(sh: Sh, a: string[]): boolean {
  const args = a[a.length - 1] === ']' ? a.slice(0, -1) : a;
  if (args[0] === '!') return !testExpr(sh, args.slice(1));
  if (args.length === 2 && /^-[fdexsr]$/.test(args[0]!)) {
    const p = absPath(sh, args[1]!);
    if (!args[1]) return false;
    return !LINUX_ONLY.test(p) && exists(sh.m, p);
  }
  if (args.length === 2 && args[0] === '-z') return args[1] === '';
  if (args.length === 2 && args[0] === '-n') return args[1] !== '';
  if (args.length === 3 && (args[1] === '=' || args[1] === '==')) return args[0] === args[2];
  if (args.length === 3 && args[1] === '!=') return args[0] !== args[2];
  if (args.length === 3 && args[1] === '-eq') return Number(args[0]) === Number(args[2]);
  return args.length > 0;
}

function builtin(sh: Sh, p: Proc, argv: string[], o: Opened): boolean {
  const [name, ...args] = argv;
  switch (name) {
    case 'echo': {
      const nl = args[0] === '-n' ? '' : '\n';
      flushOut(sh, p, o, (args[0] === '-n' ? args.slice(1) : args).join(' ') + nl);
      return true;
    }
    case 'printf':
      flushOut(sh, p, o, args.join(' '));
      return true;
    case 'cd':
      sh.cwd = absPath(sh, args[0] ?? HOME);
      return true;
    case 'export':
    case 'local':
      for (const a of args) {
        const i = a.indexOf('=');
        if (i > 0) sh.vars.set(a.slice(0, i), a.slice(i + 1));
      }
      return true;
    case 'unset':
      for (const a of args) sh.vars.delete(a);
      return true;
    case 'exit':
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- `exit` unwinds the interpreter to the shell; no stack needed
      throw new ExitSignal(Number(args[0] ?? 0));
    case 'false':
      return false;
    case '[':
    case 'test':
      return testExpr(sh, args);
    case 'command':
    case 'type': {
      const prog = args[args.length - 1] ?? '';
      const path = resolveProgram(prog, sh.cwd);
      if (path) flushOut(sh, p, o, path + '\n');
      return path !== null;
    }
    case 'eval':
    case 'source':
    case '.':
      if (name === 'eval') run(sh, parse(args.join(' ')));
      return true;
    default:
      return true;
  }
}

// ---- running -----------------------------------------------------------------------------------

/** Runs `argv` in an already forked (or exec-in-place) process `child`: exec, then the program's effects. */
export function execProgram(
  sh: Sh,
  child: Proc,
  argv: string[],
  o: Opened = {},
  env: string[] = [],
): { proc: Proc; ok: boolean } {
  const m = sh.m;
  const name = argv[0]!;
  const found = resolveProgram(name, sh.cwd);
  if (!found) return { proc: child, ok: false };
  // A virtual environment's python is a symbolic link to the interpreter it was made from.
  const path = /\/\.?v?env\/bin\/python3?$/.test(found)
    ? '/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions/3.9/bin/python3.9'
    : realPath(found);
  const asRoot = child.euid === ROOT;
  let proc: Proc;
  // A script run by path is executed by its interpreter (the kernel reads the #! line); ES reports
  // the interpreter as the executable and the script in `script`.
  const body = m.files.get(path);
  const isScript = /\.(sh|command)$/.test(path) || (body !== undefined && body.startsWith('#!'));
  if (path === '/usr/bin/cpan') {
    proc = m.w.exec(child, '/usr/bin/perl', ['/usr/bin/perl', path, ...argv.slice(1)], { script: path, cwd: sh.cwd });
  } else if (isScript && !path.startsWith('/bin/') && !path.startsWith('/usr/bin/')) {
    const interp = body?.startsWith('#!/bin/bash') ? '/bin/bash' : '/bin/sh';
    proc = m.w.exec(child, interp, [interp, path, ...argv.slice(1)], {
      script: path,
      cwd: sh.cwd,
      ...(env.length ? { env } : {}),
    });
  } else {
    proc = m.w.exec(child, path, argv, { cwd: sh.cwd, ...(asRoot ? {} : {}), ...(env.length ? { env } : {}) });
  }
  const out = runTool(sh, proc, path === realPath(found) ? path : found, argv, o);
  if (out !== undefined) flushOut(sh, proc, o, out);
  closeOut(sh, proc, o);
  return { proc, ok: true };
}

function simple(sh: Sh, n: Extract<Node, { kind: 'simple' }>, inPlace: boolean): boolean {
  // `! cmd` runs cmd and negates its status.
  if (n.words[0] === '!') return !simple(sh, { ...n, words: n.words.slice(1) }, inPlace);
  const m = sh.m;
  const assigns = n.assigns.map((a) => {
    const i = a.indexOf('=');
    return [a.slice(0, i), expandWord(sh, a.slice(i + 1)).join(' ')] as const;
  });
  const argv = expandAll(sh, n.words);
  if (!argv.length) {
    for (const [k, v] of assigns) sh.vars.set(k, v);
    if (n.redirs.length) applyRedirs(sh, sh.proc, n.redirs);
    return true;
  }
  if (BUILTINS.has(argv[0]!)) {
    const o = applyRedirs(sh, sh.proc, n.redirs);
    const ok = builtin(sh, sh.proc, argv, o);
    closeOut(sh, sh.proc, o);
    return ok;
  }
  if (!resolveProgram(argv[0]!, sh.cwd)) return false; // command not found: no exec
  const child = inPlace ? sh.proc : m.w.fork(sh.proc);
  const o = applyRedirs(sh, child, n.redirs);
  const env = assigns.map(([k, v]) => `${k}=${v}`);
  const { proc } = execProgram(sh, child, argv, o, env);
  if (inPlace) sh.proc = proc;
  else m.w.exit(proc);
  return true;
}

export function run(sh: Sh, n: Node, inPlace = false): boolean {
  switch (n.kind) {
    case 'simple':
      return simple(sh, n, inPlace);
    case 'list': {
      let ok = true;
      n.items.forEach((it, k) => {
        // sh -c execs its last simple command in place when that command is the whole script.
        const last = inPlace && n.items.length === 1 && k === 0;
        ok = run(sh, it.node, last);
      });
      return ok;
    }
    case 'andor': {
      let ok = run(sh, n.first);
      for (const r of n.rest) {
        if ((r.op === '&&') === ok) ok = run(sh, r.node);
      }
      return ok;
    }
    case 'pipeline': {
      // Each element of a pipeline is a forked child of the shell; builtins run in that child.
      let stdin = sh.stdin;
      let ok = true;
      for (const c of n.cmds) {
        const child = sh.m.w.fork(sh.proc);
        const sub: Sh = { ...sh, proc: child, out: [], stdin, vars: new Map(sh.vars) };
        ok = run(sub, c, c.kind === 'simple');
        stdin = sub.out.join('');
        sh.m.w.exit(sub.proc);
      }
      sh.out.push(stdin);
      return ok;
    }
    case 'subshell': {
      const child = sh.m.w.fork(sh.proc);
      const sub: Sh = { ...sh, proc: child, out: sh.out, vars: new Map(sh.vars) };
      applyRedirs(sub, child, n.redirs);
      let ok: boolean;
      try {
        ok = run(sub, n.body);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
        ok = e.status === 0;
      }
      sh.m.w.exit(child);
      return ok;
    }
    case 'group':
      return run(sh, n.body);
    case 'if': {
      for (const b of n.branches) if (run(sh, b.cond)) return run(sh, b.body);
      return n.otherwise ? run(sh, n.otherwise) : true;
    }
    case 'for': {
      const items = expandAll(sh, n.items).slice(0, LOOP_CAP);
      for (const it of items) {
        sh.vars.set(n.name, it);
        run(sh, n.body);
      }
      return true;
    }
    case 'while': {
      for (let k = 0; k < LOOP_CAP && run(sh, n.cond); k++) run(sh, n.body);
      return true;
    }
  }
}

/** Runs `script` as `<shell> -c script` in process `proc` (already exec'd as that shell). */
export function runScript(
  m: Machine,
  proc: Proc,
  script: string,
  opts: { bash: boolean; cwd: string; stdin?: string; vars?: Map<string, string> },
): Proc {
  const sh: Sh = {
    m,
    proc,
    vars: opts.vars ?? new Map<string, string>(),
    cwd: opts.cwd,
    stdin: opts.stdin ?? '',
    out: [],
    bash: opts.bash,
  };
  try {
    run(sh, parse(script), true);
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
  }
  return sh.proc;
}

export { fakeOutput };
