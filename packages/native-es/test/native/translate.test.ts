import { describe, expect, it } from 'vitest';
import { decodeLine, DecodeError } from '@nightjar/core';
import { testingAddonAvailable as addonAvailable, loadTestingAddon } from './testing-addon.js';

const built = addonAvailable();

// Expected eslogger JSON for the synthetic messages of native/testing/synthetic.cc, written from
// reference/esf.md §2.2 (what each message version added), independently of the C++ code.
type J = Record<string, unknown>;

function token(v: number, pid: number, pv: number): unknown {
  const vals = [4294967295, 501, 20, 501, 20, pid, 100012, pv];
  if (v >= 10) return vals;
  const names = ['auid', 'euid', 'egid', 'ruid', 'rgid', 'pid', 'asid', 'pidversion'];
  return Object.fromEntries(names.map((n, i) => [n, vals[i]]));
}

function file(path: string): J {
  return {
    path,
    path_truncated: false,
    stat: {
      st_dev: 16777230,
      st_ino: 12345678,
      st_mode: 0o100755,
      st_nlink: 1,
      st_uid: 0,
      st_gid: 0,
      st_rdev: 0,
      st_size: 154352,
      st_blocks: 304,
      st_blksize: 4096,
      st_flags: 0,
      st_gen: 0,
      st_atimespec: '2025-08-07T15:12:33.000000000Z',
      st_mtimespec: '2025-08-07T15:12:33.000000005Z',
      st_ctimespec: '2025-08-07T15:12:33.123456789Z',
      st_birthtimespec: '1970-01-01T00:00:00.000000000Z',
    },
  };
}

function proc(v: number, pid: number, pv: number, path: string, team: boolean): J {
  const o: J = {
    audit_token: token(v, pid, pv),
    ppid: 1,
    original_ppid: 1,
    group_id: pid,
    session_id: 1,
    codesigning_flags: 570522385,
    is_platform_binary: !team,
    is_es_client: false,
    cdhash: 'A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3',
    signing_id: `com.example.${pid}`,
    team_id: team ? 'TEAMID1234' : null,
    executable: file(path),
  };
  if (v >= 2) o.tty = team ? file('/dev/ttys001') : null;
  if (v >= 3) o.start_time = '2025-08-07T15:11:40.250000Z';
  if (v >= 4) {
    o.responsible_audit_token = token(v, 1, 1);
    o.parent_audit_token = token(v, 1, 1);
  }
  if (v >= 10) o.cs_validation_category = 6;
  return o;
}

function message(v: number, type: number, seq: number, name: string, payload: J, thread = true): J {
  const o: J = {
    schema_version: 1,
    version: v,
    time: '2025-08-07T15:13:09.811587464Z',
    mach_time: 9876543210,
    event_type: type,
    action_type: 1,
    process: proc(v, 500, 7, '/bin/zsh', true),
    event: { [name]: payload },
  };
  if (v >= 2) o.seq_num = seq;
  if (v >= 4) {
    o.global_seq_num = 1000 + seq;
    o.thread = thread ? { thread_id: 4242 } : null;
  }
  return o;
}

