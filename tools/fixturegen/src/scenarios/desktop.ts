import { FDTYPE } from '../es.js';
import { ROOT, USER, type Proc, type World } from '../world.js';

/** The processes of a logged-in Mac that are already running when a capture starts. */
export interface Desktop {
  windowServer: Proc;
  loginwindow: Proc;
  finder: Proc;
  dock: Proc;
  runningboardd: Proc;
  mds: Proc;
  tccd: Proc;
  securityd: Proc;
  btm: Proc;
  terminal: Proc;
  /** The interactive zsh in Terminal (tty /dev/ttys003, responsible process Terminal). */
  shell: Proc;
  /** Other running processes (targets of process listings and signals). */
  others: Proc[];
}

export function desktop(w: World): Desktop {
  const sys = { euid: ROOT, ruid: ROOT, auid: 4294967295, asid: 100000 };
  const windowServer = w.existing(
    '/System/Library/PrivateFrameworks/SkyLight.framework/Versions/A/Resources/WindowServer',
    { euid: 88, ruid: 88, asid: 100000 },
  );
  const runningboardd = w.existing('/usr/libexec/runningboardd', sys);
  const mds = w.existing(
    '/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support/mds',
    sys,
  );
  const securityd = w.existing('/usr/sbin/securityd', sys);
  const btm = w.existing(
    '/System/Library/PrivateFrameworks/BackgroundTaskManagement.framework/Resources/backgroundtaskmanagementd',
    sys,
  );
  const loginwindow = w.existing('/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow', {
    euid: USER,
    ruid: USER,
    auid: USER,
    asid: 100008,
  });
  const user = { euid: USER, ruid: USER, auid: USER, asid: 100008 };
  const tccd = w.existing('/System/Library/PrivateFrameworks/TCC.framework/Support/tccd', user);
  const finder = w.existing('/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder', user);
  const dock = w.existing('/System/Library/CoreServices/Dock.app/Contents/MacOS/Dock', user);
  const terminal = w.existing('/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal', user);
  const login = w.existing(
    '/usr/bin/login',
    { ...user, euid: ROOT, tty: '/dev/ttys003', responsible: terminal },
    terminal,
  );
  const shell = w.existing('/bin/zsh', { ...user, tty: '/dev/ttys003', responsible: terminal, cwd: w.home }, login);
  const others: Proc[] = [];
  const daemons = [
    '/usr/libexec/logd',
    '/usr/sbin/syslogd',
    '/usr/libexec/UserEventAgent',
    '/usr/libexec/configd',
    '/usr/sbin/notifyd',
    '/usr/libexec/opendirectoryd',
    '/usr/libexec/trustd',
    '/usr/sbin/cfprefsd',
    '/usr/libexec/lsd',
    '/usr/libexec/coreduetd',
    '/usr/sbin/bluetoothd',
    '/usr/libexec/airportd',
    '/usr/sbin/coreaudiod',
    '/usr/libexec/nsurlsessiond',
    '/usr/libexec/sharingd',
    '/usr/libexec/locationd',
    '/usr/libexec/syspolicyd',
    '/usr/libexec/amfid',
    '/usr/libexec/sandboxd',
    '/usr/libexec/powerd',
  ];
  for (const d of daemons) others.push(w.existing(d, sys));
  const apps = [
    '/System/Applications/Mail.app/Contents/MacOS/Mail',
    '/System/Applications/Notes.app/Contents/MacOS/Notes',
    '/Applications/Slack.app/Contents/MacOS/Slack',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
    '/System/Library/CoreServices/Spotlight.app/Contents/MacOS/Spotlight',
    '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter',
    '/System/Library/CoreServices/SystemUIServer.app/Contents/MacOS/SystemUIServer',
  ];
  for (const a of apps) others.push(w.existing(a, user));
  for (let i = 0; i < 90; i++)
    others.push(
      w.existing(
        w.rng.pick([
          '/usr/libexec/xpcproxy',
          '/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent',
          '/usr/libexec/secinitd',
          '/usr/libexec/containermanagerd',
          '/System/Library/PrivateFrameworks/CloudKitDaemon.framework/Support/cloudd',
          '/usr/libexec/knowledge-agent',
          '/usr/libexec/rapportd',
        ]),
        user,
      ),
    );
  return { windowServer, loginwindow, finder, dock, runningboardd, mds, tccd, securityd, btm, terminal, shell, others };
}

/** Standard descriptors of a pipeline stage: stdin and/or stdout a pipe, the rest on the tty. */
export function pipeFds(stdinPipe: boolean, stdoutPipe: boolean): Array<{ fd: number; fdtype: number }> {
  return [
    { fd: 0, fdtype: stdinPipe ? FDTYPE.PIPE : FDTYPE.VNODE },
    { fd: 1, fdtype: stdoutPipe ? FDTYPE.PIPE : FDTYPE.VNODE },
    { fd: 2, fdtype: FDTYPE.VNODE },
  ];
}

/** Run a short command from `parent`: fork, exec, a few opens of its own, exit. Returns the process. */
export function run(
  w: World,
  parent: Proc,
  exe: string,
  args: string[],
  opts: { fds?: Array<{ fd: number; fdtype: number }>; env?: string[]; keep?: boolean; euid?: number } = {},
): Proc {
  const p = w.spawn(parent, exe, args, { fds: opts.fds, env: opts.env, euid: opts.euid });
  w.mmap(p, '/usr/lib/dyld', 5, 5, 0x2);
  w.open(p, '/usr/share/locale/en_US.UTF-8/LC_CTYPE');
  if (!opts.keep) {
    w.pause(2, 40);
    w.exit(p);
  }
  return p;
}
