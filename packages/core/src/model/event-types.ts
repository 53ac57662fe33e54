/**
 * The es_event_type_t table (values from HarfangLab/endpoint-sec-sys types.rs,
 * which agree with ESTypes.h 15.4). One source of truth for name ↔ number: the decoder, the CLI's
 * `events` command and subscriptions all read it.
 *
 * Names are eslogger's: the lower-cased suffix after `ES_EVENT_TYPE_AUTH_`/`ES_EVENT_TYPE_NOTIFY_`.
 * AUTH and NOTIFY variants share a name (and the `event.<name>` union member); lookups by name return
 * the NOTIFY entry, the one eslogger and Nightjar subscribe to. RESERVED_0..8 (macOS 26.3+) are
 * undocumented placeholders, named `reserved_<n>`.
 */

export type EventKind = 'auth' | 'notify' | 'reserved';

export interface EventTypeInfo {
  /** es_event_type_t value. */
  readonly type: number;
  /** eslogger name (`exec`, `iokit_open`, …). */
  readonly name: string;
  readonly kind: EventKind;
  /** The SDK constant, e.g. `ES_EVENT_TYPE_NOTIFY_EXEC`. */
  readonly constant: string;
  /** First macOS release with this type (`10.15`, `10.15.1`, `13.0`, …). */
  readonly macos: string;
}

