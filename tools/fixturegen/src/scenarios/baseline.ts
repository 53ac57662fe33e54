import { FCNTL, FFLAG, PROC_CHECK } from '../es.js';
import type { Scenario } from '../scenario.js';
import { ROOT, type Proc, type World } from '../world.js';
import { desktop, pipeFds, run, type Desktop } from './desktop.js';

const XPC_SERVICES = [
  '/System/Library/PrivateFrameworks/CloudKitDaemon.framework/Support/cloudd',
  '/usr/libexec/knowledge-agent',
  '/usr/libexec/nsurlsessiond',
  '/usr/libexec/rapportd',
  '/usr/libexec/secinitd',
  '/usr/libexec/containermanagerd',
  '/usr/libexec/trustd',
  '/usr/libexec/findmydeviced',
  '/System/Library/PrivateFrameworks/SkyLight.framework/Versions/A/Resources/WindowManager',
  '/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.WebContent.xpc/Contents/MacOS/com.apple.WebKit.WebContent',
  '/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking',
  '/System/Library/PrivateFrameworks/PhotoAnalysis.framework/Versions/A/Support/photoanalysisd',
  '/usr/libexec/siriknowledged',
  '/usr/libexec/dmd',
  '/usr/libexec/biomesyncd',
];

const SYSTEM_FILES = [
  '/System/Library/CoreServices/SystemVersion.plist',
  '/usr/share/icu/icudt74l.dat',
  '/private/var/db/timezone/zoneinfo/Europe/Paris',
  '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/Resources/Info.plist',
  '/Library/Preferences/.GlobalPreferences.plist',
  '/private/var/db/mds/messages/501/se_SecurityMessages',
  '/dev/urandom',
  '/dev/null',
];

interface Actors extends Desktop {
  chrome: Proc;
  chromeHelper: Proc;
  vscode: Proc;
  slack: Proc;
  activityMonitor: Proc;
  softwareupdated: Proc;
  backupd: Proc;
  edr: Proc;
}

function launchdChurn(w: World, a: Actors): void {
  const exe = w.rng.pick(XPC_SERVICES);
  const responsible = w.rng.chance(0.5) ? w.rng.pick([a.chrome, a.slack, a.finder, a.dock]) : undefined;
  const svc = w.launch(exe, [exe.split('/').pop()!], { responsible, euid: w.rng.chance(0.3) ? ROOT : 501 });
  for (const lib of [
    '/usr/lib/libSystem.B.dylib',
    '/System/Library/Frameworks/Foundation.framework/Versions/C/Foundation',
  ])
    w.mmap(svc, lib, 5, 5, 0x2);
  for (let i = 0, n = w.rng.int(4, 14); i < n; i++) {
    const f = w.rng.pick(SYSTEM_FILES);
    w.open(svc, f);
    if (w.rng.chance(0.3)) w.fcntl(svc, f, FCNTL.F_SETFD);
    w.close(svc, f);
  }
  for (let i = 0, n = w.rng.int(3, 12); i < n; i++)
    w.mprotect(svc, w.rng.pick([1, 3, 5]), 0x1_0000_0000 + w.rng.int(0, 0xffff) * 0x4000, 0x4000);
  w.procCheck(a.runningboardd, svc, PROC_CHECK.PIDINFO, 13);
  w.pause(50, 2000);
  if (w.rng.chance(0.4)) w.signal(a.runningboardd, svc, 9);
  w.exit(svc, w.rng.chance(0.4) ? 9 : 0);
}

