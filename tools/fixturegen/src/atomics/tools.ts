/**
 * One file on purpose (~640 lines): a table of the tools' effects, one short entry per program.
 *
 * What the programs the atomics run do once exec'd, as ES sees it: files they read, create, write,
 * rename, delete or change the mode, owner or flags of; processes they start (sudo, nohup, find
 * -exec, osascript's `do shell script`, an interpreter's `-c` or script file, Finder and Terminal
 * scripted through Apple events); and the ES events of their own (sudo, kextload, od_group_add,
 * btm_launch_item_add, truncate, utimes). Output text is what command substitution reads back.
 */
import { FFLAG } from '../es.js';
import { ROOT, USER, type Proc } from '../world.js';
import {
  LOOP_CAP,
  absPath,
  realPath,
  execProgram,
  exists,
  readFile,
  runScript,
  writeFile,
  type Opened,
  type Sh,
} from './interp.js';
import { normalize, resolveProgram } from './paths.js';

const HOME = '/Users/alice';

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Operands of a command: arguments that are not options (and not option values listed in `withValue`). */
function operands(args: string[], withValue: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (withValue.includes(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function optValue(args: string[], ...names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (n.startsWith('--') && a.startsWith(n + '=')) return a.slice(n.length + 1);
      if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length && n.length === 2) return a.slice(2);
    }
  }
  return undefined;
}

/** Text a program prints, for `$( )` and pipes; undefined: nothing worth modelling. */
export function fakeOutput(sh: Sh, name: string, args: string[]): string | undefined {
  switch (name) {
    case 'uname':
      return args.includes('-a')
        ? 'Darwin alices-MacBook-Pro.local 24.1.0 Darwin Kernel Version 24.1.0 arm64\n'
        : 'Darwin\n';
    case 'whoami':
      return 'alice\n';
    case 'echo':
      return args[0] === '-n' ? args.slice(1).join(' ') : args.join(' ') + '\n';
    case 'printf':
      return args.join(' ');
    case 'id':
      return args.includes('-u') && args.includes('-n')
        ? 'alice\n'
        : 'uid=501(alice) gid=20(staff) groups=20(staff),80(admin)\n';
    case 'hostname':
      return 'alices-MacBook-Pro.local\n';
    case 'date':
      return '120419052026\n';
    case 'seq': {
      const nums = args.filter((a) => /^\d+$/.test(a)).map(Number);
      const [from, to] = nums.length > 1 ? [nums[0]!, nums[nums.length - 1]!] : [1, nums[0] ?? 1];
      const out: string[] = [];
      for (let k = from; k <= to && out.length < LOOP_CAP; k++) out.push(String(k));
      return out.join('\n') + '\n';
    }
    case 'which':
      return (resolveProgram(args[0] ?? '', sh.cwd) ?? '') + '\n';
    case 'mktemp':
      return (args[args.length - 1] ?? '/tmp/tmp.XXXX').replace(/X+$/, (x) => 'aB3dE9fG2hJ'.slice(0, x.length)) + '\n';
    case 'base64':
      return args.includes('-d') || args.includes('--decode')
        ? 'Hello from Atomic Red Team test T1140!\n'
        : 'SGVsbG8gZnJvbSBBdG9taWMgUmVkIFRlYW0gdGVzdCBUMTE0MCEK\n';
    case 'pbpaste':
      return sh.m.files.get('<clipboard>') ?? '';
    case 'sysctl':
      return 'Mac14,2\n';
    case 'csrutil':
      return 'System Integrity Protection status: enabled.\n';
    case 'system_profiler':
      return '      Model Identifier: Mac14,2\n';
    case 'osascript':
      return 'button returned:OK, text returned:hunter2\n';
    case 'cat':
      return sh.stdin || 'alice:hunter2\n';
    case 'cut':
    case 'grep':
    case 'head':
    case 'sort':
    case 'uniq':
    case 'awk':
    case 'sed':
    case 'tee':
      return sh.stdin;
    default:
      return undefined;
  }
}