// [value, SDK suffix, first macOS]; generated from ESTypes.h (values are sequential from 0).
const RAW: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'AUTH_EXEC', '10.15'],
  [1, 'AUTH_OPEN', '10.15'],
  [2, 'AUTH_KEXTLOAD', '10.15'],
  [3, 'AUTH_MMAP', '10.15'],
  [4, 'AUTH_MPROTECT', '10.15'],
  [5, 'AUTH_MOUNT', '10.15'],
  [6, 'AUTH_RENAME', '10.15'],
  [7, 'AUTH_SIGNAL', '10.15'],
  [8, 'AUTH_UNLINK', '10.15'],
  [9, 'NOTIFY_EXEC', '10.15'],
  [10, 'NOTIFY_OPEN', '10.15'],
  [11, 'NOTIFY_FORK', '10.15'],
  [12, 'NOTIFY_CLOSE', '10.15'],
  [13, 'NOTIFY_CREATE', '10.15'],
  [14, 'NOTIFY_EXCHANGEDATA', '10.15'],
  [15, 'NOTIFY_EXIT', '10.15'],
  [16, 'NOTIFY_GET_TASK', '10.15'],
  [17, 'NOTIFY_KEXTLOAD', '10.15'],
  [18, 'NOTIFY_KEXTUNLOAD', '10.15'],
  [19, 'NOTIFY_LINK', '10.15'],
  [20, 'NOTIFY_MMAP', '10.15'],
  [21, 'NOTIFY_MPROTECT', '10.15'],
  [22, 'NOTIFY_MOUNT', '10.15'],
  [23, 'NOTIFY_UNMOUNT', '10.15'],
  [24, 'NOTIFY_IOKIT_OPEN', '10.15'],
  [25, 'NOTIFY_RENAME', '10.15'],
  [26, 'NOTIFY_SETATTRLIST', '10.15'],
  [27, 'NOTIFY_SETEXTATTR', '10.15'],
  [28, 'NOTIFY_SETFLAGS', '10.15'],
  [29, 'NOTIFY_SETMODE', '10.15'],
  [30, 'NOTIFY_SETOWNER', '10.15'],
  [31, 'NOTIFY_SIGNAL', '10.15'],
  [32, 'NOTIFY_UNLINK', '10.15'],
  [33, 'NOTIFY_WRITE', '10.15'],
  [34, 'AUTH_FILE_PROVIDER_MATERIALIZE', '10.15'],
  [35, 'NOTIFY_FILE_PROVIDER_MATERIALIZE', '10.15'],
  [36, 'AUTH_FILE_PROVIDER_UPDATE', '10.15'],
  [37, 'NOTIFY_FILE_PROVIDER_UPDATE', '10.15'],
  [38, 'AUTH_READLINK', '10.15'],
  [39, 'NOTIFY_READLINK', '10.15'],
  [40, 'AUTH_TRUNCATE', '10.15'],
  [41, 'NOTIFY_TRUNCATE', '10.15'],
  [42, 'AUTH_LINK', '10.15'],
  [43, 'NOTIFY_LOOKUP', '10.15'],
  [44, 'AUTH_CREATE', '10.15'],
  [45, 'AUTH_SETATTRLIST', '10.15'],
  [46, 'AUTH_SETEXTATTR', '10.15'],
  [47, 'AUTH_SETFLAGS', '10.15'],
  [48, 'AUTH_SETMODE', '10.15'],
  [49, 'AUTH_SETOWNER', '10.15'],
  [50, 'AUTH_CHDIR', '10.15.1'],
  [51, 'NOTIFY_CHDIR', '10.15.1'],
  [52, 'AUTH_GETATTRLIST', '10.15.1'],
  [53, 'NOTIFY_GETATTRLIST', '10.15.1'],
  [54, 'NOTIFY_STAT', '10.15.1'],
  [55, 'NOTIFY_ACCESS', '10.15.1'],
  [56, 'AUTH_CHROOT', '10.15.1'],
  [57, 'NOTIFY_CHROOT', '10.15.1'],
  [58, 'AUTH_UTIMES', '10.15.1'],
  [59, 'NOTIFY_UTIMES', '10.15.1'],
  [60, 'AUTH_CLONE', '10.15.1'],
  [61, 'NOTIFY_CLONE', '10.15.1'],
  [62, 'NOTIFY_FCNTL', '10.15.1'],
  [63, 'AUTH_GETEXTATTR', '10.15.1'],
  [64, 'NOTIFY_GETEXTATTR', '10.15.1'],
  [65, 'AUTH_LISTEXTATTR', '10.15.1'],
  [66, 'NOTIFY_LISTEXTATTR', '10.15.1'],
  [67, 'AUTH_READDIR', '10.15.1'],
  [68, 'NOTIFY_READDIR', '10.15.1'],
  [69, 'AUTH_DELETEEXTATTR', '10.15.1'],
  [70, 'NOTIFY_DELETEEXTATTR', '10.15.1'],
  [71, 'AUTH_FSGETPATH', '10.15.1'],
  [72, 'NOTIFY_FSGETPATH', '10.15.1'],
  [73, 'NOTIFY_DUP', '10.15.1'],
  [74, 'AUTH_SETTIME', '10.15.1'],
  [75, 'NOTIFY_SETTIME', '10.15.1'],
  [76, 'NOTIFY_UIPC_BIND', '10.15.1'],
  [77, 'AUTH_UIPC_BIND', '10.15.1'],
  [78, 'NOTIFY_UIPC_CONNECT', '10.15.1'],
  [79, 'AUTH_UIPC_CONNECT', '10.15.1'],
  [80, 'AUTH_EXCHANGEDATA', '10.15.1'],
  [81, 'AUTH_SETACL', '10.15.1'],
  [82, 'NOTIFY_SETACL', '10.15.1'],
  [83, 'NOTIFY_PTY_GRANT', '10.15.4'],
  [84, 'NOTIFY_PTY_CLOSE', '10.15.4'],
  [85, 'AUTH_PROC_CHECK', '10.15.4'],
  [86, 'NOTIFY_PROC_CHECK', '10.15.4'],
  [87, 'AUTH_GET_TASK', '10.15.4'],
  [88, 'AUTH_SEARCHFS', '11.0'],
  [89, 'NOTIFY_SEARCHFS', '11.0'],
  [90, 'AUTH_FCNTL', '11.0'],
  [91, 'AUTH_IOKIT_OPEN', '11.0'],
  [92, 'AUTH_PROC_SUSPEND_RESUME', '11.0'],
  [93, 'NOTIFY_PROC_SUSPEND_RESUME', '11.0'],
  [94, 'NOTIFY_CS_INVALIDATED', '11.0'],
  [95, 'NOTIFY_GET_TASK_NAME', '11.0'],
  [96, 'NOTIFY_TRACE', '11.0'],
  [97, 'NOTIFY_REMOTE_THREAD_CREATE', '11.0'],
  [98, 'AUTH_REMOUNT', '11.0'],
  [99, 'NOTIFY_REMOUNT', '11.0'],
  [100, 'AUTH_GET_TASK_READ', '11.3'],
  [101, 'NOTIFY_GET_TASK_READ', '11.3'],
  [102, 'NOTIFY_GET_TASK_INSPECT', '11.3'],
  [103, 'NOTIFY_SETUID', '12.0'],
  [104, 'NOTIFY_SETGID', '12.0'],
  [105, 'NOTIFY_SETEUID', '12.0'],
  [106, 'NOTIFY_SETEGID', '12.0'],
  [107, 'NOTIFY_SETREUID', '12.0'],
  [108, 'NOTIFY_SETREGID', '12.0'],
  [109, 'AUTH_COPYFILE', '12.0'],
  [110, 'NOTIFY_COPYFILE', '12.0'],
  [111, 'NOTIFY_AUTHENTICATION', '13.0'],
  [112, 'NOTIFY_XP_MALWARE_DETECTED', '13.0'],
  [113, 'NOTIFY_XP_MALWARE_REMEDIATED', '13.0'],
  [114, 'NOTIFY_LW_SESSION_LOGIN', '13.0'],
  [115, 'NOTIFY_LW_SESSION_LOGOUT', '13.0'],
  [116, 'NOTIFY_LW_SESSION_LOCK', '13.0'],
  [117, 'NOTIFY_LW_SESSION_UNLOCK', '13.0'],
  [118, 'NOTIFY_SCREENSHARING_ATTACH', '13.0'],
  [119, 'NOTIFY_SCREENSHARING_DETACH', '13.0'],
  [120, 'NOTIFY_OPENSSH_LOGIN', '13.0'],
  [121, 'NOTIFY_OPENSSH_LOGOUT', '13.0'],
  [122, 'NOTIFY_LOGIN_LOGIN', '13.0'],
  [123, 'NOTIFY_LOGIN_LOGOUT', '13.0'],
  [124, 'NOTIFY_BTM_LAUNCH_ITEM_ADD', '13.0'],
  [125, 'NOTIFY_BTM_LAUNCH_ITEM_REMOVE', '13.0'],
  [126, 'NOTIFY_PROFILE_ADD', '14.0'],
  [127, 'NOTIFY_PROFILE_REMOVE', '14.0'],
  [128, 'NOTIFY_SU', '14.0'],
  [129, 'NOTIFY_AUTHORIZATION_PETITION', '14.0'],
  [130, 'NOTIFY_AUTHORIZATION_JUDGEMENT', '14.0'],
  [131, 'NOTIFY_SUDO', '14.0'],
  [132, 'NOTIFY_OD_GROUP_ADD', '14.0'],
  [133, 'NOTIFY_OD_GROUP_REMOVE', '14.0'],
  [134, 'NOTIFY_OD_GROUP_SET', '14.0'],
  [135, 'NOTIFY_OD_MODIFY_PASSWORD', '14.0'],
  [136, 'NOTIFY_OD_DISABLE_USER', '14.0'],
  [137, 'NOTIFY_OD_ENABLE_USER', '14.0'],
  [138, 'NOTIFY_OD_ATTRIBUTE_VALUE_ADD', '14.0'],
  [139, 'NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE', '14.0'],
  [140, 'NOTIFY_OD_ATTRIBUTE_SET', '14.0'],
  [141, 'NOTIFY_OD_CREATE_USER', '14.0'],
  [142, 'NOTIFY_OD_CREATE_GROUP', '14.0'],
  [143, 'NOTIFY_OD_DELETE_USER', '14.0'],
  [144, 'NOTIFY_OD_DELETE_GROUP', '14.0'],
  [145, 'NOTIFY_XPC_CONNECT', '14.0'],
  [146, 'NOTIFY_GATEKEEPER_USER_OVERRIDE', '15.0'],
  [147, 'NOTIFY_TCC_MODIFY', '15.4'],
  [148, 'RESERVED_0', '26.3'],
  [149, 'RESERVED_1', '26.3'],
  [150, 'RESERVED_2', '26.3'],
  [151, 'RESERVED_3', '26.4'],
  [152, 'RESERVED_4', '26.4'],
  [153, 'RESERVED_5', '26.4'],
  [154, 'RESERVED_6', '26.4'],
  [155, 'RESERVED_7', '26.5'],
  [156, 'RESERVED_8', '26.5'],
];