function spotlight(w: World, a: Actors): void {
  const worker = w.launch(
    '/System/Library/Frameworks/CoreServices.framework/Versions/A/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared',
    ['mdworker_shared', '-s', 'mdworker', '-c', 'MDSImporterWorker', '-m', 'com.apple.mdworker.shared'],
    { euid: 501 },
  );
  const dirs = ['Documents', 'Documents/Projects', 'Desktop', 'Downloads', 'src/app', 'src/app/src', 'Pictures'];
  for (let i = 0, n = w.rng.int(20, 60); i < n; i++) {
    const d = `${w.home}/${w.rng.pick(dirs)}`;
    if (w.rng.chance(0.15)) w.readdir(worker, d);
    const f = `${d}/${w.rng.pick(['notes', 'report', 'index', 'README', 'photo', 'budget', 'main'])}-${w.rng.int(1, 40)}.${w.rng.pick(['md', 'pdf', 'ts', 'txt', 'jpg', 'xlsx', 'c'])}`;
    w.open(worker, f);
    w.fcntl(worker, f, FCNTL.F_NOCACHE);
    w.close(worker, f);
  }
  w.open(a.mds, '/System/Volumes/Data/.Spotlight-V100/Store-V2/index.updates', FFLAG.FREAD | FFLAG.FWRITE);
  for (let i = 0; i < 10; i++) w.write(a.mds, '/System/Volumes/Data/.Spotlight-V100/Store-V2/index.updates', 8192);
  w.pause(100, 800);
  w.exit(worker);
}

function softwareUpdate(w: World, a: Actors, n: number): void {
  const pkg = `/Library/Updates/${n}/MacOSXUpdCombo.pkg`;
  w.create(a.softwareupdated, pkg);
  for (let i = 0; i < 900; i++) {
    w.write(a.softwareupdated, pkg, 1 << 20);
    w.pause(2, 9);
  }
  w.close(a.softwareupdated, pkg, true);
  w.rename(a.softwareupdated, pkg, `/Library/Updates/${n}/Install.pkg`);
}

function git(w: World, sh: Proc, args: string[], files: string[], writes: boolean): void {
  const shim = w.spawn(sh, '/usr/bin/git', ['git', ...args]);
  const g = w.exec(shim, '/Library/Developer/CommandLineTools/usr/bin/git', ['git', ...args]);
  for (const f of files) {
    w.open(g, f);
    w.close(g, f);
  }
  if (writes) {
    for (let i = 0; i < 6; i++) {
      const obj = `${w.home}/src/app/.git/objects/${w.rng.hex(1).toLowerCase()}/tmp_obj_${w.rng.hex(3)}`;
      w.create(g, obj);
      w.write(g, obj, 700);
      w.rename(g, obj, obj.replace(/tmp_obj_/, ''));
    }
    w.write(g, `${w.home}/src/app/.git/index`, 12000);
  }
  w.exit(g);
}

