/**
 * Where each program lives on a Mac (macOS 14/15 with the Command Line Tools and Homebrew on Apple
 * Silicon): what a shell's PATH lookup finds for a bare name. Programs macOS does not ship and
 * Homebrew does not provide under that name (Linux-only tools like `ss`, `ip`, `getent`, `chattr`)
 * are absent: the shell prints "command not found" and ES sees no exec.
 */
const BIN = [
  'bash',
  'cat',
  'chmod',
  'cp',
  'date',
  'dd',
  'df',
  'echo',
  'hostname',
  'kill',
  'ln',
  'ls',
  'mkdir',
  'mv',
  'ps',
  'pwd',
  'rm',
  'rmdir',
  'sh',
  'sleep',
  'stty',
  'sync',
  'test',
  'unlink',
  'zsh',
  'launchctl',
  'csh',
  'ksh',
  'tcsh',
  'dash',
  'expr',
];
const SBIN = [
  'ifconfig',
  'kextload',
  'kextunload',
  'ping',
  'reboot',
  'shutdown',
  'mount',
  'halt',
  'md5',
  'pfctl',
  'route',
  'nologin',
];
const USR_SBIN = [
  'arp',
  'chown',
  'dseditgroup',
  'dsenableroot',
  'ioreg',
  'kextstat',
  'lsof',
  'netstat',
  'networksetup',
  'screencapture',
  'spctl',
  'sysadminctl',
  'sysctl',
  'system_profiler',
  'systemsetup',
  'tcpdump',
  'cron',
  'scutil',
  'installer',
  'softwareupdate',
  'diskutil',
  'chroot',
  'visudo',
  'vifs',
  'nvram',
  'sshd',
  'kextfind',
  'pkgutil',
  'dtrace',
  'auditreduce',
  'praudit',
  'firmwarepasswd',
  'bless',
  'smbd',
];
const USR_LIBEXEC = ['PlistBuddy', 'security_authtrampoline', 'xpcproxy', 'java_home'];
const HOMEBREW = [
  'nmap',
  'telnet',
  'wget',
  'tor',
  'sshpass',
  'emacs',
  'shred',
  'srm',
  'truncate',
  'socat',
  'ncat',
  'gdb',
  'jq',
  'proxychains4',
  'hydra',
  'john',
  'hashcat',
  'masscan',
  'ngrok',
  'chisel',
  'frpc',
  'gcc-14',
];
const ABSENT = new Set([
  'ss',
  'ip',
  'getent',
  'chattr',
  'tshark',
  'iptables',
  'systemctl',
  'service',
  'useradd',
  'usermod',
  'auditctl',
  'journalctl',
  'apt',
  'yum',
]);
const ELSEWHERE: Record<string, string> = {
  mdatp: '/usr/local/bin/mdatp',
  code: '/usr/local/bin/code',
  socketfilterfw: '/usr/libexec/ApplicationFirewall/socketfilterfw',
  setfile: '/usr/bin/SetFile',
  getfileinfo: '/usr/bin/GetFileInfo',
  python: '/usr/bin/python3',
};

export function resolveProgram(name: string, cwd: string): string | null {
  if (name.includes('/')) {
    if (name.startsWith('/')) return normalize(name);
    return normalize(`${cwd}/${name}`);
  }
  const lower = name.toLowerCase();
  if (ABSENT.has(name)) return null;
  if (ELSEWHERE[lower]) return ELSEWHERE[lower];
  if (BIN.includes(name)) return `/bin/${name}`;
  if (SBIN.includes(name)) return `/sbin/${name}`;
  if (USR_SBIN.includes(name)) return `/usr/sbin/${name}`;
  if (USR_LIBEXEC.includes(name)) return `/usr/libexec/${name}`;
  if (HOMEBREW.includes(name)) return `/opt/homebrew/bin/${name}`;
  // Everything else an atomic runs by name is in /usr/bin (curl, security, defaults, osascript,
  // python3, perl, sqlite3, xattr, chflags, dscl, crontab, tmutil, csrutil, log, …).
  return /^[A-Za-z0-9_.+-]+$/.test(name) ? `/usr/bin/${name}` : null;
}

/** Collapses `.`, `..` and doubled slashes, the way the kernel reports an executable's path. */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