/** What `find` matches on this Mac, for its -exec and its output. */
function findMatches(args: string[]): string[] {
  const name = optValue(args, '-name', '-iname');
  const path = optValue(args, '-path');
  const root = args[0] ?? '.';
  if (name?.startsWith('system.log')) return ['/var/log/system.log.0.gz'];
  if (name === '.gnupg') return [`${HOME}/.gnupg`];
  if (path?.includes('Firefox/Profiles'))
    return [`${HOME}/Library/Application Support/Firefox/Profiles/k2v9x8.default-release/places.sqlite`];
  if (path?.includes('Safari/Bookmarks')) return [`${HOME}/Library/Safari/Bookmarks.plist`];
  if (root.includes('com.apple.loginwindow'))
    return [`${HOME}/Library/Preferences/ByHost/com.apple.loginwindow.5C3A9B1E-7F7B-4C29-9B0E-4A1B2C3D4E5F.plist`];
  return [];
}

function sudoRun(sh: Sh, sudo: Proc, args: string[], o: Parameters<typeof runTool>[4]): void {
  const w = sh.m.w;
  const cmdArgs = operands(args.slice(0, 1)).length ? args : args;
  const i = cmdArgs.findIndex((a) => !a.startsWith('-'));
  const argv = cmdArgs.slice(i);
  if (!argv.length) return;
  w.sudo(sudo, { success: true, command: argv.join(' ') });
  if (!resolveProgram(argv[0]!, sh.cwd)) return;
  // sudo forks and execs the command as root (uid and gid 0), and waits for it.
  const child = w.fork(sudo, { euid: ROOT, ruid: ROOT, egid: 0, rgid: 0 });
  const sub: Sh = { ...sh, proc: child };
  const { proc } = runProgram(sub, child, argv, o);
  w.exit(proc);
}

const runProgram = (
  sh: Sh,
  child: Proc,
  argv: string[],
  o: Parameters<typeof runTool>[4],
): { proc: Proc; ok: boolean } => execProgram(sh, child, argv, o);

/** Spawns `argv` as a child of `parent` (fork, exec, effects, exit). */
function spawnArgv(sh: Sh, parent: Proc, argv: string[], opts: { euid?: number } = {}): Proc | undefined {
  if (!resolveProgram(argv[0]!, sh.cwd)) return undefined;
  const w = sh.m.w;
  const child = w.fork(parent, opts.euid === undefined ? {} : { euid: opts.euid, ruid: opts.euid, egid: 0, rgid: 0 });
  const sub: Sh = { ...sh, proc: child, out: [] };
  const { proc } = runProgram(sub, child, argv, {});
  w.exit(proc);
  return proc;
}

function shellC(sh: Sh, proc: Proc, script: string, bash: boolean): void {
  runScript(sh.m, proc, script, { bash, cwd: sh.cwd, vars: new Map(sh.vars) });
}

/** AppleScript lines of `osascript -e … -e …`. */
function appleScript(args: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === '-e') out.push(args[++i] ?? '');
  return out.join('\n');
}