export const ALL_EVENT_TYPES: readonly EventTypeInfo[] = Object.freeze(
  RAW.map(([type, suffix, macos]) => {
    const kind: EventKind = suffix.startsWith('AUTH_') ? 'auth' : suffix.startsWith('NOTIFY_') ? 'notify' : 'reserved';
    const name = (kind === 'reserved' ? suffix : suffix.slice(suffix.indexOf('_') + 1)).toLowerCase();
    return Object.freeze({ type, name, kind, constant: `ES_EVENT_TYPE_${suffix}`, macos });
  }),
);

/**
 * Vendor spellings of ES event names → eslogger names. Jamf Protect writes `cs_invalidate` for
 * NOTIFY_CS_INVALIDATED; `ptrace` is the syscall behind `trace`. Applied by the decoder to the key
 * under `event` and by `eventTypeByName`.
 */
export const EVENT_NAME_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  cs_invalidate: 'cs_invalidated',
  ptrace: 'trace',
});

const BY_NUMBER: readonly EventTypeInfo[] = ALL_EVENT_TYPES;
const BY_NAME = new Map<string, EventTypeInfo>();
const AUTH_BY_NAME = new Map<string, EventTypeInfo>();
for (const info of ALL_EVENT_TYPES) {
  if (info.kind === 'auth') AUTH_BY_NAME.set(info.name, info);
  // NOTIFY wins for the name; reserved types have no variant.
  else BY_NAME.set(info.name, info);
}
// Names with an AUTH variant only (none in 15.4, but keep lookups total if a future table adds one).
for (const [name, info] of AUTH_BY_NAME) if (!BY_NAME.has(name)) BY_NAME.set(name, info);

