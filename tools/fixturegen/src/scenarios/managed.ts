/**
 * A managed developer Mac doing what managed Macs do, none of it an attack: Homebrew, Xcode
 * command-line builds, pip/venv and npm with node-gyp, the MDM agent's policy scripts (Jamf: SIP
 * and hardware inventory, a hidden management admin created with sysadminctl, a restart after
 * updates), osquery, Santa, software updaters (Google Keystone, Microsoft AutoUpdate, Zoom, Slack,
 * VS Code resolving the login shell's environment), Docker Desktop's helper, Time Machine and
 * softwareupdate. Commands are real command lines, run by the shell reader of the atomics
 * generator from each tool's real parent with its real signing. The shipped rules must raise nothing.
 */
import { ATOMICS_FOLDER } from '../atomics/atomic.js';
import { runScript, type Machine } from '../atomics/interp.js';
import type { Scenario } from '../scenario.js';
import { ROOT, USER, type Proc, type World } from '../world.js';
import { desktop } from './desktop.js';

function sh(
  m: Machine,
  parent: Proc,
  script: string,
  o: { euid?: number; cwd?: string; shell?: string; args?: string[]; scriptFile?: string } = {},
): void {
  const w = m.w;
  const shell = o.shell ?? '/bin/sh';
  const child = w.fork(
    parent,
    o.euid === undefined
      ? {}
      : { euid: o.euid, ruid: o.euid, egid: o.euid === ROOT ? 0 : 20, rgid: o.euid === ROOT ? 0 : 20 },
  );
  const p = w.exec(child, shell, o.args ?? [shell.split('/').pop()!, '-c', script], {
    cwd: o.cwd ?? '/',
    script: o.scriptFile ?? null,
  });
  const last = runScript(m, p, script, { bash: shell.endsWith('bash'), cwd: o.cwd ?? '/' });
  w.exit(last);
  w.pause(200, 3000);
}