function osascript(sh: Sh, proc: Proc, args: string[]): void {
  const m = sh.m;
  const w = m.w;
  const src = appleScript(args);
  const file = operands(args, ['-e', '-l']).find((a) => !a.startsWith('-'));
  if (file && !src) {
    readFile(m, proc, absPath(sh, file));
    // The compiled script of the login-item atomic asks System Events to add a login item.
    if (/login_item/.test(file)) btmLoginItem(sh, proc, '/System/Applications/Calculator.app');
  }
  const dss = /do shell script "((?:[^"\\]|\\.)*)"( with administrator privileges)?/.exec(src);
  if (dss) {
    const cmd = dss[1]!.replace(/\\"/g, '"');
    if (dss[2]) {
      // AuthorizationExecuteWithPrivileges: the trampoline runs the command as root.
      const tramp = spawnPrefix(
        sh,
        proc,
        '/usr/libexec/security_authtrampoline',
        ['/usr/libexec/security_authtrampoline', '/bin/sh', 'auth 17', '-c', cmd],
        ROOT,
      );
      const shp = w.fork(tramp, {});
      const shell = w.exec(shp, '/bin/sh', ['/bin/sh', '-c', cmd]);
      shellC(sh, shell, cmd, false);
      w.exit(shell);
      w.exit(tramp);
    } else {
      const child = w.fork(proc);
      const shell = w.exec(child, '/bin/sh', ['sh', '-c', cmd]);
      shellC(sh, shell, cmd, false);
      w.exit(shell);
    }
  }
  // Finder scripted through Apple events: Finder itself copies and deletes.
  if (/tell application "Finder"/.test(src)) {
    const finder = finderProc(sh);
    const dest = /POSIX file "([^"]+)"/.exec(src)?.[1];
    const dup = [...src.matchAll(/file "([^"]+\.(?:sqlite[^"]*|binarycookies))"/g)].map((x) => x[1]!);
    const folder = src.includes('group.com.apple.notes')
      ? `${HOME}/Library/Group Containers/group.com.apple.notes`
      : `${HOME}/Library/Containers/com.apple.Safari/Data/Library/Cookies`;
    if (/duplicate/.test(src) && dest) {
      for (const f of dup) copy(sh, finder, `${folder}/${f}`, `${normalize(dest)}/${f}`);
    }
    const del = /delete POSIX file "([^"]+)"/.exec(src)?.[1];
    if (del) w.rename(finder, absPath(sh, del), `${HOME}/.Trash/${base(del)}`);
  }
  const term = /tell application "Terminal" to do script "([^"]+)"/.exec(src);
  if (term) {
    const terminal = sh.m.w.existing('/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal');
    const login = w.spawn(terminal, '/usr/bin/login', ['login', '-pf', 'alice'], {
      euid: ROOT,
      ruid: USER,
      tty: '/dev/ttys005',
    });
    const zsh = w.spawn(login, '/bin/zsh', ['-zsh'], { euid: USER, ruid: USER, tty: '/dev/ttys005', cwd: HOME });
    shellC({ ...sh, proc: zsh }, zsh, term[1]!, false);
  }
  if (/login item/.test(src)) btmLoginItem(sh, proc, '/Applications/Calculator.app');
}

let finder: Proc | undefined;
function finderProc(sh: Sh): Proc {
  if (!finder || (finder as { __w?: unknown }).__w !== sh.m.w) {
    finder = { ...sh.m.w.existing('/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder') };
    (finder as { __w?: unknown }).__w = sh.m.w;
  }
  return finder;
}

function spawnPrefix(sh: Sh, parent: Proc, exe: string, argv: string[], euid: number): Proc {
  return sh.m.w.spawn(parent, exe, argv, {
    euid,
    ruid: euid === ROOT ? ROOT : undefined,
    egid: euid === ROOT ? 0 : undefined,
  });
}

export function btmLoginItem(sh: Sh, p: Proc, app: string): void {
  const w = sh.m.w;
  const btmd = w.existing(
    '/System/Library/PrivateFrameworks/BackgroundTaskManagement.framework/Versions/A/Resources/backgroundtaskmanagementd',
    { euid: ROOT },
  );
  w.btmLaunchItemAdd(btmd, {
    itemType: 2,
    url: `file://${app}/`,
    executable: `${app}/Contents/MacOS/${base(app).replace(/\.app$/, '')}`,
    instigator: p,
    legacy: false,
  });
}

function copy(sh: Sh, p: Proc, from: string, to: string): void {
  const text = readFile(sh.m, p, from);
  writeFile(sh.m, p, to, text || 'x', false);
}

function unlink(sh: Sh, p: Proc, path: string): void {
  sh.m.w.unlink(p, path);
  sh.m.files.delete(path);
  sh.m.deleted.add(path);
}