function expected(v: number): J[] {
  const gate = (min: number, o: J): J => (v >= min ? o : {});
  return [
    message(v, 9, 1, 'exec', {
      target: proc(v, 500, 8, '/usr/bin/curl', false),
      args: ['curl', '-s', 'https://example.com/x y'],
      env: ['PATH=/usr/bin', 'HOME=/Users/a'],
      ...gate(2, { script: null }),
      ...gate(3, { cwd: file('/Users/a') }),
      ...gate(4, {
        last_fd: 2,
        fds: [
          { fd: 0, fdtype: 1 },
          { fd: 1, fdtype: 1 },
          { fd: 2, fdtype: 6 },
        ],
      }),
      ...gate(6, { image_cputype: 16777228, image_cpusubtype: 2 }),
      ...gate(7, { dyld_exec_path: '/usr/bin/curl' }),
    }),
    message(v, 9, 2, 'exec', {
      target: proc(v, 501, 3, '/bin/sh', false),
      args: ['/bin/sh', './run.sh'],
      ...gate(2, { script: file('/tmp/run.sh') }),
      ...gate(3, { cwd: file('/tmp') }),
      ...gate(4, { last_fd: 0 }),
      ...gate(6, { image_cputype: 0, image_cpusubtype: 0 }),
      ...gate(7, { dyld_exec_path: '/tmp/run.sh' }),
    }),
    message(v, 11, 3, 'fork', { child: proc(v, 502, 1, '/bin/zsh', true) }),
    message(v, 15, 4, 'exit', { stat: 256 }),
    message(v, 10, 5, 'open', { fflag: 3, file: file('/etc/hosts') }),
    message(v, 12, 6, 'close', {
      modified: true,
      target: file('/tmp/out.txt'),
      ...gate(6, { was_mapped_writable: true }),
    }),
    message(v, 13, 7, 'create', {
      destination_type: 0,
      destination: { existing_file: file('/tmp/new.txt') },
      ...gate(2, { acl: null }),
    }),
    message(v, 13, 8, 'create', {
      destination_type: 1,
      destination: { new_path: { dir: file('/tmp'), filename: 'denied.txt', mode: 0o644 } },
      ...gate(2, { acl: null }),
    }),
    message(v, 25, 9, 'rename', {
      source: file('/tmp/a'),
      destination_type: 1,
      destination: { new_path: { dir: file('/tmp/d'), filename: 'b' } },
    }),
    message(v, 32, 10, 'unlink', { target: file('/tmp/a'), parent_dir: file('/tmp') }),
    message(v, 33, 11, 'write', { target: file('/tmp/out.txt') }),
    message(v, 31, 12, 'signal', {
      sig: 9,
      target: proc(v, 777, 2, '/usr/sbin/victim', false),
      ...gate(9, { instigator: proc(v, 1, 1, '/sbin/launchd', false) }),
    }),
    message(v, 31, 13, 'signal', {
      sig: 15,
      target: proc(v, 778, 2, '/usr/sbin/victim', false),
      ...gate(9, { instigator: null }),
    }),
    message(v, 20, 14, 'mmap', {
      protection: 5,
      max_protection: 7,
      flags: 2,
      file_pos: 4096,
      source: file('/usr/lib/libfoo.dylib'),
    }),
    message(v, 21, 15, 'mprotect', { protection: 7, address: 4295000064, size: 16384 }),
    message(v, 24, 16, 'iokit_open', {
      user_client_type: 0,
      user_client_class: 'IOHIDParamUserClient',
      // Message version 10 (macOS 26): the device behind the user client.
      ...(v >= 10 ? { parent_registry_id: 4294968881, parent_path: 'IOService:/AppleARMPE/arm-io/AppleH13CamIn' } : {}),
    }),
    message(v, 19, 17, 'link', { source: file('/tmp/a'), target_dir: file('/tmp/d'), target_filename: 'hard' }),
    message(v, 29, 18, 'setmode', { mode: 0o4755, target: file('/tmp/suid') }),
    message(v, 41, 19, 'truncate', { target: file('/tmp/out.txt') }),
    message(v, 94, 20, 'cs_invalidated', {}, false),
    message(v, 62, 21, 'fcntl', { target: file('/tmp/locked'), cmd: 48 }),
    message(v, 68, 22, 'readdir', { target: file('/Users/a/Library/Keychains') }),
    message(v, 17, 23, 'kextload', { identifier: 'com.example.driver' }),
    message(v, 30, 24, 'setowner', { uid: 0, gid: 80, target: file('/tmp/owned') }),
    message(v, 16, 25, 'get_task', { target: proc(v, 600, 4, '/usr/bin/target', false), ...gate(5, { type: 1 }) }),
    message(v, 86, 26, 'proc_check', { target: proc(v, 601, 1, '/usr/bin/target', false), type: 2, flavor: 13 }),
    message(v, 86, 27, 'proc_check', { target: null, type: 1, flavor: 0 }),
    message(v, 97, 28, 'remote_thread_create', {
      target: proc(v, 602, 9, '/Applications/Victim.app/Contents/MacOS/Victim', true),
      thread_state: null,
    }),
    message(v, 97, 29, 'remote_thread_create', {
      target: proc(v, 603, 1, '/usr/bin/target', false),
      thread_state: { flavor: 6 },
    }),
    message(v, 27, 30, 'setextattr', { target: file('/tmp/dl.zip'), extattr: 'com.apple.quarantine' }),
    message(v, 64, 31, 'getextattr', { target: file('/tmp/dl.zip'), extattr: 'com.apple.metadata:kMDItemWhereFroms' }),
    message(v, 70, 32, 'deleteextattr', { target: file('/tmp/dl.zip'), extattr: 'com.apple.quarantine' }),
    message(v, 70, 33, 'deleteextattr', { target: null, extattr: null }),
    message(v, 131, 34, 'sudo', {
      success: true,
      reject_info: null,
      from_uid: 501,
      from_username: 'alice',
      to_uid: 0,
      to_username: 'root',
      command: '/bin/ls /var',
    }),
    message(v, 131, 35, 'sudo', {
      success: false,
      reject_info: { plugin_name: 'sudoers', plugin_type: 1, failure_message: 'command not allowed' },
      from_uid: 501,
      from_username: 'alice',
      to_username: null,
      command: null,
    }),
    // ---- 13.0+ user-space events (field names from ESMessage.h; instigator_token members are v8) ----
    message(v, 111, 36, 'authentication', {
      success: true,
      type: 0,
      data: {
        od: {
          instigator: proc(v, 700, 1, '/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow', false),
          record_type: 'Users',
          record_name: 'alice',
          node_name: NODE,
          db_path: DB,
          ...gate(8, { instigator_token: token(v, 700, 1) }),
        },
      },
    }),
    message(v, 111, 37, 'authentication', {
      success: true,
      type: 1,
      data: {
        touchid: {
          instigator: null,
          touchid_mode: 0,
          has_uid: true,
          uid: 501,
          ...gate(8, { instigator_token: token(v, 701, 2) }),
        },
      },
    }),
    message(v, 111, 38, 'authentication', {
      success: false,
      type: 2,
      data: {
        token: {
          instigator: proc(v, 702, 1, '/usr/sbin/sshd', false),
          pubkey_hash: 'A1B2C3',
          token_id: 'com.apple.pivtoken:1234',
          kerberos_principal: null,
          ...gate(8, { instigator_token: token(v, 702, 1) }),
        },
      },
    }),
    message(v, 111, 39, 'authentication', {
      success: true,
      type: 3,
      data: { auto_unlock: { username: 'alice', type: 1 } },
    }),
    message(v, 112, 40, 'xp_malware_detected', {
      ...XP,
      detected_path: '/Users/a/Downloads/x.app',
      ...(v >= 10 ? { detected_executable: '/Users/a/Downloads/x.app/Contents/MacOS/x' } : {}),
    }),
    message(v, 113, 41, 'xp_malware_remediated', {
      ...XP,
      action_type: 'path_delete',
      success: true,
      result_description: 'deleted',
      remediated_path: '/Users/a/Downloads/x.app',
      remediated_process_audit_token: token(v, 703, 5),
    }),
    message(v, 113, 42, 'xp_malware_remediated', {
      ...XP,
      action_type: 'process_kill',
      success: false,
      result_description: 'not found',
      remediated_path: null,
      remediated_process_audit_token: null,
    }),
    message(v, 114, 43, 'lw_session_login', { username: 'alice', graphical_session_id: 257 }),
    message(v, 115, 44, 'lw_session_logout', { username: 'alice', graphical_session_id: 257 }),
    message(v, 116, 45, 'lw_session_lock', { username: 'alice', graphical_session_id: 257 }),
    message(v, 117, 46, 'lw_session_unlock', { username: 'alice', graphical_session_id: 257 }),
    message(v, 118, 47, 'screensharing_attach', {
      success: true,
      source_address_type: 1,
      source_address: '192.168.1.20',
      viewer_appleid: null,
      authentication_type: 'VNC',
      authentication_username: null,
      session_username: 'alice',
      existing_session: true,
      graphical_session_id: 257,
    }),
    message(v, 119, 48, 'screensharing_detach', {
      source_address_type: 1,
      source_address: '192.168.1.20',
      viewer_appleid: null,
      graphical_session_id: 257,
    }),
    message(v, 120, 49, 'openssh_login', {
      success: true,
      result_type: 2,
      source_address_type: 1,
      source_address: '10.0.0.5',
      username: 'alice',
      has_uid: true,
      uid: 501,
    }),
    // invalid user: has_uid false, so no uid key
    message(v, 120, 50, 'openssh_login', {
      success: false,
      result_type: 9,
      source_address_type: 2,
      source_address: 'fe80::1',
      username: 'admin',
      has_uid: false,
    }),
    message(v, 121, 51, 'openssh_logout', {
      source_address_type: 1,
      source_address: '10.0.0.5',
      username: 'alice',
      uid: 501,
    }),
    message(v, 122, 52, 'login_login', {
      success: true,
      failure_message: null,
      username: 'alice',
      has_uid: true,
      uid: 501,
    }),
    message(v, 122, 53, 'login_login', {
      success: false,
      failure_message: 'Login incorrect',
      username: 'bob',
      has_uid: false,
    }),
    message(v, 123, 54, 'login_logout', { username: 'alice', uid: 501 }),
    message(v, 124, 55, 'btm_launch_item_add', {
      instigator: proc(v, 704, 1, '/Users/Shared/.cache/agent', true),
      app: null,
      item: {
        item_type: 3,
        legacy: true,
        managed: false,
        uid: 501,
        item_url: 'file:///Users/alice/Library/LaunchAgents/com.example.agent.plist',
        app_url: null,
      },
      executable_path: '/Users/Shared/.cache/agent',
      ...gate(8, { instigator_token: token(v, 704, 1), app_token: null }),
    }),
    message(v, 124, 56, 'btm_launch_item_add', {
      instigator: null,
      app: proc(v, 705, 1, '/Applications/Example.app/Contents/MacOS/Example', true),
      item: {
        item_type: 2,
        legacy: false,
        managed: true,
        uid: 501,
        item_url: 'Contents/Library/LoginItems/Helper.app',
        app_url: 'file:///Applications/Example.app/',
      },
      executable_path: null,
      ...gate(8, { instigator_token: null, app_token: token(v, 705, 1) }),
    }),
    message(v, 125, 57, 'btm_launch_item_remove', {
      instigator: proc(v, 706, 1, '/usr/bin/sfltool', false),
      app: null,
      item: {
        item_type: 4,
        legacy: true,
        managed: false,
        uid: 0,
        item_url: 'file:///Library/LaunchDaemons/com.example.d.plist',
        app_url: null,
      },
      ...gate(8, { instigator_token: token(v, 706, 1), app_token: null }),
    }),
    message(v, 128, 58, 'su', {
      success: true,
      failure_message: null,
      from_uid: 501,
      from_username: 'alice',
      has_to_uid: true,
      to_uid: 0,
      to_username: 'root',
      shell: '/bin/sh',
      argc: 2,
      argv: ['su', '-'],
      env_count: 1,
      env: ['TERM=xterm'],
    }),
    // has_to_uid false: to_uid left out
    message(v, 128, 59, 'su', {
      success: false,
      failure_message: 'Sorry',
      from_uid: 501,
      from_username: 'alice',
      has_to_uid: false,
      to_username: null,
      shell: null,
      argc: 0,
      argv: [],
      env_count: 0,
      env: [],
    }),
    message(
      v,
      132,
      60,
      'od_group_add',
      od(v, DSEDITGROUP, 707, { group_name: 'admin', member: { member_type: 0, member_value: { name: 'support' } } }),
    ),
    message(v, 133, 61, 'od_group_remove', {
      instigator: null,
      error_code: 0,
      group_name: 'admin',
      member: { member_type: 1, member_value: { uuid: '10111213-1415-1617-1819-1A1B1C1D1E1F' } },
      node_name: '/LDAPv3/ldap.example.com',
      db_path: null,
      ...gate(8, { instigator_token: token(v, 708, 1) }),
    }),
    message(
      v,
      134,
      62,
      'od_group_set',
      od(v, DSEDITGROUP, 707, {
        group_name: 'staff',
        members: { member_type: 0, member_count: 2, member_array: ['alice', 'bob'] },
      }),
    ),
    message(v, 135, 63, 'od_modify_password', od(v, DSCL, 709, { account_type: 0, account_name: 'alice' })),
    message(v, 136, 64, 'od_disable_user', od(v, DSCL, 709, { user_name: 'bob' })),
    message(v, 137, 65, 'od_enable_user', od(v, DSCL, 709, { user_name: 'bob' })),
    message(v, 141, 66, 'od_create_user', od(v, DSCL, 709, { user_name: 'support' })),
    message(v, 143, 67, 'od_delete_user', od(v, DSCL, 709, { user_name: 'bob' }, 5000)),
    message(v, 142, 68, 'od_create_group', od(v, DSEDITGROUP, 707, { group_name: 'ops' })),
    message(v, 144, 69, 'od_delete_group', od(v, DSEDITGROUP, 707, { group_name: 'ops' })),
    message(v, 138, 70, 'od_attribute_value_add', od(v, DSCL, 709, ATTR)),
    message(v, 139, 71, 'od_attribute_value_remove', od(v, DSCL, 709, ATTR)),
    message(
      v,
      140,
      72,
      'od_attribute_set',
      od(v, DSCL, 709, {
        record_type: 0,
        record_name: 'alice',
        attribute_name: 'dsAttrTypeStandard:UserShell',
        attribute_value_count: 1,
        attribute_values: ['/bin/zsh'],
      }),
    ),
    message(v, 147, 73, 'tcc_modify', {
      service: 'kTCCServiceScreenCapture',
      identity: '/Users/Shared/.cache/agent',
      identity_type: 1,
      update_type: 1,
      instigator_token: token(v, 710, 1),
      instigator: proc(v, 710, 1, '/System/Library/PrivateFrameworks/TCC.framework/Support/tccd', false),
      responsible_token: null,
      responsible: null,
      right: 2,
      reason: 5,
    }),
    message(v, 147, 74, 'tcc_modify', {
      service: 'kTCCServiceAccessibility',
      identity: 'com.example.app',
      identity_type: 0,
      update_type: 3,
      instigator_token: token(v, 711, 1),
      instigator: null,
      responsible_token: token(v, 712, 1),
      responsible: proc(v, 712, 1, '/Applications/Example.app/Contents/MacOS/Example', true),
      right: 0,
      reason: 2,
    }),
    // ---- 12.0 set*id: ESMessage.h member names (seteuid → euid, setreuid → ruid + euid, …) ----
    message(v, 103, 75, 'setuid', { uid: 0 }),
    message(v, 104, 76, 'setgid', { gid: 20 }),
    message(v, 105, 77, 'seteuid', { euid: 501 }),
    message(v, 106, 78, 'setegid', { egid: 80 }),
    message(v, 107, 79, 'setreuid', { ruid: 4294967295, euid: 0 }),
    message(v, 108, 80, 'setregid', { rgid: 20, egid: 0 }),
    // ---- 14.0 xpc_connect, profile_*, authorization_* (tokens v8); 15.0 gatekeeper_user_override ----
    message(v, 145, 81, 'xpc_connect', { service_name: 'com.apple.securityd.xpc', service_domain_type: 1 }),
    message(v, 126, 82, 'profile_add', {
      instigator: proc(v, 713, 1, '/usr/libexec/mdmclient', false),
      is_update: false,
      profile: PROFILE,
      ...gate(8, { instigator_token: token(v, 713, 1) }),
    }),
    message(v, 126, 83, 'profile_add', {
      instigator: null,
      is_update: true,
      profile: {
        identifier: 'com.example.manual',
        uuid: '5F1E2D3C-0000-4000-8000-000000000002',
        install_source: 1,
        organization: null,
        display_name: 'Proxy',
        scope: 'User',
      },
      ...gate(8, { instigator_token: token(v, 714, 3) }),
    }),
    message(v, 127, 84, 'profile_remove', {
      instigator: proc(v, 715, 1, '/usr/bin/profiles', false),
      profile: PROFILE,
      ...gate(8, { instigator_token: token(v, 715, 1) }),
    }),
    message(v, 129, 85, 'authorization_petition', {
      instigator: proc(v, 716, 1, '/usr/bin/security', false),
      petitioner: proc(v, 717, 2, INSTALLER, true),
      flags: 3,
      right_count: 2,
      rights: ['system.privilege.admin', 'system.install.software'],
      ...gate(8, { instigator_token: token(v, 716, 1), petitioner_token: token(v, 717, 2) }),
    }),
    message(v, 129, 86, 'authorization_petition', {
      instigator: proc(v, 716, 1, '/usr/bin/security', false),
      petitioner: null,
      flags: 0,
      right_count: 0,
      rights: [],
      ...gate(8, { instigator_token: token(v, 716, 1), petitioner_token: token(v, 718, 1) }),
    }),
    message(v, 130, 87, 'authorization_judgement', {
      instigator: proc(v, 716, 1, '/usr/bin/security', false),
      petitioner: proc(v, 717, 2, INSTALLER, true),
      return_code: 0,
      result_count: 2,
      results: [
        { right_name: 'system.privilege.admin', rule_class: 2, granted: true },
        { right_name: 'system.install.software', rule_class: 1, granted: false },
      ],
      ...gate(8, { instigator_token: token(v, 716, 1), petitioner_token: token(v, 717, 2) }),
    }),
    message(v, 130, 88, 'authorization_judgement', {
      instigator: null,
      petitioner: null,
      return_code: -60005,
      result_count: 0,
      results: [],
      ...gate(8, { instigator_token: token(v, 719, 1), petitioner_token: token(v, 719, 1) }),
    }),
    message(v, 146, 89, 'gatekeeper_user_override', {
      file_type: 1,
      file: file('/Users/a/Downloads/tool'),
      sha256: 'C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
      signing_info: {
        cdhash: '0102030405060708090A0B0C0D0E0F1011121314',
        signing_id: 'com.example.tool',
        team_id: 'TEAMID1234',
      },
    }),
    message(v, 146, 90, 'gatekeeper_user_override', {
      file_type: 0,
      file: '/Users/a/Downloads/x.dmg',
      sha256: null,
      signing_info: null,
    }),
    // ---- 11.x task ports (type v5, like get_task), trace, proc_suspend_resume (nullable target) ----
    message(v, 101, 91, 'get_task_read', {
      target: proc(v, 720, 1, '/usr/bin/target', false),
      ...gate(5, { type: 0 }),
    }),
    message(v, 102, 92, 'get_task_inspect', {
      target: proc(v, 721, 2, '/usr/bin/target', false),
      ...gate(5, { type: 2 }),
    }),
    message(v, 95, 93, 'get_task_name', { target: proc(v, 722, 1, '/usr/bin/target', false), ...gate(5, { type: 1 }) }),
    message(v, 96, 94, 'trace', { target: proc(v, 723, 4, '/Applications/Victim.app/Contents/MacOS/Victim', true) }),
    message(v, 93, 95, 'proc_suspend_resume', { target: proc(v, 724, 1, '/usr/bin/target', false), type: 0 }),
    message(v, 93, 96, 'proc_suspend_resume', { target: null, type: 3 }),
    // ---- mount / unmount / remount: Darwin statfs member names; disposition and remount_flags are v8 ----
    message(v, 22, 97, 'mount', {
      statfs: statfs('/Volumes/Installer', '/dev/disk4s1', 0x101001),
      ...gate(8, { disposition: 3 }),
    }),
    message(v, 23, 98, 'unmount', { statfs: statfs('/Volumes/Installer', '/dev/disk4s1', 0x1001) }),
    message(v, 99, 99, 'remount', {
      statfs: statfs('/', '/dev/disk3s1s1', 0x5000),
      ...gate(8, { remount_flags: 0x10000, disposition: 1 }),
    }),
  ];
}