export const managedMac: Scenario = {
  name: 'benign-managed-mac',
  description:
    'A managed developer Mac: brew update/upgrade (portable Ruby, curl, tar, ad-hoc re-signing), an xcrun clang build and run, python -m venv and pip install, npm install with node-gyp, Jamf policy scripts (csrutil status, system_profiler, a hidden management admin with sysadminctl and dscl, loginwindow settings, softwareupdate, a scheduled restart), osquery and Santa, Google Keystone, Microsoft AutoUpdate, Zoom and Slack updaters, VS Code resolving the shell environment, Docker Desktop installing its helper, Time Machine and softwareupdate. No alert.',
  seed: 0x6d616e61,
  start: '2026-03-03T09:00:00Z',
  version: 8,
  expect: {},
  build(w: World) {
    const d = desktop(w);
    const m: Machine = { w, files: new Map(), deleted: new Set(), payloads: new Map() };
    const home = w.home;
    // Homebrew: `brew` is a bash script; upgrades download bottles with curl, unpack with tar and re-sign ad hoc.
    sh(m, d.shell, `/opt/homebrew/Library/Homebrew/brew.sh update`, {
      shell: '/bin/bash',
      args: ['/bin/bash', '/opt/homebrew/bin/brew', 'update'],
      scriptFile: '/opt/homebrew/bin/brew',
      cwd: home,
    });
    sh(
      m,
      d.shell,
      [
        'git -C /opt/homebrew fetch --quiet --tags origin',
        '/opt/homebrew/Library/Homebrew/vendor/portable-ruby/current/bin/ruby -W1 --disable=gems,rubyopt /opt/homebrew/Library/Homebrew/brew.rb upgrade wget',
        `curl --disable --cookie /dev/null --globoff --show-error --user-agent Homebrew/4.4.0 --header "Accept-Language: en" --fail --retry 3 --location --remote-time --output ${home}/Library/Caches/Homebrew/downloads/3a1f--wget--1.25.0.arm64_sequoia.bottle.tar.gz.incomplete https://ghcr.io/v2/homebrew/core/wget/blobs/sha256:3a1f`,
        `tar --extract --no-same-owner --file ${home}/Library/Caches/Homebrew/downloads/3a1f--wget--1.25.0.arm64_sequoia.bottle.tar.gz --directory /private/tmp/d20260303-812-x1`,
        'codesign --sign - --force --preserve-metadata=entitlements,requirements,flags,runtime /opt/homebrew/Cellar/wget/1.25.0/bin/wget',
        'ln -s ../Cellar/wget/1.25.0/bin/wget /opt/homebrew/bin/wget',
      ].join('\n'),
      {
        shell: '/bin/bash',
        args: ['/bin/bash', '/opt/homebrew/bin/brew', 'upgrade', 'wget'],
        scriptFile: '/opt/homebrew/bin/brew',
        cwd: home,
      },
    );
    // A command-line build with the Xcode toolchain, then the product runs from the project folder.
    sh(
      m,
      d.shell,
      `cd ${home}/src/app && xcrun clang -O2 -c main.c -o build/main.o && clang -o build/app build/main.o && codesign -s - build/app && ./build/app --selftest`,
      { shell: '/bin/zsh', args: ['zsh', '-c', 'make'], cwd: `${home}/src/app` },
    );
    // Python virtual environment and pip.
    sh(
      m,
      d.shell,
      `cd ${home}/src/api && python3 -m venv .venv && .venv/bin/python3 -m pip install --quiet requests && .venv/bin/python3 -c "import requests; print(requests.__version__)"`,
      { shell: '/bin/zsh', args: ['zsh', '-c', 'make venv'], cwd: `${home}/src/api` },
    );
    // npm install: a package's install script runs node-gyp, which runs make and clang++.
    const node = w.spawn(d.shell, '/usr/local/bin/node', ['node', '/usr/local/bin/npm', 'install'], {
      cwd: `${home}/src/web`,
    });
    sh(m, node, 'node-gyp rebuild', {
      args: ['sh', '-c', 'node-gyp rebuild'],
      cwd: `${home}/src/web/node_modules/bcrypt`,
    });
    sh(
      m,
      node,
      `make BUILDTYPE=Release -C build && c++ -o Release/obj.target/bcrypt_lib/src/blowfish.o ../src/blowfish.cc`,
      { cwd: `${home}/src/web/node_modules/bcrypt/build` },
    );
    w.exit(node);
    // Jamf: launchd starts the agent; a policy runs scripts from its tmp folder as root.
    const jamf = w.launch(
      '/usr/local/jamf/bin/jamf',
      ['/usr/local/jamf/bin/jamf', 'policy', '-randomDelaySeconds', '300'],
      { euid: ROOT },
    );
    const jamfScript = '/Library/Application Support/JAMF/tmp/inventory.sh';
    sh(
      m,
      jamf,
      [
        "sip=$(csrutil status | awk '{print $5}')",
        "model=$(system_profiler SPHardwareDataType | awk '/Model Identifier/ {print $3}')",
        'echo "<result>$sip $model</result>"',
        'sw_vers -productVersion',
        'fdesetup status',
        'profiles status -type enrollment',
      ].join('\n'),
      { args: ['/bin/sh', jamfScript, '/', 'alices-MacBook-Pro', 'alice'], scriptFile: jamfScript, euid: ROOT },
    );
    const adminScript = '/Library/Application Support/JAMF/tmp/management-account.sh';
    sh(
      m,
      jamf,
      [
        'dscl . -read /Users/jamfadmin >/dev/null 2>&1 || true',
        'sysadminctl -addUser jamfadmin -fullName "Jamf Management" -UID 499 -password "$4" -home /private/var/jamfadmin -admin',
        'dscl . -create /Users/jamfadmin IsHidden 1',
        'dseditgroup -o edit -a jamfadmin -t user admin',
        'defaults write /Library/Preferences/com.apple.loginwindow SHOWFULLNAME -bool true',
        'softwareupdate --install --all --agree-to-license',
        'shutdown -r +5',
      ].join('\n'),
      { args: ['/bin/sh', adminScript, '/', 'alices-MacBook-Pro', 'alice'], scriptFile: adminScript, euid: ROOT },
    );
    w.exit(jamf);
    // osquery's scheduled queries; Santa's daemon. Both read system state, neither execs much.
    const osq = w.launch(
      '/opt/osquery/lib/osquery.app/Contents/MacOS/osqueryd',
      ['osqueryd', '--flagfile', '/var/osquery/osquery.flags'],
      { euid: ROOT },
    );
    sh(m, osq, 'system_profiler SPHardwareDataType -json', { euid: ROOT });
    w.open(osq, `${home}/Library/Application Support/Google/Chrome/Default/Extensions`);
    w.exit(osq);
    const santa = w.existing('/Applications/Santa.app/Contents/MacOS/santad', { euid: ROOT, is_es_client: true });
    w.open(santa, '/private/var/db/santa/rules.db');
    // Google Keystone: the agent runs ksinstall, which installs the update with its own shell scripts.
    const ks = w.launch(
      '/Library/Google/GoogleSoftwareUpdate/GoogleSoftwareUpdate.bundle/Contents/Helpers/GoogleSoftwareUpdateAgent.app/Contents/MacOS/GoogleSoftwareUpdateAgent',
      ['GoogleSoftwareUpdateAgent', '-runMode', 'oneshot'],
    );
    sh(
      m,
      ks,
      '"/Library/Google/GoogleSoftwareUpdate/GoogleSoftwareUpdate.bundle/Contents/Helpers/ksinstall" --install "/private/tmp/KeystoneUpdate/GoogleChrome.pkg"',
      {},
    );
    w.exit(ks);
    // Microsoft AutoUpdate installs an Office update with installer.
    const mau = w.launch(
      '/Library/Application Support/Microsoft/MAU2.0/Microsoft AutoUpdate.app/Contents/MacOS/msupdate',
      ['msupdate', '--install', '--apps', 'MSWD2019'],
    );
    sh(
      m,
      mau,
      'installer -pkg "/Library/Caches/com.microsoft.autoupdate.helper/Clones.noindex/Microsoft_Word_Updater.pkg" -target /',
      { euid: ROOT },
    );
    w.exit(mau);
    // Zoom and Slack update themselves; VS Code reads the login shell's environment at start.
    const zoom = w.existing('/Applications/zoom.us.app/Contents/MacOS/zoom.us');
    sh(
      m,
      zoom,
      `/usr/bin/pkgutil --check-signature ${home}/Library/Application\\ Support/zoom.us/download/Zoom.pkg`,
      {},
    );
    const slack = w.existing('/Applications/Slack.app/Contents/MacOS/Slack');
    sh(m, slack, 'ditto -x -k /private/var/folders/xy/T/slack-update.zip /private/var/folders/xy/T/slack-update', {});
    const code = w.existing('/Applications/Visual Studio Code.app/Contents/MacOS/Electron');
    sh(
      m,
      code,
      '\'/Applications/Visual Studio Code.app/Contents/MacOS/Electron\' -p \'"b5c4a6d2" + JSON.stringify(process.env) + "b5c4a6d2"\'',
      {
        shell: '/bin/zsh',
        args: [
          '/bin/zsh',
          '-l',
          '-c',
          '-i',
          '\'/Applications/Visual Studio Code.app/Contents/MacOS/Electron\' -p \'"b5c4a6d2" + JSON.stringify(process.env) + "b5c4a6d2"\'',
        ],
      },
    );
    // Docker Desktop's privileged helper writes its launch daemon and CLI links.
    const docker = w.launch(
      '/Applications/Docker.app/Contents/Library/LaunchServices/com.docker.vmnetd',
      ['com.docker.vmnetd'],
      { euid: ROOT },
    );
    w.create(docker, '/Library/LaunchDaemons/com.docker.vmnetd.plist');
    w.create(docker, '/usr/local/bin/docker');
    w.exit(docker);
    // Time Machine and a scheduled softwareupdate scan.
    const backupd = w.launch('/System/Library/CoreServices/backupd.bundle/Contents/Resources/backupd', ['backupd'], {
      euid: ROOT,
    });
    for (const f of [
      '.ssh/id_ed25519',
      '.zsh_history',
      'Library/Keychains/login.keychain-db',
      'Library/Group Containers/group.com.apple.notes/NoteStore.sqlite',
    ])
      w.open(backupd, `${home}/${f}`);
    w.exit(backupd);
    const su = w.launch('/usr/sbin/softwareupdated', ['softwareupdated'], { euid: ROOT });
    sh(m, su, 'softwareupdate --background --list', { euid: ROOT });
    void USER;
    void ATOMICS_FOLDER;
  },
};
