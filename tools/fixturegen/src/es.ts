import { cdhashOf } from './prng.js';

/** NOTIFY event numbers (es_event_type_t in Apple's EndpointSecurity headers). Only the types the scenarios emit. */
export const EVENT_TYPES: Readonly<Record<string, number>> = {
  exec: 9,
  open: 10,
  fork: 11,
  close: 12,
  create: 13,
  exit: 15,
  get_task: 16,
  kextload: 17,
  mmap: 20,
  mprotect: 21,
  iokit_open: 24,
  rename: 25,
  setextattr: 27,
  setflags: 28,
  setmode: 29,
  setowner: 30,
  signal: 31,
  unlink: 32,
  write: 33,
  truncate: 41,
  utimes: 59,
  fcntl: 62,
  readdir: 68,
  deleteextattr: 70,
  uipc_connect: 78,
  proc_check: 86,
  cs_invalidated: 94,
  remote_thread_create: 97,
  btm_launch_item_add: 124,
  su: 128,
  sudo: 131,
  od_group_add: 132,
  tcc_modify: 147,
};

/** Code-signing flags from kern/cs_blobs.h. */
export const CS = {
  VALID: 0x1,
  ADHOC: 0x2,
  KILL: 0x200,
  HARD: 0x100,
  RESTRICT: 0x800,
  ENFORCEMENT: 0x1000,
  REQUIRE_LV: 0x2000,
  RUNTIME: 0x10000,
  LINKER_SIGNED: 0x20000,
  DYLD_PLATFORM: 0x2000000,
  PLATFORM_BINARY: 0x4000000,
  SIGNED: 0x20000000,
} as const;

/** proc_fdinfo types as eslogger prints them in exec `fds` (sys/proc_info.h PROX_FDTYPE_*). */
export const FDTYPE = { VNODE: 1, SOCKET: 2, PIPE: 6 } as const;

/** Kernel FFLAG bits used in open events (not O_* flags). */
export const FFLAG = {
  FREAD: 0x1,
  FWRITE: 0x2,
  O_NONBLOCK: 0x4,
  O_APPEND: 0x8,
  O_CREAT: 0x200,
  O_TRUNC: 0x400,
} as const;

/** fcntl(2) commands. */
export const FCNTL = {
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  F_NOCACHE: 48,
  F_GETPATH: 50,
  F_FULLFSYNC: 51,
} as const;

/** proc_check flavours (es_proc_check_type_t). */
export const PROC_CHECK = { LISTPIDS: 1, PIDINFO: 2, PIDFDINFO: 3 } as const;

export interface Signing {
  signing_id: string | null;
  team_id: string | null;
  is_platform_binary: boolean;
  codesigning_flags: number;
  cdhash: string;
}

const PLATFORM_FLAGS =
  CS.VALID |
  CS.SIGNED |
  CS.PLATFORM_BINARY |
  CS.DYLD_PLATFORM |
  CS.RUNTIME |
  CS.KILL |
  CS.HARD |
  CS.RESTRICT |
  CS.ENFORCEMENT |
  CS.REQUIRE_LV;
const DEVELOPER_FLAGS = CS.VALID | CS.SIGNED | CS.RUNTIME | CS.KILL | CS.HARD | CS.REQUIRE_LV;
const ADHOC_FLAGS = CS.VALID | CS.SIGNED | CS.ADHOC | CS.LINKER_SIGNED;

/** Third-party apps by bundle path prefix: signing id and team id as their vendors ship them. */
const VENDORS: ReadonlyArray<readonly [prefix: string, signingId: string, teamId: string]> = [
  ['/Applications/Google Chrome.app/Contents/Frameworks/', 'com.google.Chrome.helper', 'EQHXZ8M8AV'],
  ['/Applications/Google Chrome.app/', 'com.google.Chrome', 'EQHXZ8M8AV'],
  ['/Library/Google/GoogleSoftwareUpdate/', 'com.google.Keystone', 'EQHXZ8M8AV'],
  ['/Applications/Firefox.app/', 'org.mozilla.firefox', '43AQ936H96'],
  ['/Applications/Visual Studio Code.app/Contents/Frameworks/', 'com.github.Electron.helper', 'UBF8T346G9'],
  ['/Applications/Visual Studio Code.app/', 'com.microsoft.VSCode', 'UBF8T346G9'],
  ['/Applications/Slack.app/', 'com.tinyspeck.slackmacgap', 'BQR82RBBHL'],
  ['/Applications/zoom.us.app/', 'us.zoom.xos', 'BJ4HAAB9B3'],
  ['/Applications/iTerm.app/', 'com.googlecode.iterm2', 'H7V7XYVQ7D'],
  ['/Applications/Docker.app/', 'com.docker.docker', '9BNSXJN65R'],
  ['/Library/Application Support/JAMF/', 'com.jamf.protect.daemon', '483DWKW443'],
  ['/usr/local/jamf/bin/jamf', 'com.jamfsoftware.jamf', '483DWKW443'],
  ['/Library/Application Support/Microsoft/MAU2.0/', 'com.microsoft.autoupdate2', 'UBF8T346G9'],
  ['/usr/local/bin/mdatp', 'com.microsoft.wdav.mdatp', 'UBF8T346G9'],
  ['/opt/osquery/', 'io.osquery.agent', '3522FA9PXF'],
  ['/Applications/Santa.app/', 'com.google.santa.daemon', 'EQHXZ8M8AV'],
  ['/usr/local/bin/node', 'node', 'HX7739G8FX'],
];

/** Binaries that ship inside Xcode or the Command Line Tools are Apple-signed platform code. */
const APPLE_PREFIXES = [
  '/System/',
  '/usr/bin/',
  '/usr/sbin/',
  '/usr/libexec/',
  '/bin/',
  '/sbin/',
  '/Library/Apple/',
  '/Library/Developer/CommandLineTools/',
  '/Applications/Xcode.app/',
  '/Applications/Safari.app/',
  '/System/Applications/',
  '/usr/lib/',
];

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/**
 * The signing facts of a binary, from its path: Apple locations are platform binaries
 * (`com.apple.<name>`), known vendors carry their team id, everything else is ad-hoc linker-signed
 * (what clang, cargo and go produce on Apple Silicon: a signing id, no team id).
 */
export function signingFor(path: string, override?: Partial<Signing>): Signing {
  let s: Signing;
  const vendor = VENDORS.find(([prefix]) => path.startsWith(prefix));
  if (vendor) {
    s = {
      signing_id: vendor[1],
      team_id: vendor[2],
      is_platform_binary: false,
      codesigning_flags: DEVELOPER_FLAGS,
      cdhash: cdhashOf(path),
    };
  } else if (APPLE_PREFIXES.some((p) => path.startsWith(p))) {
    const name = basename(path)
      .replace(/\.app$/, '')
      .replace(/[^A-Za-z0-9.-]/g, '-');
    // Bundled services are already named com.apple.* (com.apple.WebKit.Networking); tools are not.
    const id = name.startsWith('com.apple.') ? name : `com.apple.${name}`;
    s = {
      signing_id: id,
      team_id: null,
      is_platform_binary: true,
      codesigning_flags: PLATFORM_FLAGS,
      cdhash: cdhashOf(path),
    };
  } else {
    const cdhash = cdhashOf(path);
    s = {
      signing_id: basename(path),
      team_id: null,
      is_platform_binary: false,
      codesigning_flags: ADHOC_FLAGS,
      cdhash,
    };
  }
  return { ...s, ...override };
}
