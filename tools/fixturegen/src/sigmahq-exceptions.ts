/**
 * SigmaHQ macOS alerts on the committed traces that no shipped rule raises on the same event or
 * process, and why that is right. The parity test runs SigmaHQ's macOS rules and the shipped rules
 * over every trace (atomics included): every SigmaHQ alert must be matched by a shipped alert on
 * the same event, the same process or a process it started, or be listed here (by SigmaHQ rule
 * id, and by trace when only some traces are meant).
 */
export interface SigmaException {
  readonly id: string;
  readonly title: string;
  /** Trace file names (as in fixtures/, atomics as `atomics/<name>.jsonl`); absent: every trace. */
  readonly traces?: readonly string[];
  readonly reason: string;
}

const LONE_DISCOVERY =
  'A lone discovery command is not an attack (SigmaHQ rates it informational or low); the shipped rules count it in the discovery burst (five distinct utilities from one parent), alert when an unsigned or staged program runs it, and catch the attack shapes (VM checks, SIP checks by scripts, credential and bookmark searches) separately.';

export const SIGMAHQ_EXCEPTIONS: readonly SigmaException[] = [
  {
    id: 'ddf36b67-e872-4507-ab2e-46bda21b842c',
    title: 'Local System Accounts Discovery - MacOs',
    reason: LONE_DISCOVERY,
  },
  {
    id: '5de06a6f-673a-4fc0-8d48-bcfe3837b033',
    title: 'System Information Discovery Using sw_vers',
    reason: `${LONE_DISCOVERY} Every installer and updater reads the OS version.`,
  },
  {
    id: '6ff08e55-ea53-4f27-94a1-eff92e6d9d5c',
    title: 'System Information Discovery Via Sysctl - MacOS',
    reason: LONE_DISCOVERY,
  },
  {
    id: '9a7a0393-2144-4626-9bf1-7c2f5a7321db',
    title: 'System Network Connections Discovery - MacOs',
    reason: LONE_DISCOVERY,
  },
  { id: '58800443-f9fc-4d55-ae0c-98a3966dfb97', title: 'System Network Discovery - macOS', reason: LONE_DISCOVERY },
  {
    id: '089dbdf6-b960-4bcc-90e3-ffc3480c20f6',
    title: 'File and Directory Discovery - MacOS',
    reason: `${LONE_DISCOVERY} find and ls are everyday commands; the readdir-based walk rule catches an implant walking the home folder.`,
  },
  {
    id: '4809c683-059b-4935-879d-36835986f8cf',
    title: 'System Information Discovery Using System_Profiler',
    reason: `${LONE_DISCOVERY} system_profiler is what support tools and inventory agents run.`,
  },
  { id: '89bb1f97-c7b9-40e8-b52b-7d6afbd67276', title: 'Local Groups Discovery - MacOs', reason: LONE_DISCOVERY },
  {
    id: '10227522-8429-47e6-a301-f2b2d014e7ad',
    title: 'Macos Remote System Discovery',
    reason: `${LONE_DISCOVERY} arp -a reads the local cache; sweeps are caught by the ping-sweep rule.`,
  },
  {
    id: '2d5e7a8b-f484-4a24-945d-7f0efd52eab0',
    title: 'System Information Discovery Using Ioreg',
    reason: `${LONE_DISCOVERY} ioreg queries for VM vendors are caught by the VM check rule.`,
  },
  {
    id: '719c22d7-c11a-4f2c-93a6-2cfdd5412f68',
    title: 'Decode Base64 Encoded Text -MacOs',
    reason:
      'base64 -d on its own is a developer tool; the shipped rules alert on the attack shapes: decoded into a shell or interpreter, hidden with brace expansion, decoded in a Perl or Python one-liner.',
  },
  {
    id: '84bae5d4-b518-4ae0-b331-6d4afd34d00f',
    title: 'MacOS Network Service Scanning',
    reason:
      'One telnet or nc -nv connection to one port is a connectivity check; the service-scan rule alerts on scanners and on nc -z over port ranges or lists.',
  },
  {
    id: '2316929c-01aa-438c-970f-099145ab1ee6',
    title: 'JAMF MDM Potential Suspicious Child Process',
    traces: ['benign-managed-mac.jsonl'],
    reason: 'Jamf policy scripts run by /bin/sh are how Jamf works: the managed-Mac baseline must stay quiet.',
  },
  {
    id: '53821412-17b0-4147-ade0-14faae67d54b',
    title: 'System Integrity Protection (SIP) Enumeration',
    traces: ['benign-managed-mac.jsonl'],
    reason:
      "Jamf's inventory reads SIP state; scripted SIP checks outside the MDM agent are caught by System Integrity Protection Status Queried By A Script.",
  },
  {
    id: '51719bf5-e4fd-4e44-8ba8-b830e7ac0731',
    title: 'Creation Of A Local User Account',
    traces: ['benign-managed-mac.jsonl'],
    reason:
      "The MDM agent creating its management account (filtered by the Jamf agent's path and team id among the ancestors).",
  },
  {
    id: 'b22a5b36-2431-493a-8be1-0bae56c28ef3',
    title: 'Hidden User Creation',
    traces: ['benign-managed-mac.jsonl'],
    reason: 'The management account is hidden by design (same MDM filter).',
  },
  {
    id: '5d0fdb62-f225-42fb-8402-3dfe64da468a',
    title: 'User Added To Admin Group Via DseditGroup',
    traces: ['benign-managed-mac.jsonl'],
    reason: 'The management account is an admin by design (same MDM filter).',
  },
  {
    id: '40b1fbe2-18ea-4ee7-be47-0294285811de',
    title: 'System Shutdown/Reboot - MacOs',
    traces: ['benign-managed-mac.jsonl'],
    reason: 'A restart scheduled by the MDM after updates (same MDM filter).',
  },
  {
    id: '0877ed01-da46-4c49-8476-d49cdd80dfa7',
    title: 'Screen Capture - macOS',
    traces: ['collection.jsonl'],
    reason:
      'An interactive selection screenshot (screencapture -i) taken by the user from the UI: the benign look-alike of that trace.',
  },
  {
    id: '3b2c1059-ae5f-40b6-b5d4-6106d3ac20fe',
    title: 'Hidden Flag Set On File/Directory Via Chflags - MacOS',
    traces: ['defense-evasion.jsonl'],
    reason:
      'chflags nohidden makes ~/Library visible again: the opposite of hiding (SigmaHQ matches the substring "hidden").',
  },
  {
    id: '1bc2e6c5-0885-472b-bed6-be5ea8eace55',
    title: 'MacOS Scripting Interpreter AppleScript',
    traces: ['execution.jsonl'],
    reason: "The user's own saved AppleScript run with osascript: the benign look-alike of that trace.",
  },
  {
    id: 'ae9d710f-dcd1-4f75-a0a5-93a73b5dda0e',
    title: 'Launch Agent/Daemon Execution Via Launchctl',
    traces: ['atomics/T1543.001-66774fa8.jsonl', 'atomics/T1543.001-a5983dee.jsonl'],
    reason:
      'Loading an agent is what every installer and `brew services` does; the persistence is caught where it is made, when the plist is written into LaunchAgents (Launch Agent Or Daemon Plist Created By Shell Utility, Interpreter Or Unsigned Process).',
  },
  {
    id: 'b6e2a2e3-2d30-43b1-a4ea-071e36595690',
    title: 'Space After Filename - macOS',
    traces: ['atomics/T1552.001-da4f751a.jsonl'],
    reason: 'An empty variable leaves `cat ` with a trailing space; there is no file name to masquerade.',
  },
];