function developer(w: World, a: Actors, round: number): void {
  const sh = a.shell;
  const src = Array.from({ length: 12 }, (_, i) => `${w.home}/src/app/src/module${i}.c`);
  git(w, sh, ['status'], src, false);
  w.pause(3000, 8000);
  // clang: shim → xcrun → real clang → ld; the product is ad-hoc signed in ./build
  for (const f of src.slice(0, 4)) {
    const cc = w.spawn(sh, '/usr/bin/clang', ['clang', '-c', '-O2', f, '-o', f.replace(/\.c$/, '.o')]);
    const real = w.exec(cc, '/Library/Developer/CommandLineTools/usr/bin/clang', ['clang', '-cc1', '-O2', f]);
    w.open(real, f);
    w.readdir(real, '/Library/Developer/CommandLineTools/SDKs/MacOSX.sdk/usr/include');
    const obj = f.replace(/\.c$/, '.o');
    w.create(real, obj);
    for (let i = 0; i < 8; i++) w.write(real, obj, 8192);
    w.exit(real);
  }
  const ld = w.spawn(sh, '/Library/Developer/CommandLineTools/usr/bin/ld', ['ld', '-o', `${w.home}/src/app/build/app`]);
  w.create(ld, `${w.home}/src/app/build/app`, 'exe');
  for (let i = 0; i < 40; i++) w.write(ld, `${w.home}/src/app/build/app`, 16384);
  w.exit(ld);
  // run the freshly built (ad-hoc signed) tool: it reads itself, like many CLIs with embedded data
  const app = w.spawn(sh, `${w.home}/src/app/build/app`, ['./build/app', '--selftest']);
  w.open(app, `${w.home}/src/app/build/app`);
  w.fcntl(app, `${w.home}/src/app/build/app`, FCNTL.F_GETPATH);
  for (let i = 0; i < 20; i++) w.write(app, `${w.home}/src/app/out/result.json`, 4096);
  w.exit(app);
  w.pause(5000, 15000);
  // node from Homebrew: npm install writes many files, some under node_modules/.bin
  const node = w.spawn(sh, '/opt/homebrew/Cellar/node/22.11.0/bin/node', [
    'node',
    '/opt/homebrew/lib/node_modules/npm/bin/npm-cli.js',
    'install',
  ]);
  for (let i = 0; i < 120; i++) {
    const f = `${w.home}/src/web/node_modules/${w.rng.pick(['react', 'typescript', 'vite', 'esbuild', 'lodash'])}/${w.rng.pick(['index.js', 'package.json', 'lib/util.js', 'bin/cli.js', 'dist/main.mjs'])}`;
    w.create(node, f);
    w.write(node, f, 3000);
  }
  for (let i = 0; i < 300; i++) w.write(node, `${w.home}/src/web/node_modules/.package-lock.json`, 4096);
  w.write(node, `${w.home}/src/web/node_modules/.bin/tsc`, 300);
  w.exit(node);
  w.pause(4000, 9000);
  // go run: builds in the temporary folder and runs it from there
  const go = w.spawn(sh, '/opt/homebrew/Cellar/go/1.23.2/libexec/bin/go', ['go', 'run', '.']);
  const exe = `/private/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/go-build${1000 + round}/b001/exe/main`;
  w.create(go, exe, 'exe');
  for (let i = 0; i < 30; i++) w.write(go, exe, 65536);
  const main = w.spawn(go, exe, [exe]);
  w.open(main, exe);
  w.fcntl(main, exe, FCNTL.F_GETPATH);
  w.mprotect(main, 7, 0x1_4000_0000, 0x4000); // Go's runtime never asks for RWX; kept as a filter test
  w.exit(main);
  w.exit(go);
  // cargo from rustup in ~/.cargo
  const cargo = w.spawn(sh, `${w.home}/.cargo/bin/cargo`, ['cargo', 'build']);
  const rustc = w.spawn(cargo, `${w.home}/.rustup/toolchains/stable-aarch64-apple-darwin/bin/rustc`, [
    'rustc',
    '--crate-name',
    'tool',
  ]);
  for (let i = 0; i < 250; i++) w.write(rustc, `${w.home}/src/tool/target/debug/deps/libtool.rlib`, 16384);
  w.exit(rustc);
  w.exit(cargo);
  // brew config asks the system about itself: five distinct discovery utilities from one parent
  const brew = w.spawn(sh, '/opt/homebrew/Library/Homebrew/vendor/portable-ruby/3.3.6/bin/ruby', [
    'ruby',
    '/opt/homebrew/Library/Homebrew/brew.rb',
    'config',
  ]);
  for (const c of [
    ['/usr/bin/uname', 'uname', '-m'],
    ['/usr/bin/sw_vers', 'sw_vers', '-productVersion'],
    ['/usr/sbin/sysctl', 'sysctl', '-n', 'hw.optional.arm64'],
    ['/usr/bin/id', 'id', '-un'],
    ['/usr/bin/security', 'security', 'find-identity', '-v', '-p', 'codesigning'],
  ]) {
    run(w, brew, c[0]!, c.slice(1), { fds: pipeFds(false, true) });
  }
  w.exit(brew);
}

function editors(w: World, a: Actors): void {
  // VS Code saves TypeScript and a shell script (atomic save: write temp, rename over)
  for (const f of ['src/web/src/App.tsx', 'src/app/scripts/release.sh', 'src/web/vite.config.ts']) {
    const p = `${w.home}/${f}`;
    w.create(a.vscode, `${p}.tmp`);
    w.write(a.vscode, `${p}.tmp`, 2048);
    w.rename(a.vscode, `${p}.tmp`, p);
    w.pause(500, 4000);
  }
  // vim in Terminal edits a Python script and .zshrc
  const vim = w.spawn(a.shell, '/usr/bin/vim', ['vim', `${w.home}/bin/backup.py`]);
  w.open(vim, `${w.home}/bin/backup.py`);
  w.pause(5000, 20000);
  w.open(vim, `${w.home}/bin/backup.py`, FFLAG.FWRITE | FFLAG.O_TRUNC);
  w.write(vim, `${w.home}/bin/backup.py`, 2400);
  w.write(vim, `${w.home}/.zshrc`, 1800);
  w.exit(vim);
  // TextEdit saves a document
  const te = w.launch('/System/Applications/TextEdit.app/Contents/MacOS/TextEdit', ['TextEdit'], { euid: 501 });
  w.create(te, `${w.home}/Documents/letter.rtf`);
  w.write(te, `${w.home}/Documents/letter.rtf`, 5000);
  w.exit(te);
}