function modeOf(spec: string): number {
  if (/^[0-7]{3,4}$/.test(spec)) return 0o100000 | parseInt(spec, 8);
  let mode = 0o100644;
  if (/x/.test(spec)) mode |= 0o111;
  if (/w/.test(spec) && /a|o/.test(spec)) mode |= 0o222;
  if (/s/.test(spec)) mode |= /g/.test(spec) && !/u/.test(spec) ? 0o2000 : 0o4000;
  return mode;
}

function python(sh: Sh, proc: Proc, path: string, args: string[]): void {
  const m = sh.m;
  const code = optValue(args, '-c');
  const mod = optValue(args, '-m');
  if (mod === 'venv') {
    const dir = absPath(sh, operands(args, ['-m'])[0] ?? 'env');
    for (const f of ['pyvenv.cfg', 'bin/python3', 'bin/python', 'bin/activate'])
      writeFile(m, proc, `${dir}/${f}`, f === 'bin/activate' ? '# activate\n' : '', false);
    m.files.set(`${dir}/.venv`, 'venv');
  }
  // site runs every .pth file of the environment's site-packages: a line starting with `import` is executed.
  const venv = [...m.files.keys()].find(
    (f) => f.endsWith('/.venv') && realPath(path).startsWith(f.slice(0, -'/.venv'.length)),
  );
  if (venv) {
    for (const [f, text] of m.files) {
      if (!f.startsWith(venv.slice(0, -'/.venv'.length)) || !f.endsWith('.pth')) continue;
      readFile(m, proc, f);
      pythonEffects(sh, proc, text);
    }
  }
  if (code) pythonEffects(sh, proc, code);
}

