/**
 * Long on purpose: one reviewed entry per Atomic Red Team procedure (169).
 *
 * What the shipped ruleset must do on each Atomic Red Team procedure, by the atomic's guid:
 * the alerts it raises (rule title → count), or why it must stay quiet on its own (`quiet`) and
 * what catches the same behaviour in context (`context`). The atomics command writes each
 * fixture's `.expected.json` from this table, and the tests scan the fixtures against it, so a
 * rule change that gains or loses an atomic shows up here, reviewed.
 */
export type AtomicExpectation =
  { readonly alerts: Readonly<Record<string, number>> } | { readonly quiet: string; readonly context: string };

export const ATOMIC_EXPECT: Readonly<Record<string, AtomicExpectation>> = {
  // T1005 Copy Apple Notes database files using AppleScript
  'cfb6d400-a269-4c06-a347-6d88d584d5f7': {
    alerts: {
      'Apple Notes Database Opened By Another Process': 3,
      'Finder Scripted To Duplicate, Move Or Delete Files': 1,
    },
  },
  // T1007 System Service Discovery - macOS launchctl
  '9b378962-a75e-4856-b117-2503d6dcebba': {
    quiet: '`launchctl list` is what every admin, installer and `brew services` runs; alone it is not an attack.',
    context:
      'Shell Spawned By Unsigned Binary From Staging Location when an implant runs it; Launchctl Loads A Job From A Temporary Or Shared Location and Security Agent Unloaded Or Disabled From The Command Line for launchctl that changes jobs.',
  },
  // T1016 System Network Configuration Discovery
  'c141bbdb-7fca-4254-9fd6-f47e79447e17': {
    quiet:
      'arp, ifconfig and netstat (ss and ip do not exist on macOS, so the shell never execs them) are ordinary network troubleshooting; three distinct utilities stay under the burst threshold of five.',
    context: 'Discovery burst when more utilities join (uname, id, sw_vers…); shell under a staged binary.',
  },
  // T1016 List macOS Firewall Rules
  'ff1d8c25-2aa4-4f18-a425-fede4a41ee88': {
    alerts: { 'Application Firewall Configuration Read From The Command Line': 2 },
  },
  // T1016.001 Check internet connection using ping freebsd, linux or macos
  'be8f4019-d8b6-434c-a814-53123cdcc11e': {
    quiet: 'Four pings to a public resolver is a connectivity check every user and VPN client makes.',
    context:
      'Ping Sweep Of Many Hosts From One Parent (ten or more targets), Ping Used As A Delay Timer (100+ probes).',
  },
  // T1018 Remote System Discovery - sweep
  '96db2632-8417-4dbb-b8bb-a8b92ba391de': { alerts: { 'Ping Sweep Of Many Hosts From One Parent': 1 } },
  // T1018 Remote System Discovery - arp nix
  'acb6b1ff-e2ad-4d64-806c-6c35fe73b951': {
    quiet:
      '`arp -a` reads the local ARP cache: no packets sent, an everyday troubleshooting command (SigmaHQ rates it informational).',
    context: 'Discovery burst; a following sweep or scan is caught by the ping-sweep and service-scan rules.',
  },
  // T1021.005 Enable Apple Remote Desktop Agent
  '8a930abe-841c-4d4f-a877-72e9fe90b9ea': {
    alerts: { 'Remote Login, Screen Sharing Or Remote Management Enabled From The Command Line': 1 },
  },
  // T1027.001 Pad Binary to Change Hash - Linux/macOS dd
  'ffe2346c-abd5-4b45-a713-bf5f1ebd573a': { alerts: { 'File Padded With Bytes From dd': 3 } },
  // T1027.002 Binary packed by UPX, with modified headers
  '4d46e16b-5765-4046-9f25-a600d3e65e4d': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1027.002 Binary simply packed by UPX
  'b16ef901-00bb-4dda-b4fc-a04db5067e20': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1027.004 C compile
  'd0377aa6-850a-42b2-95f0-de558d80be57': {
    quiet:
      "Compiling a C file and running a.out from the home folder is a developer's daily work; the binary is ad-hoc signed but not in a staging location.",
    context:
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location when built or dropped in /tmp, Downloads or a hidden folder; Binary Dropped By Unsigned Process Then Executed when an implant builds it.',
  },
  // T1027.004 CC compile
  'da97bb11-d6d0-4fc1-b445-e443d1346efe': {
    quiet: 'Same as the C compile atomic: a C++ build and run in the home folder is ordinary development.',
    context: 'As for the C compile atomic.',
  },
  // T1027.013 Password-Protected ZIP Payload Extraction and Execution
  'c2ca068a-eb1e-498f-9f93-3d554c455916': {
    alerts: { 'Password-Protected Archive Created Or Extracted From The Command Line': 2 },
  },
  // T1033 System Owner/User Discovery
  '2a9b677d-a230-44f4-ad86-782df1ef108c': {
    quiet: 'users, w and who list logged-in users: harmless on their own (SigmaHQ rates it low).',
    context: 'Discovery burst; shell under a staged binary.',
  },
  // T1036.005 Execute a process from a directory masquerading as the current parent directory
  '812c3ab8-94b0-4698-a9bf-9420af23ce24': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1037.004 rc.common
  '97a48daa-8bca-4bc0-b1a9-c1d163e762de': { alerts: { 'Startup Item, rc Or Periodic Script Modified In Place': 1 } },
  // T1037.005 Add launch script to launch agent
  '10cf5bec-49dd-4ebf-8077-8f47e420096f': {
    alerts: {
      'Startup Item, rc Or Periodic Script Created': 2,
      'Startup Item, rc Or Periodic Script Modified In Place': 2,
    },
  },
  // T1037.005 Add file to Local Library StartupItems
  '134627c3-75db-410e-bff8-7a920075f198': { alerts: { 'Startup Item, rc Or Periodic Script Created': 1 } },
  // T1037.005 Add launch script to launch daemon
  'fc369906-90c7-4a15-86fd-d37da624dde6': {
    alerts: {
      'Startup Item, rc Or Periodic Script Created': 2,
      'Startup Item, rc Or Periodic Script Modified In Place': 2,
    },
  },
  // T1040 Packet Capture macOS using tcpdump or tshark
  '9d04efee-eff5-4240-b8d2-07792b873608': { alerts: { 'Network Traffic Captured With tcpdump Or tshark': 1 } },
  // T1040 Filtered Packet Capture macOS using /dev/bpfN with sudo
  'e2480aee-23f3-4f34-80ce-de221e27cd19': {
    alerts: {
      'Sudo Runs A Program From A Staging Location': 1,
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    },
  },
  // T1040 Packet Capture macOS using /dev/bpfN with sudo
  'e6fe5095-545d-4c8b-a0ae-e863914be3aa': {
    alerts: {
      'Sudo Runs A Program From A Staging Location': 1,
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    },
  },
  // T1046 Port Scan Nmap
  '515942b0-a09f-4163-a7bb-22fefb6f185f': { alerts: { 'Network Service Scan': 1 } },
  // T1046 Port Scan
  '68e907da-2539-48f6-9fc9-257a78c05540': { alerts: { 'Reverse Shell One-Liner': 1 } },
  // T1048 Exfiltration Over Alternative Protocol - SSH
  '7c3cb337-35ae-4d06-bf03-3032ed2ec268': { alerts: { 'Archive Or Encrypted Stream Sent Over SSH': 1 } },
  // T1048 Exfiltrate Data using DNS Queries via dig
  'a27916da-05f2-4316-a3ee-feec67a437be': { alerts: { 'Encoded Data In A DNS Query From The Command Line': 1 } },
  // T1048 Exfiltration Over Alternative Protocol - SSH
  'f6786cc8-beda-4915-a4d6-ac2f193bb988': { alerts: { 'Archive Or Encrypted Stream Sent Over SSH': 1 } },
  // T1048.002 Exfiltrate data HTTPS using curl freebsd,linux or macos
  '4a4f31e2-46ea-4c26-ad89-f09ad1d5fe01': {
    alerts: { 'Data Uploaded To A File-Sharing Service Or Chat Webhook From The Command Line': 1 },
  },
  // T1049 System Network Connections Discovery FreeBSD, Linux & MacOS
  '9ae28d3f-190f-4fa0-b023-c7bd3e0eabf2': {
    quiet: 'netstat and who -a are ordinary diagnostics.',
    context: 'Discovery burst.',
  },
  // T1049 System Network Connections Discovery via ss or lsof (Linux/MacOS)
  'bcf05343-ef1d-4052-8a27-b00c9be42b9f': {
    quiet: '`ss` does not exist on macOS (no exec); `lsof -i -nP` is a common diagnostic.',
    context: 'Discovery burst.',
  },
  // T1053.003 Cron - Replace crontab with referenced file
  '435057fb-74b1-410e-9403-d81baf194f75': {
    alerts: { 'Crontab Installed From Temporary File Or Standard Input By Non-Interactive Parent': 1 },
  },
  // T1053.003 Cron - Add script to all cron subfolders
  'b7d42afa-9086-4c8a-b7b0-8ea3faa6ebb0': {
    alerts: {
      'Startup Item, rc Or Periodic Script Created': 4,
      'Startup Item, rc Or Periodic Script Modified In Place': 4,
    },
  },
  // T1056.002 AppleScript - Prompt User for Password
  '76628574-0bc1-4646-8fe2-8f4427b47d15': { alerts: { 'Fake Password Prompt With AppleScript': 1 } },
  // T1056.002 AppleScript - Spoofing a credential prompt using osascript
  'b7037b89-947a-427a-ba29-e7e9f09bc045': { alerts: { 'Fake Password Prompt With AppleScript': 1 } },
  // T1059.004 Create and Execute Bash Shell Script
  '7e7ac3ed-f795-4fa5-b711-09d6fbe9b873': { alerts: { 'File In Temporary Or Shared Folder Made Executable': 1 } },
  // T1059.004 Creating shell using cpan command
  'bcd4c2bc-490b-4f91-bd31-3709fe75bbdf': {
    alerts: { 'Shell Spawned By An Editor, Pager Or Package Manager Shell Escape': 1 },
  },
  // T1059.004 Command-Line Interface
  'd0c88567-803d-4dca-99b4-7ce65e7b257c': { alerts: { 'Download Piped To Shell In One Command Line': 1 } },
  // T1059.004 emacs spawning an interactive system shell
  'e0742e38-6efe-4dd4-ba5c-2078095b6156': {
    alerts: { 'Shell Spawned By An Editor, Pager Or Package Manager Shell Escape': 1 },
  },
  // T1069.001 Permission Groups Discovery (Local)
  '952931a4-af0b-4335-bbbe-73c8c5b327ae': { alerts: { 'Local Accounts Enumerated With dscl Or dscacheutil': 1 } },
  // T1070.003 Clear Bash history (ln dev/null)
  '23d348f3-cc5c-4ba9-bd0a-ae09069f0914': {
    alerts: { 'Shell History Disabled Or Cleared From Command Line': 2, 'Shell History File Deleted': 1 },
  },
  // T1070.003 Use Space Before Command to Avoid Logging to History
  '53b03a54-4529-4992-852d-a00b4b7215a6': {
    quiet:
      'A leading space only changes what an interactive shell writes to its history; ES sees only the hostname and whoami execs, both benign.',
    context:
      'The HISTCONTROL setting that makes the trick work is caught by Shell History Disabled Or Cleared From Command Line (the T1690 atomic).',
  },
  // T1070.003 Clear history of a bunch of shells
  '7e6721df-5f08-4370-9255-f06d8a77af4c': { alerts: { 'Shell History Disabled Or Cleared From Command Line': 1 } },
  // T1070.003 Clear Bash history (cat dev/null)
  'b1251c35-dcd3-4ea1-86da-36d27b54f31f': {
    alerts: {
      'Shell History Disabled Or Cleared From Command Line': 1,
      'Shell History File Emptied Or Overwritten By Another Program': 1,
    },
  },
  // T1070.004 Delete a single file - FreeBSD/Linux/macOS
  '562d737f-2fc6-4b09-8c2a-7f8ff0828480': {
    quiet: 'Deleting a file in /tmp is what every build and installer does; nothing identifies it as evidence removal.',
    context:
      'Unsigned Process Deletes Its Own Executable, Shell History File Deleted and System Or Audit Log File Deleted for deletions that are anti-forensic by their target.',
  },
  // T1070.004 Delete an entire folder - FreeBSD/Linux/macOS
  'a415f17e-ce8d-4ce2-a8b4-83b674e7017e': {
    quiet: '`rm -rf` of a folder in /tmp is routine cleanup.',
    context: 'As for the single-file deletion atomic.',
  },
  // T1070.006 Set a file's modification timestamp
  '20ef1523-8758-4898-b5a2-d026cc3d2c52': {
    alerts: { 'File Timestamps Set Or System Clock Changed From The Command Line': 1 },
  },
  // T1070.006 Set a file's creation timestamp
  '8164a4a6-f99c-4661-ac4f-80f5e4e78d2b': {
    alerts: { 'File Timestamps Set Or System Clock Changed From The Command Line': 2 },
  },
  // T1070.006 MacOS - Timestomp Date Modified
  '87fffff4-d371-4057-a539-e3b24c37e564': {
    alerts: { 'File Timestamps Set Or System Clock Changed From The Command Line': 1 },
  },
  // T1070.008 Copy and Modify Mailbox Data on macOS
  '8a0b1579-5a36-483a-9cde-0236983e1665': { alerts: { 'Mail Data Copied Or Written By A Non-Mail Process': 1 } },
  // T1071.001 Malicious User Agents - Nix
  '2d7c471a-e887-4b78-b0dc-b0df1f2e0658': { alerts: { 'Curl With A Spoofed Or Known-Malicious User Agent': 4 } },
  // T1074.001 Stage data from Discovery.sh
  '39ce0303-ae16-4b9e-bb5b-4f53e8262066': { alerts: { 'Download Piped To Shell In One Command Line': 1 } },
  // T1078.001 Enable Guest Account on macOS
  '0315bdff-4178-47e9-81e4-f31a6d23f7e4': { alerts: { 'Root Or Guest Account Enabled': 1 } },
  // T1078.003 Create local account with admin privileges using sysadminctl utility - MacOS
  '191db57d-091a-47d5-99f3-97fde53de505': {
    alerts: {
      'Local User Account Created With dscl Or sysadminctl': 1,
      'User Added To The Admin Group': 1,
      'User Added To The Admin Group From The Command Line': 1,
    },
  },
  // T1078.003 Enable root account using dsenableroot utility - MacOS
  '20b40ea9-0e17-4155-b8e6-244911a678ac': { alerts: { 'Root Or Guest Account Enabled': 2 } },
  // T1078.003 Add a new/existing user to the admin group using dseditgroup utility - macOS
  '433842ba-e796-4fd5-a14f-95d3a1970875': {
    alerts: { 'User Added To The Admin Group': 1, 'User Added To The Admin Group From The Command Line': 1 },
  },
  // T1078.003 Create local account with admin privileges - MacOS
  'f1275566-1c26-4b66-83e3-7f9f7f964daa': {
    alerts: {
      'Local User Account Created With dscl Or sysadminctl': 6,
      'User Added To The Admin Group From The Command Line': 1,
    },
  },
  // T1082 Show System Integrity Protection status (MacOS)
  '327cc050-9e99-4c8e-99b5-1d15f2fb6b96': { alerts: { 'System Integrity Protection Status Queried By A Script': 1 } },
  // T1082 Hostname Discovery
  '486e88ea-4f56-470f-9b57-3f4d73f39133': {
    quiet: '`hostname` alone is not an attack.',
    context: 'Discovery burst.',
  },
  // T1082 List OS Information
  'cccb070c-df86-4216-a5bc-9fb60c74e27c': {
    quiet:
      "uname -a, uptime and reading release files (the Linux ones do not exist on a Mac) into a text file in /tmp: benign alone, and the writes are the shell's own.",
    context: 'Discovery burst when combined with id, sw_vers, system_profiler…; shell under a staged binary.',
  },
  // T1082 Environment variables discovery on freebsd, macos and linux
  'fcbdd43f-f4ad-42d5-98f3-0218097e2720': {
    quiet: '`env` alone is not an attack.',
    context:
      'Not counted by the discovery burst (env is also the launcher in every `#!/usr/bin/env` script); Shell Spawned By Unsigned Binary From Staging Location when an implant runs it.',
  },
  // T1083 Nix File and Directory Discovery 2
  '13c5e1ae-605b-46c4-a79f-db28c77ff24e': {
    quiet:
      "find, sed and cat of the home folder's listing into /tmp: what backup and search tools do; ES shows no per-file reads for a listing.",
    context: 'Directory Walk Of User Data By Unsigned Staged Process (readdir by an untrusted staged process).',
  },
  // T1083 Nix File and Directory Discovery
  'ffc8b249-372a-4b74-adcd-e4c0430842de': {
    quiet: 'ls, file, find, locate and which: everyday commands.',
    context:
      'Directory Walk Of User Data By Unsigned Staged Process; Credential Files Or Passwords Searched For and Browser Bookmark Or History Files Searched when find looks for secrets or browser stores.',
  },
  // T1087.001 Enumerate users and groups
  '319e9f6c-7a9e-432e-8c62-9385c803b6f2': { alerts: { 'Local Accounts Enumerated With dscl Or dscacheutil': 4 } },
  // T1087.001 List opened files by user
  '7e46c7a5-0142-45be-a858-1a3ecb4fd3cb': {
    quiet: '`lsof -u <user>` is a common diagnostic.',
    context: 'Discovery burst.',
  },
  // T1087.001 View accounts with UID 0
  'c955a599-3653-4fe5-b631-f11c00eb0397': {
    alerts: { 'Accounts With UID 0 Or Password Fields Searched In The Account Files': 2 },
  },
  // T1087.001 Enumerate users and groups
  'e6f36545-dc1e-47f0-9f48-7f730f54a02e': {
    quiet: 'groups and id alone are not an attack.',
    context: 'Discovery burst; Local Accounts Enumerated With dscl Or dscacheutil for directory-wide enumeration.',
  },
  // T1090.001 Connection Proxy for macOS UI
  '648d68c1-8bcd-4486-9abe-71c6655b6a2c': { alerts: { 'System Web Or SOCKS Proxy Set With networksetup': 2 } },
  // T1090.003 Tor Proxy Usage - MacOS
  '12631354-fdbc-4164-92be-402527e748da': {
    alerts: { 'Command Run In A New Terminal Through AppleScript': 1, 'Tunnelling Or Proxy Tool Executed': 1 },
  },
  // T1098.004 Modify SSH Authorized Keys
  '342cc723-127c-4d3a-8292-9c0c6b4ecadc': { alerts: { 'SSH Authorized Keys Modified By A Non-SSH Process': 1 } },
  // T1105 sftp remote file copy (pull)
  '0139dba1-f391-405e-a4f5-f3989f2c88ef': {
    alerts: { 'File Copied From Or To A Remote Host Through A Staging Folder': 1 },
  },
  // T1105 rsync remote file copy (push)
  '0fc6e977-cb12-44f6-b263-2824ba917409': {
    alerts: { 'File Copied From Or To A Remote Host Through A Staging Folder': 1 },
  },
  // T1105 rsync remote file copy (pull)
  '3180f7d5-52c0-4493-9ea0-e3431a84773f': {
    alerts: { 'File Copied From Or To A Remote Host Through A Staging Folder': 1 },
  },
  // T1105 File download via nscurl
  '5bcefe5f-3f30-4f1c-a61a-8d7db3f4450c': { alerts: { 'File Downloaded With nscurl': 1 } },
  // T1105 scp remote file copy (push)
  '83a49600-222b-4866-80a0-37736ad29344': {
    alerts: { 'File Copied From Or To A Remote Host Through A Staging Folder': 1 },
  },
  // T1110.004 SSH Credential Stuffing From MacOS
  'd546a3d9-0be5-40c7-ad82-5a7d79e1b66b': { alerts: { 'Password Passed To SSH With sshpass': 1 } },
  // T1113 Screencapture
  '0f47ceb1-720f-4275-96b8-21f0562217ac': { alerts: { 'Screenshot Saved To A File From A Script': 1 } },
  // T1115 Execute commands from clipboard
  '1ac2247f-65f8-4051-b51f-b0ccdfaaa5ff': { alerts: { 'Clipboard Contents Run As A Command': 1 } },
  // T1124 System Time Discovery in FreeBSD/macOS
  'f449c933-0891-407f-821e-7916a21a1a6f': {
    quiet: '`date` alone is not an attack.',
    context:
      'Not counted by the discovery burst (too common in scripts); clock changes are caught by File Timestamps Set Or System Clock Changed From The Command Line.',
  },
  // T1135 Network Share Discovery
  'f94b5ad9-911c-4eff-9718-fd21899db4f7': { alerts: { 'Network Shares Listed With smbutil Or showmount': 2 } },
  // T1136.001 Create a user account on a MacOS system
  '01993ba5-1da3-4e15-a719-b690d4f0f0b2': { alerts: { 'Local User Account Created With dscl Or sysadminctl': 6 } },
  // T1140 Base64 decoding with Perl
  '6604d964-b9f6-4d4b-8ce8-499829a14d0a': { alerts: { 'Base64 Decoded In A Perl One-Liner': 3 } },
  // T1140 Base64 decoding with shell utilities
  'b4f6a567-a27a-41e5-b8ef-ac4b4008bb7e': { alerts: { 'Command Hidden With Shell Brace Expansion': 2 } },
  // T1140 XOR decoding and command execution using Python
  'c3b65cd5-ee51-4e98-b6a3-6cbdec138efc': { alerts: { 'Python One-Liner With Network, Decode Or Exec': 1 } },
  // T1201 Examine password policy - macOS
  '4b7fa042-9482-45e1-b348-4b756b2a0742': { alerts: { 'Password Policy Read With pwpolicy': 1 } },
  // T1217 List Mozilla Firefox Bookmark Database Files on macOS
  '1ca1f9c7-44bc-46bb-8c85-c50e2e94267b': {
    alerts: { 'Browser Bookmark Or History Files Searched From The Command Line': 1 },
  },
  // T1217 List Safari Bookmarks on MacOS
  '5fc528dd-79de-47f5-8188-25572b7fafe0': {
    alerts: { 'Browser Bookmark Or History Files Searched From The Command Line': 1 },
  },
  // T1222.002 chmod - Change file or folder mode (symbolic mode) recursively
  '0451125c-b5f6-488f-993b-5a32b09f7d8f': {
    quiet: 'Making a folder under /tmp world-writable is common in build and test scripts; no executable bit is added.',
    context:
      'File In Temporary Or Shared Folder Made Executable (+x in /tmp or /Users/Shared), Setuid Or Setgid Bit Set Outside System Paths.',
  },
  // T1222.002 Chown through c script
  '18592ba1-5f88-4e3c-abc8-ab1c6042e389': {
    alerts: {
      'Sudo Runs A Program From A Staging Location': 1,
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    },
  },
  // T1222.002 chown - Change file or folder ownership recursively
  '3b015515-b3d8-44e9-b8cd-6fa84faf30b2': { alerts: { 'File In Temporary Or Shared Folder Given To Root': 1 } },
  // T1222.002 chown - Change file or folder mode ownership only
  '967ba79d-f184-4e0e-8d09-6362b3162e99': { alerts: { 'File In Temporary Or Shared Folder Given To Root': 1 } },
  // T1222.002 Chmod through c script
  '973631cf-6680-4ffa-a053-045e1b6b67ab': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1222.002 chown - Change file or folder ownership and group recursively
  'b78598be-ff39-448f-a463-adbf2a5b7848': { alerts: { 'File In Temporary Or Shared Folder Given To Root': 1 } },
  // T1222.002 chown - Change file or folder ownership and group
  'd169e71b-85f9-44ec-8343-27093ff3dfc0': { alerts: { 'File In Temporary Or Shared Folder Given To Root': 1 } },
  // T1222.002 chattr - Remove immutable file attribute
  'e7469fe2-ad41-4382-8965-99b94dd3c13f': {
    quiet:
      'chattr is a Linux tool: macOS has no chattr, so the shell never execs anything (the macOS equivalent is chflags).',
    context: 'File Hidden With chflags for the macOS flag tool.',
  },
  // T1222.002 chmod - Change file or folder mode (numeric mode) recursively
  'ea79f937-4a4d-4348-ace6-9916aec453a4': { alerts: { 'File In Temporary Or Shared Folder Made Executable': 1 } },
  // T1222.002 chmod - Change file or folder mode (symbolic mode)
  'fc9d6695-d022-4a80-91b1-381f5c35aff3': {
    quiet: 'As for the recursive symbolic chmod: a+w on a /tmp folder is routine.',
    context: 'As for the recursive symbolic chmod.',
  },
  // T1490 Disable Time Machine
  'ed952f70-91d4-445a-b7ff-30966bfb1aff': { alerts: { 'Time Machine Disabled Or Backups Deleted With tmutil': 1 } },
  // T1497.001 Check if System Integrity Protection is enabled
  '2b73cd9b-b2fb-4357-b9d7-c73c41d9e945': { alerts: { 'System Integrity Protection Status Queried By A Script': 1 } },
  // T1497.001 Detect Virtualization Environment using sysctl (hw.model)
  '6beae646-eb4c-4730-95be-691a4094408c': { alerts: { 'Virtual Machine Or Sandbox Check': 1 } },
  // T1497.001 Detect Virtualization Environment via ioreg
  'a960185f-aef6-4547-8350-d1ce16680d09': { alerts: { 'Virtual Machine Or Sandbox Check': 1 } },
  // T1497.001 Detect Virtualization Environment using system_profiler
  'e04d2e89-de15-4d90-92f9-a335c7337f0f': {
    quiet:
      '`system_profiler SPHardwareDataType` is what every support tool, inventory agent and About This Mac runs; the VM check lives in the grep of its output, which ES does not see (SigmaHQ alerts on it; listed as a SigmaHQ false positive).',
    context: 'Virtual Machine Or Sandbox Check (ioreg/sysctl queries for VM vendors) and the discovery burst.',
  },
  // T1497.003 Delay execution with ping
  '8b87dd03-8204-478c-bac3-3959f6528de3': { alerts: { 'Ping Used As A Delay Timer': 1 } },
  // T1518 Find and Display Safari Browser Version
  '103d6533-fd2a-4d08-976a-4a598565280f': {
    quiet: "Reading Safari's Info.plist with PlistBuddy is harmless (updaters and inventory tools do it).",
    context:
      'Browser Bookmark Or History Files Searched From The Command Line and the browser-store rules for what an attacker reads next.',
  },
  // T1529 Restart System via `reboot` - FreeBSD/macOS/Linux
  '47d0b042-a918-40ab-8cf9-150ffe919027': { alerts: { 'System Shut Down Or Rebooted From The Command Line': 1 } },
  // T1529 Shutdown System via `shutdown` - FreeBSD/macOS/Linux
  '4963a81e-a3ad-4f02-adda-812343b351de': { alerts: { 'System Shut Down Or Rebooted From The Command Line': 1 } },
  // T1529 Restart System via `shutdown` - FreeBSD/macOS/Linux
  '6326dbc4-444b-4c04-88f4-27e94d0327cb': { alerts: { 'System Shut Down Or Rebooted From The Command Line': 1 } },
  // T1539 Steal Chrome Cookies via Remote Debugging (Mac)
  'e43cfdaf-3fb8-4a45-8de0-7eee8741d072': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1539 Copy Safari BinaryCookies files using AppleScript
  'e57ba07b-3a33-40cd-a892-748273b9b49a': {
    alerts: {
      'Browser Cookie Or Login Store Opened By Another Process': 2,
      'Finder Scripted To Duplicate, Move Or Delete Files': 1,
    },
  },
  // T1543.001 Launch Agent - Root Directory
  '66774fa8-c562-4bae-a58d-5264a0dd9dd7': {
    alerts: { 'Launch Agent Or Daemon Plist Created By Shell Utility, Interpreter Or Unsigned Process': 1 },
  },
  // T1543.001 Launch Agent
  'a5983dee-bf6c-4eaf-951c-dbc1a7b90900': {
    alerts: { 'Launch Agent Or Daemon Plist Created By Shell Utility, Interpreter Or Unsigned Process': 1 },
  },
  // T1546.004 Add command to .bashrc
  '0a898315-4cfa-4007-bafe-33a4646d115f': { alerts: { 'Shell Startup File Appended To By A Shell One-Liner': 1 } },
  // T1546.005 Trap DEBUG - Log All Shell Commands
  '14bd90b1-c3f3-4115-9861-cf0519a59654': {
    alerts: { 'Shell Trap Runs A Command On Exit, Error Or Every Command': 1 },
  },
  // T1546.005 Trap EXIT
  'a74b2e07-5952-4c03-8b56-56274b076b61': {
    alerts: { 'Shell Trap Runs A Command On Exit, Error Or Every Command': 2 },
  },
  // T1546.014 Persistance with Event Monitor - emond
  '23c9c127-322b-4c75-95ca-eff464906114': {
    alerts: { 'Emond Rule Or Client Created': 2, 'Startup Item, rc Or Periodic Script Modified In Place': 1 },
  },
  // T1546.018 Python Startup Hook - atomic_hook.pth (macOS)
  '28ca4f81-fa96-47ff-8555-dde98017e89b': {
    alerts: { 'Python Startup Hook (.pth) Written By Something Other Than Python': 1 },
  },
  // T1547.006 MacOS - Load Kernel Module via KextManagerLoadKextWithURL()
  'f0007753-beb3-41ea-9948-760785e4c1e5': {
    alerts: {
      'Sudo Runs A Program From A Staging Location': 1,
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    },
  },
  // T1547.006 MacOS - Load Kernel Module via kextload and kmutil
  'f4391089-d3a5-4dd1-ab22-0419527f2672': { alerts: { 'Third-Party Kernel Extension Loaded': 2 } },
  // T1547.007 Append to existing loginwindow for Re-Opened Applications
  '766b6c3c-9353-4033-8b7e-38b309fa3a93': {
    alerts: { 'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1 },
  },
  // T1547.015 Add macOS LoginItem using Applescript
  '716e756a-607b-41f3-8204-b214baf37c1d': { alerts: { 'Login Item Registered By A Script Interpreter': 1 } },
  // T1548.001 Set a SetUID flag on file
  '759055b3-3885-4582-a8ec-c00c9d64dd79': {
    alerts: {
      'File In Temporary Or Shared Folder Given To Root': 1,
      'File In Temporary Or Shared Folder Made Executable': 1,
    },
  },
  // T1548.001 Make and modify binary from C source
  '896dfe97-ae43-4101-8e96-9a7996555d80': {
    alerts: {
      'File In Temporary Or Shared Folder Given To Root': 2,
      'Setuid Or Setgid Bit Set Outside System Paths': 1,
      'Unsigned Or Ad-hoc Binary Executed From Temporary, Downloads Or Hidden Location': 1,
    },
  },
  // T1548.001 Set a SetGID flag on file
  'db55f666-7cba-46c6-9fe6-205a05c3242c': {
    alerts: {
      'File In Temporary Or Shared Folder Given To Root': 1,
      'File In Temporary Or Shared Folder Made Executable': 1,
    },
  },
  // T1552 AWS - Retrieve EC2 Password Data using stratus
  'a21118de-b11e-4ebd-b655-42f11142df0c': { alerts: { 'Cloud Attack Simulation Or Exploitation Tool Executed': 3 } },
  // T1552.001 Find AWS credentials
  '37807632-d3da-442e-8c2e-00f44928ff8f': {
    alerts: { 'Credential Files Or Passwords Searched For From The Command Line': 1 },
  },
  // T1552.001 Extract passwords with grep
  'bd4cf0d1-7646-474e-8610-78ccf5a097c4': {
    alerts: { 'Credential Files Or Passwords Searched For From The Command Line': 1 },
  },
  // T1552.001 Find and Access Github Credentials
  'da4f751a-020b-40d7-b9ff-d433b7799803': {
    alerts: { 'Credential Files Or Passwords Searched For From The Command Line': 1 },
  },
  // T1552.003 Search Through Bash History
  '3cfde62b-7c33-4b26-a61e-755d6131c8ce': { alerts: { 'Shell History Read By A Utility': 1 } },
  // T1552.004 Copy the users GnuPG directory with rsync
  '2a5a0601-f5fb-4e2e-aa09-73282ae6afca': { alerts: { 'SSH Or GnuPG Key Folder Copied Or Archived': 1 } },
  // T1553.001 Gatekeeper Bypass
  'fb3d46c6-9480-4803-8d7d-ce676e1f1a9b': {
    alerts: {
      'Quarantine Attribute Deleted By Interpreter Or Unsigned Process': 1,
      'Quarantine Attribute Removed With xattr': 1,
    },
  },
  // T1555.001 Export Certificate Item(s)
  '1864fdec-ff86-4452-8c30-f12507582a93': { alerts: { 'Keychains And Certificates Enumerated With security': 1 } },
  // T1555.001 Copy Keychain using cat utility
  '5c32102a-c508-49d3-978f-288f8a9f6617': {
    alerts: { 'Keychain Database Read By Copy Utility, Interpreter Or Unsigned Process': 1 },
  },
  // T1555.003 Query Chrome Login Data In Place with sqlite3 - MacOS
  '29d0c390-3cbc-4e4e-a52b-a1350ed836b7': {
    alerts: {
      'Browser Cookie Or Login Store Opened By Another Process': 1,
      'Browser Credential Database Queried With sqlite3': 1,
    },
  },
  // T1555.003 Search macOS Safari Cookies
  'c1402f7b-67ca-43a8-b5f3-3143abedc01b': { alerts: { 'Browser Cookie Or Login Store Opened By Another Process': 1 } },
  // T1560.001 Data Compressed - nix - zip
  'c51cec55-28dd-4ad2-9461-1eacbc82c3a0': {
    quiet:
      'zip of two log files into the home folder by root: archiving logs is routine admin work and the archive stays in the home folder.',
    context:
      'User Documents Archived Into Temporary Location (staging in /tmp), Password-Protected Archive Created Or Extracted, Collected Data Uploaded By The Same Parent.',
  },
  // T1564.001 Hidden files
  '3b7015f2-3144-4205-b799-b05580621379': { alerts: { 'File Made Invisible With SetFile': 1 } },
  // T1564.001 Show all hidden files
  '9a1ec7da-b892-449f-ad68-67066d04380c': {
    quiet:
      'Showing hidden files in Finder (AppleShowAllFiles) reveals rather than hides; power users set it routinely.',
    context: 'File Hidden With chflags, File Made Invisible With SetFile for the hiding direction.',
  },
  // T1564.001 Hide a Directory
  'b115ecaf-3b24-4ed2-aefe-2fcb9db913d3': { alerts: { 'File Hidden With chflags': 1 } },
  // T1564.001 Mac Hidden file
  'cddb9098-3b47-4e01-9d3b-6f5f323288a9': {
    quiet: '`xattr -lr` of every file piped to grep: listing extended attributes is harmless.',
    context: 'Quarantine Attribute Removed With xattr for attribute removal.',
  },
  // T1564.002 Create Hidden User using UniqueID < 500
  '4238a7f0-a980-4fff-98a2-dfc0a363d507': { alerts: { 'Local User Account Created With dscl Or sysadminctl': 1 } },
  // T1567.004 Exfiltrate staged file to a Discord webhook with curl (bash)
  '40c44d16-bb49-4d14-aafa-f9ba7e6e6c5b': {
    alerts: {
      'Data Uploaded To A File-Sharing Service Or Chat Webhook From The Command Line': 1,
      'File Uploaded With Curl From Script Or Staging Location': 1,
    },
  },
  // T1567.004 Exfiltrate staged data to a Slack webhook with curl (sh)
  'c666acd6-6ff5-4d28-9490-195d89cd4337': {
    alerts: { 'Data Uploaded To A File-Sharing Service Or Chat Webhook From The Command Line': 1 },
  },
  // T1571 Testing usage of uncommonly used port
  '5db21e1d-dd9c-4a50-b885-b1e748912767': {
    quiet:
      "One telnet connection to a web host on port 8081: ES has no socket connect event for TCP, and the exec alone is not an attack (SigmaHQ's network-scanning rule alerts on it; listed as a SigmaHQ false positive).",
    context:
      'Network Service Scan for scanners and nc -z; Reverse Shell One-Liner and Shell Started With A Network Socket As Standard Descriptor for shells on sockets.',
  },
  // T1572 Cloudflare tunnels (Linux/macOS)
  '228c336a-2f79-4043-8aef-bfa453a611d5': { alerts: { 'Tunnelling Or Proxy Tool Executed': 1 } },
  // T1572 VSCode tunnels (Linux/macOS)
  'b877943f-0377-44f4-8477-f79db7f07c4d': { alerts: { 'Tunnelling Or Proxy Tool Executed': 2 } },
  // T1574.006 Dylib Injection via DYLD_INSERT_LIBRARIES
  '4d66029d-7355-43fd-93a4-b63ba92ea1be': { alerts: { 'DYLD_INSERT_LIBRARIES Set For A Process Or Launchd': 1 } },
  // T1580 AWS - EC2 Enumeration from Cloud Instance
  '99ee161b-dcb1-4276-8ecb-7cfdcb207820': { alerts: { 'Cloud Attack Simulation Or Exploitation Tool Executed': 3 } },
  // T1614 Get geolocation info through IP-Lookup services using curl freebsd, linux or macos
  '552b4db3-8850-412c-abce-ab5cc8a86604': { alerts: { 'Public IP Or Geolocation Looked Up From The Command Line': 1 } },
  // T1652 List loaded kernel extensions (macOS)
  '71eab73d-5d7d-4681-9a72-7873489a5b85': {
    quiet: 'kextstat alone is not an attack.',
    context: 'Discovery burst; Third-Party Kernel Extension Loaded for loads.',
  },
  // T1652 Find Kernel Extensions (macOS)
  'c63bbe52-6f17-4832-b221-f07ba8b1736f': {
    quiet: 'kextfind alone is not an attack.',
    context: 'Third-Party Kernel Extension Loaded for loads; kextstat is counted by the discovery burst.',
  },
  // T1659 MITM Proxy Injection
  '9b360eaf-c778-4f07-a6e7-895c4f01ac1c': {
    quiet:
      'curl through a proxy on localhost: the interception happens in the proxy, which ES does not see here; developers use local proxies (Charles, mitmproxy) all day.',
    context: 'System Web Or SOCKS Proxy Set With networksetup when the system proxy is redirected.',
  },
  // T1685 Disable macOS Gatekeeper
  '2a821573-fb3f-4e71-92c3-daac7432f053': { alerts: { 'Gatekeeper Disabled Or Bypassed With spctl': 1 } },
  // T1685 Tamper with Defender ATP on Linux/MacOS
  '40074085-dbc8-492b-90a3-11bcfc52fda8': {
    alerts: { 'Security Agent Unloaded Or Disabled From The Command Line': 1 },
  },
  // T1685 Disable Carbon Black Response
  '8fba7766-2d11-4b4a-979a-1e3d9cc9a88c': {
    alerts: { 'Security Agent Unloaded Or Disabled From The Command Line': 2 },
  },
  // T1685 Stop and unload Crowdstrike Falcon on macOS
  'b3e7510c-2d4c-4249-a33f-591a2bc83eef': {
    alerts: { 'Security Agent Unloaded Or Disabled From The Command Line': 2, 'Security Software Discovery': 2 },
  },
  // T1685.002 AWS - Remove VPC Flow Logs using Stratus
  '93c150f5-ad7b-4ee3-8992-df06dec2ac79': { alerts: { 'Cloud Attack Simulation Or Exploitation Tool Executed': 3 } },
  // T1685.002 AWS - Disable CloudTrail Logging Through Event Selectors using Stratus
  'a27418de-bdce-4ebd-b655-38f11142bf0c': { alerts: { 'Cloud Attack Simulation Or Exploitation Tool Executed': 3 } },
  // T1685.006 Overwrite macOS system log via echo utility
  '0208ea60-98f1-4e8c-8052-930dce8f742c': { alerts: { 'System Log File Truncated Or Overwritten': 1 } },
  // T1685.006 Delete system log files via unlink utility
  '03013b4b-01db-437d-909b-1fdaa5010ee8': { alerts: { 'System Or Audit Log File Deleted': 1 } },
  // T1685.006 Truncate system log files via truncate utility
  '6290f8a8-8ee9-4661-b9cf-390031bf6973': { alerts: { 'System Log File Truncated': 1 } },
  // T1685.006 Delete log files using built-in log utility
  '653d39cd-bae7-499a-898c-9fb96b8b5cd1': { alerts: { 'System Logs Erased': 2 } },
  // T1685.006 Delete system log files using OSAScript
  '810a465f-cd4f-47bc-b43e-d2de3b033ecc': {
    alerts: {
      'Shell Command Run With Administrator Privileges Through AppleScript': 1,
      'System Logs Erased': 1,
      'System Or Audit Log File Deleted': 1,
    },
  },
  // T1685.006 Delete system log files using shred utility
  '86f0e4d5-3ca7-45fb-829d-4eda32b232bb': {
    alerts: { 'System Log File Truncated Or Overwritten': 1, 'System Or Audit Log File Deleted': 1 },
  },
  // T1685.006 rm -rf
  '989cc1b1-3642-4260-a809-54f9dd559683': {
    alerts: { 'System Logs Erased': 1, 'System Or Audit Log File Deleted': 2 },
  },
  // T1685.006 Delete system log files using srm utility
  'b0768a5e-0f32-4e75-ae5b-d036edcf96b6': { alerts: { 'System Or Audit Log File Deleted': 2 } },
  // T1685.006 System log file deletion via find utility
  'bc8eeb4a-cc3e-45ec-aa6e-41e973da2558': {
    alerts: {
      'System Log File Truncated Or Overwritten': 1,
      'System Logs Erased': 1,
      'System Or Audit Log File Deleted': 3,
    },
  },
  // T1685.006 Delete log files via cat utility by appending /dev/null or /dev/zero
  'c23bdb88-928d-493e-b46d-df2906a50941': { alerts: { 'System Log File Truncated Or Overwritten': 2 } },
  // T1685.006 Delete system log files using Applescript
  'e62f8694-cbc7-468f-862c-b10cd07e1757': {
    alerts: { 'Finder Scripted To Duplicate, Move Or Delete Files': 1, 'System Or Audit Log File Moved Away': 1 },
  },
  // T1690 Disable history collection
  '4eafdb45-0f79-4d66-aa86-a3e2c08791f5': { alerts: { 'Shell History Disabled Or Cleared From Command Line': 1 } },
};