function browsing(w: World, a: Actors): void {
  for (let i = 0, n = w.rng.int(20, 70); i < n; i++) {
    const f = `${w.home}/Library/Caches/Google/Chrome/Default/Cache/Cache_Data/${w.rng.hex(8).toLowerCase()}_0`;
    w.create(a.chromeHelper, f);
    for (let j = 0, m = w.rng.int(1, 12); j < m; j++) w.write(a.chromeHelper, f, 16384);
    w.close(a.chromeHelper, f, true);
  }
  const cookies = `${w.home}/Library/Application Support/Google/Chrome/Default/Cookies`;
  w.open(a.chromeHelper, cookies, FFLAG.FREAD | FFLAG.FWRITE);
  w.write(a.chromeHelper, cookies, 4096);
  for (let i = 0; i < 10; i++) w.mprotect(a.chromeHelper, 7, 0x2_0000_0000 + i * 0x10000, 0x10000);
  // Chrome downloads a file: 400 writes in a few seconds by a Developer ID process
  if (w.rng.chance(0.3)) {
    const dl = `${w.home}/Downloads/dataset-${w.rng.int(1, 99)}.zip.crdownload`;
    w.create(a.chrome, dl);
    for (let i = 0; i < 400; i++) {
      w.write(a.chrome, dl, 65536);
      w.pause(1, 6);
    }
    w.rename(a.chrome, dl, dl.replace(/\.crdownload$/, ''));
    w.setextattr(a.chrome, dl.replace(/\.crdownload$/, ''), 'com.apple.quarantine');
  }
  // Safari goes through launchd-started WebKit services
  const net = w.launch(
    '/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking',
    ['com.apple.WebKit.Networking'],
    { euid: 501 },
  );
  w.open(
    net,
    `${w.home}/Library/Containers/com.apple.Safari/Data/Library/Cookies/Cookies.binarycookies`,
    FFLAG.FREAD | FFLAG.FWRITE,
  );
  for (let i = 0; i < 15; i++)
    w.write(
      net,
      `${w.home}/Library/Containers/com.apple.Safari/Data/Library/Caches/com.apple.Safari/WebKitCache/Version 16/Blobs/${w.rng.hex(6)}`,
      8192,
    );
  w.exit(net);
}