function statfs(on: string, from: string, flags: number): J {
  return {
    f_bsize: 4096,
    f_iosize: 1048576,
    f_blocks: 61035,
    f_bfree: 1200,
    f_bavail: 1200,
    f_files: 4294967279,
    f_ffree: 4294966000,
    f_fsid: [16777236, 26],
    f_owner: 501,
    f_type: 26,
    f_flags: flags,
    f_fssubtype: 1,
    f_fstypename: 'apfs',
    f_mntonname: on,
    f_mntfromname: from,
    f_flags_ext: 0,
  };
}

const INSTALLER = '/Applications/Installer.app/Contents/MacOS/Installer';
const PROFILE = {
  identifier: 'com.example.mdm.wifi',
  uuid: '5F1E2D3C-0000-4000-8000-000000000001',
  install_source: 0,
  organization: 'Example Corp',
  display_name: 'Wi-Fi',
  scope: 'System',
};
const NODE = '/Local/Default';
const DB = '/var/db/dslocal/nodes/Default';
const DSCL = '/usr/bin/dscl';
const DSEDITGROUP = '/usr/sbin/dseditgroup';
const XP = { signature_version: '5285', malware_identifier: 'OSX.Adload.A', incident_identifier: 'ABCD-1234' };
const ATTR = {
  record_type: 0,
  record_name: 'alice',
  attribute_name: 'dsAttrTypeStandard:AuthenticationAuthority',
  attribute_value: ';ShadowHash;',
};