/** The eslogger name for a vendor alias, or the name itself. */
export function canonicalEventName(name: string): string {
  return Object.prototype.hasOwnProperty.call(EVENT_NAME_ALIASES, name) ? EVENT_NAME_ALIASES[name]! : name;
}

/** The NOTIFY entry for an eslogger name (aliases accepted), else undefined. */
export function eventTypeByName(name: string): EventTypeInfo | undefined {
  return BY_NAME.get(canonicalEventName(name));
}

/** The AUTH entry for a name, when ES has an AUTH variant of it. */
export function authEventTypeByName(name: string): EventTypeInfo | undefined {
  return AUTH_BY_NAME.get(canonicalEventName(name));
}

/** The entry for an es_event_type_t value, else undefined (vendor records such as Jamf's 9001). */
export function eventTypeByNumber(n: number): EventTypeInfo | undefined {
  return Number.isInteger(n) && n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[n] : undefined;
}

/** True for an eslogger event name (after aliasing). `unknown:<n>` names are not known. */
/**
 * True for the `unknown:<event_type>` names the decoder gives non-ES types. Per event on hot paths:
 * known names never have ':' at index 7, so most names are decided by one character.
 */
export function isUnknownEventName(name: string): boolean {
  return name.length > 8 && name.charCodeAt(7) === 58 && name.startsWith('unknown:');
}

export function isKnownEventName(name: string): boolean {
  return BY_NAME.has(canonicalEventName(name));
}