function misc(w: World, a: Actors, round: number): void {
  switch (round % 6) {
    case 0: {
      w.procCheck(a.activityMonitor, null, PROC_CHECK.LISTPIDS);
      for (const p of a.others) w.procCheck(a.activityMonitor, p, PROC_CHECK.PIDINFO, 13);
      break;
    }
    case 1: {
      const ft = w.launch('/System/Applications/FaceTime.app/Contents/MacOS/FaceTime', ['FaceTime'], { euid: 501 });
      w.iokitOpen(ft, 'AppleH13CamInUserClient');
      w.iokitOpen(ft, 'IOSurfaceRootUserClient');
      w.pause(30000, 60000);
      w.exit(ft);
      break;
    }
    case 2: {
      // Time Machine reads browser stores as part of a backup
      w.open(a.backupd, `${w.home}/Library/Application Support/Google/Chrome/Default/Cookies`);
      w.open(a.backupd, `${w.home}/Library/Application Support/Google/Chrome/Default/Login Data`);
      w.open(a.securityd, `${w.home}/Library/Keychains/login.keychain-db`, FFLAG.FREAD | FFLAG.FWRITE);
      break;
    }
    case 3: {
      w.tccModify(a.tccd, {
        service: 'kTCCServiceCamera',
        identity: 'us.zoom.xos',
        identityType: 0,
        updateType: 2,
        right: 2,
        reason: 2,
      });
      w.btmLaunchItemAdd(a.btm, {
        itemType: 2,
        url: 'file:///Applications/Slack.app',
        executable: '/Applications/Slack.app/Contents/MacOS/Slack',
        instigator: a.slack,
      });
      w.kextload(a.others[0]!, 'com.apple.filesystems.smbfs');
      break;
    }
    case 4: {
      const s0 = w.spawn(a.shell, '/usr/bin/sudo', ['sudo', 'softwareupdate', '-l']);
      w.sudo(s0, { success: true, command: '/usr/sbin/softwareupdate -l' });
      w.exit(s0);
      run(w, a.shell, '/usr/bin/xattr', ['xattr', '-l', `${w.home}/Downloads/dataset-1.zip`]);
      run(w, a.shell, '/usr/bin/ssh', ['ssh', 'build-server', 'uptime'], { fds: pipeFds(false, false) });
      break;
    }
    case 5: {
      // the EDR is updated: launchd stops it
      w.signal(w.launchd, a.edr, 15);
      w.open(a.edr, '/Library/Application Support/JAMF/config.plist');
      break;
    }
  }
}

export const benignBaseline: Scenario = {
  name: 'benign-baseline',
  description:
    "A working day on a developer's Mac, compressed: launchd/xpcproxy service churn with runningboardd checks and kills, Spotlight mdworkers reading files, softwareupdated downloading in 1 MB blocks, git, clang and ld, an ad-hoc signed build product that reads itself, npm under Homebrew node, go run from the temporary folder, cargo from ~/.cargo, brew config running five discovery utilities, VS Code, vim and TextEdit saving files, Chrome and Safari caches and downloads, Activity Monitor listing processes, FaceTime on the camera, Time Machine reading browser stores, TCC and BTM updates, sudo softwareupdate, launchd stopping the EDR for an update. The shipped ruleset must raise nothing.",
  seed: 0xba5e_0050,
  start: '2024-07-01T08:30:00.000000000Z',
  version: 7,
  gzip: true,
  expect: {},
  build(w) {
    const d = desktop(w);
    const chrome = w.existing('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', { tty: null });
    const a: Actors = {
      ...d,
      chrome,
      chromeHelper: w.existing(
        '/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/131.0.6778.86/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper',
        { tty: null, responsible: chrome },
        chrome,
      ),
      vscode: w.existing('/Applications/Visual Studio Code.app/Contents/MacOS/Electron', { tty: null }),
      slack: w.existing('/Applications/Slack.app/Contents/MacOS/Slack', { tty: null }),
      activityMonitor: w.existing(
        '/System/Applications/Utilities/Activity Monitor.app/Contents/MacOS/Activity Monitor',
        { tty: null },
      ),
      softwareupdated: w.existing(
        '/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Versions/A/Resources/softwareupdated',
        { euid: ROOT, auid: 4294967295, asid: 100000, tty: null },
      ),
      backupd: w.existing('/System/Library/CoreServices/backupd.bundle/Contents/Resources/backupd', {
        euid: ROOT,
        auid: 4294967295,
        asid: 100000,
        tty: null,
      }),
      edr: w.existing('/Library/Application Support/JAMF/JamfProtect.app/Contents/MacOS/JamfProtect', {
        euid: ROOT,
        tty: null,
        is_es_client: true,
      }),
    };
    let round = 0;
    while (w.count < 50_500) {
      for (let i = 0, n = w.rng.int(4, 9); i < n; i++) {
        launchdChurn(w, a);
        w.pause(200, 3000);
      }
      spotlight(w, a);
      w.pause(1000, 5000);
      browsing(w, a);
      w.pause(2000, 8000);
      if (round % 3 === 0) developer(w, a, round);
      if (round % 3 === 1) editors(w, a);
      if (round % 7 === 3) softwareUpdate(w, a, round);
      misc(w, a, round);
      w.pause(5000, 30000);
      round++;
    }
  },
};