/** An od_* payload: instigator and error_code, the event's own fields, node_name, db_path, instigator_token (v8). */
function od(v: number, exe: string, pid: number, fields: J, error_code = 0): J {
  return {
    instigator: proc(v, pid, 1, exe, false),
    error_code,
    ...fields,
    node_name: NODE,
    db_path: DB,
    ...(v >= 8 ? { instigator_token: token(v, pid, 1) } : {}),
  };
}

describe.skipIf(!built)(
  `translation layer: synthetic C++ messages → eslogger JSON${built ? '' : ' (skipped: native addon not built)'}`,
  () => {
    for (let v = 1; v <= 10; v++) {
      it(`message version ${v}: every rendered event type, with its version gates and null/absent fields`, () => {
        const got = loadTestingAddon().translateSynthetic(v);
        const want = expected(v);
        expect(got).toHaveLength(want.length);
        for (let i = 0; i < want.length; i++)
          expect(got[i], `message ${i} (${Object.keys(want[i]?.event as J)[0]})`).toStrictEqual(want[i]);
      });
    }

    it('the JSON wire writes each message as the text of the object the object wire builds, byte for byte', () => {
      for (let v = 1; v <= 10; v++) {
        const objects = loadTestingAddon().translateSynthetic(v);
        const lines = loadTestingAddon().translateSyntheticJson(v);
        expect(lines).toHaveLength(objects.length);
        // Same keys in the same order, no key twice, the same numbers and escapes.
        for (let i = 0; i < objects.length; i++)
          expect(lines[i], `v${v} message ${i}`).toBe(`${JSON.stringify(objects[i])}\n`);
      }
    });

    it("the JSON wire reuses a process's text only when every field it prints is the same", () => {
      for (const v of [1, 2, 3, 4, 9, 10]) {
        const { objects, lines } = loadTestingAddon().processVariants(v);
        expect(lines).toHaveLength(objects.length);
        for (let i = 0; i < objects.length; i++)
          expect(lines[i], `v${v} message ${i}`).toBe(`${JSON.stringify(objects[i])}\n`);
        // Each changed field shows in the text (from v4, where every field is printed): a variant
        // the translator cannot tell from the base would not test the reuse.
        if (v >= 10) {
          const processes = objects.map((o) => JSON.stringify(o.process));
          for (let i = 3; i < processes.length; i += 2)
            expect(processes[i], `v${v} variant ${(i - 1) / 2}`).not.toBe(processes[0]);
        }
      }
    });

    it('translated messages decode as ES events (entity ids, names, times)', () => {
      for (const v of [1, 4, 9, 10]) {
        for (const m of loadTestingAddon().translateSynthetic(v)) {
          const ev = decodeLine(JSON.stringify(m));
          expect(ev).not.toBeInstanceOf(DecodeError);
          if (ev instanceof DecodeError) continue;
          expect(ev.entityId).toBe('500:7');
          expect(ev.name).toBe(Object.keys(m.event as J)[0]);
          expect(ev.time).toBe(Date.UTC(2025, 7, 7, 15, 13, 9) * 1000 + 811587);
        }
      }
    });
  },
);