/** subprocess/os.system calls a Python one-liner makes, when their command is in the code. */
function pythonEffects(sh: Sh, proc: Proc, code: string): void {
  const list = /subprocess\.(?:Popen|call|run)\(\[([^\]]*)\]/.exec(code);
  if (list) {
    const argv = [...list[1]!.matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2]!);
    if (argv.length) spawnArgv(sh, proc, argv);
  }
  // An XOR-decoded string passed to a shell: decode it the way the one-liner does.
  const xor = /command = "([^"]+)"; key = "([^"]+)"/.exec(code);
  if (xor && /shell=True/.test(code)) {
    const bytes = Buffer.from(xor[1]!, 'base64');
    const cmd = [...bytes].map((b, i) => String.fromCharCode(b ^ xor[2]!.charCodeAt(i % xor[2]!.length))).join('');
    const child = sh.m.w.fork(proc);
    const shell = sh.m.w.exec(child, '/bin/sh', ['/bin/sh', '-c', cmd]);
    shellC(sh, shell, cmd, false);
    sh.m.w.exit(shell);
  }
}

/**
 * The effects of program `path` run as `argv` by process `p`. Returns text it prints (for pipes
 * and `$( )`), or undefined.
 */
export function runTool(sh: Sh, p: Proc, path: string, argv: string[], o: Opened): string | undefined {
  const m = sh.m;
  const w = m.w;
  const name = base(path);
  const args = argv.slice(1);
  const ops = operands(args);
  const payload = m.payloads.get(path);
  if (payload) payload(m, p, args);
  switch (name) {
    case 'sudo':
      sudoRun(sh, p, args, o);
      return undefined;
    case 'nohup':
    case 'env':
    case 'time':
    case 'nice': {
      const i = args.findIndex((a) => !a.startsWith('-') && !/^[A-Za-z_]+=/.test(a));
      if (i >= 0 && (name !== 'env' || i < args.length)) {
        if (!resolveProgram(args[i]!, sh.cwd)) return undefined;
        runProgram({ ...sh, proc: p }, p, args.slice(i), o); // exec in place
        return undefined;
      }
      return name === 'env' ? 'HOME=/Users/alice\nUSER=alice\nSHELL=/bin/zsh\n' : undefined;
    }
    case 'sh':
    case 'bash':
    case 'zsh': {
      const c = optValue(args, '-c');
      if (c !== undefined) shellC(sh, p, c, name !== 'sh');
      else if (args.includes('-s') || !ops.length) {
        if (sh.stdin) shellC({ ...sh, stdin: '' }, p, sh.stdin, name !== 'sh');
      } else {
        const file = absPath(sh, ops[0]!);
        const text = readFile(m, p, file);
        if (text) shellC(sh, p, text, name !== 'sh');
      }
      return undefined;
    }
    case 'osascript':
      osascript(sh, p, args);
      return fakeOutput(sh, name, args);
    case 'python3':
    case 'python':
      python(sh, p, path, args);
      return /\/\.?v?env\/bin\//.test(path) && optValue(args, '-c')?.includes('getsitepackages')
        ? `${path.replace(/\/bin\/python3?$/, '')}/lib/python3.9/site-packages\n`
        : undefined;
    case 'perl': {
      const e = optValue(args, '-e', '-le');
      if (e && /open\(\$f,"<","([^"]+)"/.test(e)) readFile(m, p, /open\(\$f,"<","([^"]+)"/.exec(e)![1]!);
      return /encode_base64/.test(e ?? '') ? 'SGVsbG8gZnJvbSBBdG9taWMgUmVkIFRlYW0gdGVzdCBUMTE0MCEK\n' : undefined;
    }
    case 'cpan': {
      // cpan's shell runs `! <perl>`; `exec "…"` with shell metacharacters replaces cpan with sh -c.
      const bang = /^! exec "([^"]+)"/m.exec(sh.stdin);
      if (bang) {
        const shell = w.exec(p, '/bin/sh', ['sh', '-c', bang[1]!]);
        shellC(sh, shell, bang[1]!, false);
      }
      return undefined;
    }
    case 'emacs': {
      const ev = optValue(args, '--eval');
      const t = ev && /\(term "([^"]+)"\)/.exec(ev);
      if (t) {
        const child = w.fork(p);
        const shell = w.exec(child, '/bin/sh', ['/bin/sh', '-c', t[1]!]);
        shellC(sh, shell, t[1]!, false);
        w.exit(shell);
      }
      return undefined;
    }
    case 'find': {
      const matches = findMatches(args);
      const ei = args.indexOf('-exec');
      if (ei >= 0) {
        const end = args.indexOf(';', ei);
        const tmpl = args.slice(ei + 1, end < 0 ? undefined : end);
        for (const f of matches)
          spawnArgv(
            sh,
            p,
            tmpl.map((a) => (a === '{}' ? f : a)),
          );
        return undefined;
      }
      return matches.map((f) => f + '\n').join('');
    }
    case 'sshpass': {
      const i = args.findIndex((a, k) => !a.startsWith('-') && args[k - 1] !== '-p');
      if (i >= 0) spawnArgv(sh, p, args.slice(i));
      return undefined;
    }
    case 'xargs':
      if (ops.length) spawnArgv(sh, p, [...ops, ...sh.stdin.trim().split(/\s+/).filter(Boolean)]);
      return undefined;
    case 'open': {
      const app = optValue(args, '-a');
      if (app) {
        const bundle = app.includes('/')
          ? app.replace(/\/Contents\/MacOS\/.*$/, '')
          : `/System/Applications/${app}.app`;
        const exe = app.includes('/Contents/MacOS/')
          ? app
          : `${bundle}/Contents/MacOS/${base(bundle).replace(/\.app$/, '')}`;
        const ai = args.indexOf('--args');
        w.launch(exe, [exe, ...(ai >= 0 ? args.slice(ai + 1) : [])], { responsible: null });
      }
      return undefined;
    }
    case 'killall': {
      const target = w.existing(`/Applications/${ops[0] ?? 'x'}.app/Contents/MacOS/${ops[0] ?? 'x'}`);
      w.signal(p, target, 15);
      return undefined;
    }
    case 'code': {
      // /usr/local/bin/code is VS Code's launcher script; `code tunnel` runs the signed tunnel CLI.
      if (ops[0] === 'tunnel') {
        const cli = '/Applications/Visual Studio Code.app/Contents/Resources/app/bin/code-tunnel';
        spawnArgv(sh, p, [cli, ...args]);
      }
      return undefined;
    }
    case 'cp': {
      const files = operands(args);
      const dst = absPath(sh, files.pop() ?? '.');
      const recursive = args.some((a) => /^-[a-zA-Z]*[Rr]/.test(a));
      for (const s of files) {
        const src = absPath(sh, s);
        const dstDir =
          files.length > 1 ||
          dst.endsWith('/') ||
          recursive ||
          /\/(\.\.\.|LaunchAgents|LaunchDaemons|copy|tmp)$/.test(dst) ||
          exists(m, dst + '/.');
        const to = dstDir ? `${dst}/${base(src.replace(/\/\*$/, '/Inbox'))}` : dst;
        copy(sh, p, src.replace(/\/\*$/, '/Inbox'), to);
        if (/\/(s?bin)\//.test(src) || base(src) === 'sh') m.files.set(to, m.files.get(to) ?? '');
      }
      return undefined;
    }
    case 'mv': {
      const files = operands(args);
      const dst = absPath(sh, files.pop() ?? '.');
      for (const s of files) w.rename(p, absPath(sh, s), dst);
      return undefined;
    }
    case 'touch': {
      for (const f of operands(args, ['-t', '-d', '-r'])) {
        const path = absPath(sh, f);
        if (!exists(m, path)) {
          w.create(p, path);
          m.files.set(path, '');
        }
        w.utimes(p, path);
      }
      return undefined;
    }
    case 'SetFile':
      for (const f of operands(args, ['-a', '-m', '-d', '-c', '-t'])) w.utimes(p, absPath(sh, f));
      return undefined;
    case 'mkdir':
      for (const f of operands(args)) {
        const path = absPath(sh, f);
        w.create(p, path, 'dir');
        m.files.set(path + '/.', '');
      }
      return undefined;
    case 'rm':
    case 'unlink':
    case 'srm':
      for (const f of operands(args)) {
        const path = absPath(sh, f);
        if (args.some((a) => /^-[a-zA-Z]*r/i.test(a)))
          unlink(sh, p, `${path}/${path.includes('audit') ? 'current' : 'T1070.004-test.txt'}`);
        unlink(sh, p, path);
      }
      return undefined;
    case 'shred':
      for (const f of operands(args, ['-n', '-s'])) {
        const path = absPath(sh, f);
        w.open(p, path, FFLAG.FWRITE);
        for (let k = 0; k < 3; k++) w.write(p, path, 65536);
        w.close(p, path, true);
        if (args.includes('-u')) unlink(sh, p, path);
      }
      return undefined;
    case 'truncate':
      for (const f of operands(args, ['-s'])) w.truncate(p, absPath(sh, f));
      return undefined;
    case 'ln': {
      const [target, link] = operands(args);
      if (target && link) {
        const path = absPath(sh, link);
        if (exists(m, path)) unlink(sh, p, path);
        w.create(p, path);
        m.files.set(path, '');
      }
      return undefined;
    }
    case 'chmod': {
      const [spec, ...files] = operands(args);
      for (const f of files) w.setmode(p, absPath(sh, f), modeOf(spec ?? '755'));
      return undefined;
    }
    case 'chown': {
      const [owner, ...files] = operands(args);
      for (const f of files)
        w.setowner(
          p,
          absPath(sh, f),
          owner?.startsWith('root') ? 0 : USER,
          owner?.includes(':root') || owner?.includes(':wheel') ? 0 : 20,
        );
      return undefined;
    }
    case 'chflags': {
      const [flag, ...files] = operands(args);
      for (const f of files) w.setflags(p, absPath(sh, f), flag === 'hidden' ? 0x8000 : flag === 'uchg' ? 0x2 : 0);
      return undefined;
    }
    case 'xattr': {
      const di = args.findIndex((a) => /^-[a-z]*d$/.test(a));
      if (di >= 0) {
        const attr = args[di + 1]!;
        for (const f of args.slice(di + 2)) w.deleteextattr(p, absPath(sh, f), attr);
      }
      if (args.includes('-c')) for (const f of ops) w.deleteextattr(p, absPath(sh, f), 'com.apple.quarantine');
      return undefined;
    }
    case 'cat': {
      let text = '';
      for (const f of ops) text += readFile(m, p, absPath(sh, f)) || (f.includes('Keychains') ? 'kych' : '');
      return ops.length ? text || 'data\n' : fakeOutput(sh, name, args);
    }
    case 'grep': {
      const files = operands(args, ['-e', '-C', '-A', '-B']).slice(args.includes('-e') ? 0 : 1);
      for (const f of files) if (f !== '/') readFile(m, p, absPath(sh, f));
      return fakeOutput(sh, name, args);
    }
    case 'head':
    case 'plutil':
    case 'stat':
    case 'file':
    case 'PlistBuddy':
      for (const f of operands(args, ['-c', '-n']))
        if (f.startsWith('/') || f.includes('.')) readFile(m, p, absPath(sh, f));
      return fakeOutput(sh, name, args);
    case 'tee':
      for (const f of ops) writeFile(m, p, absPath(sh, f), sh.stdin, args.includes('-a'));
      return sh.stdin;
    case 'pbcopy':
      m.files.set('<clipboard>', sh.stdin);
      return undefined;
    case 'curl':
    case 'wget':
    case 'nscurl': {
      const out = optValue(args, '-o', '--output', '-O');
      if (out && out !== '-') writeFile(m, p, absPath(sh, out), 'downloaded\n', false);
      for (const a of args) {
        const at = /^[^=]+=@(.+)$/.exec(a);
        if (at) readFile(m, p, absPath(sh, at[1]!));
      }
      return out === '-' || !out ? '#!/bin/sh\necho art\n' : undefined;
    }
    case 'dd': {
      const ifp = args.find((a) => a.startsWith('if='))?.slice(3);
      const ofp = args.find((a) => a.startsWith('of='))?.slice(3);
      if (ifp && !ifp.startsWith('/dev/')) readFile(m, p, absPath(sh, ifp));
      if (ofp) writeFile(m, p, absPath(sh, ofp), '\0'.repeat(64), false);
      return ofp ? undefined : '\0';
    }
    case 'zip': {
      const files = operands(args, ['-P']);
      const zip = absPath(sh, files.shift() ?? 'a.zip');
      const members = files.map((f) => absPath(sh, f));
      for (const f of members) readFile(m, p, f);
      writeFile(m, p, zip, 'PK', false);
      m.files.set(zip + '#members', JSON.stringify(members.map((f) => [base(f), m.files.get(f) ?? ''])));
      return undefined;
    }
    case 'unzip': {
      const zip = absPath(sh, operands(args, ['-P', '-d'])[0] ?? 'a.zip');
      const dir = absPath(sh, optValue(args, '-d') ?? '.');
      readFile(m, p, zip);
      const members = JSON.parse(m.files.get(zip + '#members') ?? '[]') as Array<[string, string]>;
      for (const [f, text] of members) writeFile(m, p, `${dir}/${f}`, text, false);
      return undefined;
    }
    case 'tar':
      if (args[0]?.includes('x')) return undefined;
      for (const f of ops.slice(1)) if (f.startsWith('/')) w.readdir(p, absPath(sh, f.replace(/\/\*$/, '')));
      return 'tar-data';
    case 'sqlite3': {
      const db = (ops[0] ?? '').replace(/^file:/, '').replace(/\?.*$/, '');
      if (db) readFile(m, p, absPath(sh, db));
      return 'https://accounts.google.com|alice@example.com\n';
    }
    case 'screencapture':
      for (const f of ops) writeFile(m, p, absPath(sh, f), 'PNG', false);
      return undefined;
    case 'security':
      if (ops[0] === 'find-certificate' || ops[0]?.startsWith('dump'))
        readFile(m, p, `${HOME}/Library/Keychains/login.keychain-db`);
      return '-----BEGIN CERTIFICATE-----\n';
    case 'crontab': {
      const tabs = '/private/var/at/tabs';
      if (args.includes('-l')) {
        readFile(m, p, `${tabs}/alice`);
        return '';
      }
      const src = ops[0];
      if (src) readFile(m, p, absPath(sh, src));
      // crontab (setuid root) writes a temporary file in the spool and renames it into place.
      const tmp = `${tabs}/tmp/tmp.${p.pid}`;
      writeFile(m, p, tmp, m.files.get(absPath(sh, src ?? '')) ?? '', false);
      w.rename(p, tmp, `${tabs}/alice`);
      return undefined;
    }
    case 'defaults': {
      if (ops[0] === 'write' || ops[0] === 'delete') {
        // cfprefsd, not defaults, writes the plist: a temporary file renamed over the domain's plist.
        const domain = ops[1] ?? 'x';
        const plist = domain.startsWith('/')
          ? `${domain.replace(/\.plist$/, '')}.plist`
          : `${p.euid === ROOT ? '/Library' : HOME + '/Library'}/Preferences/${domain}.plist`;
        const cfprefsd = w.existing('/usr/sbin/cfprefsd', { euid: p.euid });
        const tmp = `${plist}.${p.pid.toString(16)}Xy3`;
        writeFile(m, cfprefsd, tmp, 'bplist00', false);
        w.rename(cfprefsd, tmp, plist);
      } else if (ops[1]?.startsWith('/')) readFile(m, p, `${ops[1].replace(/\.plist$/, '')}.plist`);
      return undefined;
    }
    case 'kextload':
    case 'kmutil':
      if (name === 'kextload' || ops[0] === 'load') w.kextload(p, 'com.softraid.driver.SoftRAID');
      return undefined;
    case 'dseditgroup': {
      const add = optValue(args, '-a');
      const op = optValue(args, '-o');
      if (add && (op === 'edit' || op === undefined)) w.odGroupAdd(p, ops[ops.length - 1] ?? 'admin', add);
      return undefined;
    }
    case 'sysadminctl': {
      const user = optValue(args, '-addUser');
      if (user && args.includes('-admin')) w.odGroupAdd(p, 'admin', user);
      return undefined;
    }
    case 'launchctl':
      if (ops[0] === 'load' && ops[1]) readFile(m, p, absPath(sh, ops[ops.length - 1]!));
      return fakeOutput(sh, name, args);
    case 'tcpdump':
      w.open(p, '/dev/bpf0', FFLAG.FREAD | FFLAG.FWRITE);
      return undefined;
    case 'make': {
      const target = absPath(sh, ops[0] ?? 'a.out');
      const cc = spawnArgv(sh, p, ['cc', `${target}.c`, '-o', target]);
      void cc;
      return undefined;
    }
    case 'cc':
    case 'gcc':
    case 'g++':
    case 'clang':
    case 'clang++': {
      // The xcrun shim runs the Command Line Tools' clang, which runs ld; ld writes the binary.
      const out = absPath(sh, optValue(args, '-o') ?? 'a.out');
      const clang = spawnPrefix(
        sh,
        p,
        `/Library/Developer/CommandLineTools/usr/bin/${name.includes('+') ? 'clang++' : 'clang'}`,
        [name, ...args],
        p.euid,
      );
      const ld = w.spawn(clang, '/Library/Developer/CommandLineTools/usr/bin/ld', [
        'ld',
        '-o',
        out,
        '/var/folders/xy/T/cc-1a2b3c.o',
      ]);
      writeFile(m, ld, out, '\xcf\xfa\xed\xfe', false);
      w.setmode(ld, out, 0o100755);
      w.exit(ld);
      w.exit(clang);
      return undefined;
    }
    default:
      return fakeOutput(sh, name, args);
  }
}
