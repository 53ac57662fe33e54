// Nightjar's fake libEndpointSecurity: Apple's C API (EndpointSecurity.h / ESClient.h / ESMessage.h /
// ESTypes.h) with the same function signatures and member names, in the global namespace, built on
// the project's own declarations (common/es_types.h, namespace njes) where Apple's layout matches.
// Used ONLY on Linux to compile and exercise native/macos/es_api_apple.cc (clang -fblocks +
// libBlocksRuntime); the layouts are not Darwin's. The nj_fake_* functions at the end are the
// test's control surface (inject messages, drops, es_new_client failures).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>
#include "../../src/common/es_types.h"

#ifndef __BLOCKS__
#error "fake libEndpointSecurity needs clang -fblocks"
#endif

// The fake models the newest SDK (macOS 26): every SDK-gated member in the apple files is compiled.
// (Apple's SDK defines this in <Availability.h>; -D__MAC_OS_X_VERSION_MAX_ALLOWED=... overrides.)
#ifndef __MAC_OS_X_VERSION_MAX_ALLOWED
#define __MAC_OS_X_VERSION_MAX_ALLOWED 260000
#endif

// Same layout as Apple's: reuse the project's declarations.
using es_string_token_t = njes::es_string_token_t;
using audit_token_t = njes::audit_token_t;
using es_thread_t = njes::es_thread_t;
using es_fd_t = njes::es_fd_t;
using es_event_type_t = njes::es_event_type_t;
using es_action_type_t = njes::es_action_type_t;
using es_destination_type_t = njes::es_destination_type_t;
using njes::ES_ACTION_TYPE_AUTH;
using njes::ES_ACTION_TYPE_NOTIFY;
using njes::ES_DESTINATION_TYPE_EXISTING_FILE;
using njes::ES_DESTINATION_TYPE_NEW_PATH;
using njes::ES_EVENT_TYPE_NOTIFY_EXEC;
using njes::ES_EVENT_TYPE_NOTIFY_OPEN;
using njes::ES_EVENT_TYPE_NOTIFY_FORK;
using njes::ES_EVENT_TYPE_NOTIFY_CLOSE;
using njes::ES_EVENT_TYPE_NOTIFY_CREATE;
using njes::ES_EVENT_TYPE_NOTIFY_EXIT;
using njes::ES_EVENT_TYPE_NOTIFY_LINK;
using njes::ES_EVENT_TYPE_NOTIFY_MMAP;
using njes::ES_EVENT_TYPE_NOTIFY_MPROTECT;
using njes::ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN;
using njes::ES_EVENT_TYPE_NOTIFY_RENAME;
using njes::ES_EVENT_TYPE_NOTIFY_SETMODE;
using njes::ES_EVENT_TYPE_NOTIFY_SIGNAL;
using njes::ES_EVENT_TYPE_NOTIFY_UNLINK;
using njes::ES_EVENT_TYPE_NOTIFY_WRITE;
using njes::ES_EVENT_TYPE_NOTIFY_TRUNCATE;
using njes::ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED;
using njes::ES_EVENT_TYPE_NOTIFY_GET_TASK;
using njes::ES_EVENT_TYPE_NOTIFY_KEXTLOAD;
using njes::ES_EVENT_TYPE_NOTIFY_SETEXTATTR;
using njes::ES_EVENT_TYPE_NOTIFY_SETOWNER;
using njes::ES_EVENT_TYPE_NOTIFY_FCNTL;
using njes::ES_EVENT_TYPE_NOTIFY_GETEXTATTR;
using njes::ES_EVENT_TYPE_NOTIFY_READDIR;
using njes::ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR;
using njes::ES_EVENT_TYPE_NOTIFY_PROC_CHECK;
using njes::ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE;
using njes::ES_EVENT_TYPE_NOTIFY_SUDO;
using njes::ES_EVENT_TYPE_NOTIFY_AUTHENTICATION;
using njes::ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED;
using njes::ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED;
using njes::ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN;
using njes::ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT;
using njes::ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK;
using njes::ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK;
using njes::ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH;
using njes::ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH;
using njes::ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN;
using njes::ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT;
using njes::ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN;
using njes::ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT;
using njes::ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD;
using njes::ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE;
using njes::ES_EVENT_TYPE_NOTIFY_SU;
using njes::ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD;
using njes::ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE;
using njes::ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET;
using njes::ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD;
using njes::ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER;
using njes::ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER;
using njes::ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD;
using njes::ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE;
using njes::ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET;
using njes::ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER;
using njes::ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP;
using njes::ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER;
using njes::ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP;
using njes::ES_EVENT_TYPE_NOTIFY_TCC_MODIFY;
using njes::ES_EVENT_TYPE_NOTIFY_PROFILE_ADD;
using njes::ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE;
using njes::ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION;
using njes::ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT;
using njes::ES_EVENT_TYPE_NOTIFY_XPC_CONNECT;
using njes::ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE;
using es_gatekeeper_user_override_file_type_t = njes::es_gatekeeper_user_override_file_type_t;
using njes::ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH;
using njes::ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_FILE;
typedef uint32_t es_xpc_domain_type_t;
typedef uint32_t es_profile_source_t;
typedef uint32_t es_authorization_rule_class_t;
typedef uint8_t es_sha256_t[32];
typedef uint8_t es_cdhash_t[20];
using njes::ES_EVENT_TYPE_NOTIFY_MOUNT;
using njes::ES_EVENT_TYPE_NOTIFY_UNMOUNT;
using njes::ES_EVENT_TYPE_NOTIFY_REMOUNT;
using es_mount_disposition_t = njes::es_mount_disposition_t;
using njes::ES_EVENT_TYPE_NOTIFY_GET_TASK_READ;
using njes::ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT;
using njes::ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME;
using njes::ES_EVENT_TYPE_NOTIFY_TRACE;
using njes::ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME;
using es_proc_suspend_resume_type_t = njes::es_proc_suspend_resume_type_t;
using njes::ES_EVENT_TYPE_NOTIFY_SETUID;
using njes::ES_EVENT_TYPE_NOTIFY_SETGID;
using njes::ES_EVENT_TYPE_NOTIFY_SETEUID;
using njes::ES_EVENT_TYPE_NOTIFY_SETEGID;
using njes::ES_EVENT_TYPE_NOTIFY_SETREUID;
using njes::ES_EVENT_TYPE_NOTIFY_SETREGID;
using es_authentication_type_t = njes::es_authentication_type_t;
using njes::ES_AUTHENTICATION_TYPE_OD;
using njes::ES_AUTHENTICATION_TYPE_TOUCHID;
using njes::ES_AUTHENTICATION_TYPE_TOKEN;
using njes::ES_AUTHENTICATION_TYPE_AUTO_UNLOCK;
using es_od_member_type_t = njes::es_od_member_type_t;
using njes::ES_OD_MEMBER_TYPE_USER_NAME;
typedef unsigned char uuid_t[16];
typedef uint32_t es_btm_item_type_t;
typedef uint32_t es_touchid_mode_t;
typedef uint32_t es_auto_unlock_type_t;
typedef uint32_t es_address_type_t;
typedef uint32_t es_openssh_login_result_type_t;
typedef uint32_t es_graphical_session_id_t;
typedef uint32_t es_od_account_type_t;
typedef uint32_t es_od_record_type_t;
typedef uint32_t es_tcc_identity_type_t;
typedef uint32_t es_tcc_event_type_t;
typedef uint32_t es_tcc_authorization_right_t;
typedef uint32_t es_tcc_authorization_reason_t;
using es_token_t = njes::es_token_t;
using es_thread_state_t = njes::es_thread_state_t;
using es_get_task_type_t = njes::es_get_task_type_t;
typedef uint32_t es_proc_check_type_t;
typedef uint32_t es_cs_validation_category_t;
typedef uint32_t es_sudo_plugin_type_t;

// Apple's es_file_t carries a Darwin `struct stat`; here the project's darwin_stat_t.
struct es_file_t {
  es_string_token_t path;
  bool path_truncated;
  njes::darwin_stat_t stat;
};

struct es_process_t {
  audit_token_t audit_token;
  pid_t ppid;
  pid_t original_ppid;
  pid_t group_id;
  pid_t session_id;
  uint32_t codesigning_flags;
  bool is_platform_binary;
  bool is_es_client;
  uint8_t cdhash[20];
  es_string_token_t signing_id;
  es_string_token_t team_id;
  es_file_t* executable;
  es_file_t* tty;                          // v2
  njes::es_timeval_t start_time;           // v3 (struct timeval)
  audit_token_t responsible_audit_token;   // v4
  audit_token_t parent_audit_token;        // v4
  es_cs_validation_category_t cs_validation_category;  // v10 (macOS 26 SDK)
};

struct es_event_exec_t {
  es_process_t* target;
  es_string_token_t dyld_exec_path;  // v7 (Apple: union with reserved)
  es_file_t* script;                 // v2
  es_file_t* cwd;                    // v3
  int last_fd;                       // v4
  int32_t image_cputype;             // v6
  int32_t image_cpusubtype;          // v6
  // Apple: opaque; read through es_exec_arg() & co. The fake keeps them here.
  const es_string_token_t* nj_args;
  uint32_t nj_arg_count;
  const es_string_token_t* nj_env;
  uint32_t nj_env_count;
  const es_fd_t* nj_fds;
  uint32_t nj_fd_count;
};
struct es_event_open_t { int32_t fflag; es_file_t* file; };
struct es_event_fork_t { es_process_t* child; };
struct es_event_exit_t { int stat; };
struct es_event_close_t { bool modified; es_file_t* target; bool was_mapped_writable; };
struct es_event_create_t {
  es_destination_type_t destination_type;
  union {
    es_file_t* existing_file;
    struct {
      es_file_t* dir;
      es_string_token_t filename;
      mode_t mode;
    } new_path;
  } destination;
};
struct es_event_rename_t {
  es_file_t* source;
  es_destination_type_t destination_type;
  union {
    es_file_t* existing_file;
    struct {
      es_file_t* dir;
      es_string_token_t filename;
    } new_path;
  } destination;
};
struct es_event_unlink_t { es_file_t* target; es_file_t* parent_dir; };
struct es_event_write_t { es_file_t* target; };
struct es_event_truncate_t { es_file_t* target; };
struct es_event_signal_t { int sig; es_process_t* target; es_process_t* instigator; };
struct es_event_mprotect_t { int protection; uint64_t address; uint64_t size; };
struct es_event_mmap_t { int32_t protection; int32_t max_protection; int32_t flags; uint64_t file_pos; es_file_t* source; };
#if __MAC_OS_X_VERSION_MAX_ALLOWED >= 260000
struct es_event_iokit_open_t {
  uint32_t user_client_type;
  es_string_token_t user_client_class;
  uint64_t parent_registry_id;    // v10
  es_string_token_t parent_path;  // v10
  uint8_t reserved[40];
};
#else
struct es_event_iokit_open_t { uint32_t user_client_type; es_string_token_t user_client_class; uint8_t reserved[64]; };
#endif
struct es_event_link_t { es_file_t* source; es_file_t* target_dir; es_string_token_t target_filename; };
struct es_event_setmode_t { mode_t mode; es_file_t* target; };
struct es_event_cs_invalidated_t { uint8_t reserved[64]; };
struct es_event_fcntl_t { es_file_t* target; int32_t cmd; };
struct es_event_readdir_t { es_file_t* target; };
struct es_event_kextload_t { es_string_token_t identifier; };
struct es_event_setowner_t { uid_t uid; gid_t gid; es_file_t* target; };
struct es_event_get_task_t { es_process_t* target; es_get_task_type_t type; };
struct es_event_proc_check_t { es_process_t* target; es_proc_check_type_t type; int flavor; };
struct es_event_remote_thread_create_t { es_process_t* target; es_thread_state_t* thread_state; };
struct es_event_setextattr_t { es_file_t* target; es_string_token_t extattr; };
struct es_event_getextattr_t { es_file_t* target; es_string_token_t extattr; };
struct es_event_deleteextattr_t { es_file_t* target; es_string_token_t extattr; };
// Apple: `struct statfs *` from <sys/mount.h>; here the project's Darwin-named mirror (glibc's differs).
struct es_event_mount_t { njes::darwin_statfs_t* statfs; es_mount_disposition_t disposition; /* v8 */ uint8_t reserved[60]; };
struct es_event_unmount_t { njes::darwin_statfs_t* statfs; uint8_t reserved[64]; };
struct es_event_remount_t {
  njes::darwin_statfs_t* statfs;
  uint64_t remount_flags;              // v8
  es_mount_disposition_t disposition;  // v8
  uint8_t reserved[52];
};
struct es_event_get_task_read_t { es_process_t* target; es_get_task_type_t type; uint8_t reserved[60]; };
struct es_event_get_task_inspect_t { es_process_t* target; es_get_task_type_t type; uint8_t reserved[60]; };
struct es_event_get_task_name_t { es_process_t* target; es_get_task_type_t type; uint8_t reserved[60]; };
struct es_event_trace_t { es_process_t* target; uint8_t reserved[64]; };
struct es_event_proc_suspend_resume_t { es_process_t* target; es_proc_suspend_resume_type_t type; uint8_t reserved[64]; };
// 12.0: Apple declares every one of these members uid_t (gids too).
struct es_event_setuid_t { uid_t uid; uint8_t reserved[64]; };
struct es_event_setgid_t { uid_t gid; uint8_t reserved[64]; };
struct es_event_seteuid_t { uid_t euid; uint8_t reserved[64]; };
struct es_event_setegid_t { uid_t egid; uint8_t reserved[64]; };
struct es_event_setreuid_t { uid_t ruid; uid_t euid; uint8_t reserved[64]; };
struct es_event_setregid_t { uid_t rgid; uid_t egid; uint8_t reserved[64]; };
// 13.0+ events: pointer members of es_events_t. Apple wraps optional uids in one-member unions.
struct es_sudo_reject_info_t { es_string_token_t plugin_name; es_sudo_plugin_type_t plugin_type; es_string_token_t failure_message; };
struct es_event_sudo_t {
  bool success;
  es_sudo_reject_info_t* reject_info;
  bool has_from_uid;
  union { uid_t uid; } from_uid;
  es_string_token_t from_username;
  bool has_to_uid;
  union { uid_t uid; } to_uid;
  es_string_token_t to_username;
  es_string_token_t command;
};

struct es_btm_launch_item_t {
  es_btm_item_type_t item_type;
  bool legacy;
  bool managed;
  uid_t uid;
  es_string_token_t item_url;
  es_string_token_t app_url;
};
struct es_event_btm_launch_item_add_t {
  es_process_t* instigator;
  es_process_t* app;
  es_btm_launch_item_t* item;
  es_string_token_t executable_path;
  audit_token_t* instigator_token;  // v8
  audit_token_t* app_token;         // v8
};
struct es_event_btm_launch_item_remove_t {
  es_process_t* instigator;
  es_process_t* app;
  es_btm_launch_item_t* item;
  audit_token_t* instigator_token;  // v8
  audit_token_t* app_token;         // v8
};
struct es_event_authentication_od_t {
  es_process_t* instigator;
  es_string_token_t record_type;
  es_string_token_t record_name;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
struct es_event_authentication_touchid_t {
  es_process_t* instigator;
  es_touchid_mode_t touchid_mode;
  bool has_uid;
  union { uid_t uid; } uid;
  audit_token_t instigator_token;  // v8
};
struct es_event_authentication_token_t {
  es_process_t* instigator;
  es_string_token_t pubkey_hash;
  es_string_token_t token_id;
  es_string_token_t kerberos_principal;
  audit_token_t instigator_token;  // v8
};
struct es_event_authentication_auto_unlock_t { es_string_token_t username; es_auto_unlock_type_t type; };
struct es_event_authentication_t {
  bool success;
  es_authentication_type_t type;
  union {
    es_event_authentication_od_t* od;
    es_event_authentication_touchid_t* touchid;
    es_event_authentication_token_t* token;
    es_event_authentication_auto_unlock_t* auto_unlock;
  } data;
};
struct es_event_xp_malware_detected_t {
  es_string_token_t signature_version;
  es_string_token_t malware_identifier;
  es_string_token_t incident_identifier;
  es_string_token_t detected_path;
#if __MAC_OS_X_VERSION_MAX_ALLOWED >= 260000
  es_string_token_t detected_executable;  // v10
#endif
};
struct es_event_xp_malware_remediated_t {
  es_string_token_t signature_version;
  es_string_token_t malware_identifier;
  es_string_token_t incident_identifier;
  es_string_token_t action_type;
  bool success;
  es_string_token_t result_description;
  es_string_token_t remediated_path;
  audit_token_t* remediated_process_audit_token;
};
struct es_event_lw_session_login_t { es_string_token_t username; es_graphical_session_id_t graphical_session_id; };
struct es_event_lw_session_logout_t { es_string_token_t username; es_graphical_session_id_t graphical_session_id; };
struct es_event_lw_session_lock_t { es_string_token_t username; es_graphical_session_id_t graphical_session_id; };
struct es_event_lw_session_unlock_t { es_string_token_t username; es_graphical_session_id_t graphical_session_id; };
struct es_event_screensharing_attach_t {
  bool success;
  es_address_type_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t viewer_appleid;
  es_string_token_t authentication_type;
  es_string_token_t authentication_username;
  es_string_token_t session_username;
  bool existing_session;
  es_graphical_session_id_t graphical_session_id;
};
struct es_event_screensharing_detach_t {
  es_address_type_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t viewer_appleid;
  es_graphical_session_id_t graphical_session_id;
};
struct es_event_openssh_login_t {
  bool success;
  es_openssh_login_result_type_t result_type;
  es_address_type_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t username;
  bool has_uid;
  union { uid_t uid; } uid;
};
struct es_event_openssh_logout_t {
  es_address_type_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t username;
  uid_t uid;
};
struct es_event_login_login_t {
  bool success;
  es_string_token_t failure_message;
  es_string_token_t username;
  bool has_uid;
  union { uid_t uid; } uid;
};
struct es_event_login_logout_t { es_string_token_t username; uid_t uid; };
struct es_event_su_t {
  bool success;
  es_string_token_t failure_message;
  uid_t from_uid;
  es_string_token_t from_username;
  bool has_to_uid;
  union { uid_t uid; } to_uid;
  es_string_token_t to_username;
  es_string_token_t shell;
  size_t argc;
  es_string_token_t* argv;
  size_t env_count;
  es_string_token_t* env;
};
struct es_od_member_id_t {
  es_od_member_type_t member_type;
  union {
    uuid_t uuid;
    es_string_token_t name;
  } member_value;
};
struct es_od_member_id_array_t {
  es_od_member_type_t member_type;
  size_t member_count;
  union {
    uuid_t* uuids;
    es_string_token_t* names;
  } member_array;
};
#define NJ_FAKE_OD_TAIL \
  es_string_token_t node_name;   \
  es_string_token_t db_path;     \
  audit_token_t instigator_token; /* v8 */
struct es_event_od_group_add_t { es_process_t* instigator; int error_code; es_string_token_t group_name; es_od_member_id_t* member; NJ_FAKE_OD_TAIL };
struct es_event_od_group_remove_t { es_process_t* instigator; int error_code; es_string_token_t group_name; es_od_member_id_t* member; NJ_FAKE_OD_TAIL };
struct es_event_od_group_set_t { es_process_t* instigator; int error_code; es_string_token_t group_name; es_od_member_id_array_t* members; NJ_FAKE_OD_TAIL };
struct es_event_od_modify_password_t { es_process_t* instigator; int error_code; es_od_account_type_t account_type; es_string_token_t account_name; NJ_FAKE_OD_TAIL };
struct es_event_od_disable_user_t { es_process_t* instigator; int error_code; es_string_token_t user_name; NJ_FAKE_OD_TAIL };
struct es_event_od_enable_user_t { es_process_t* instigator; int error_code; es_string_token_t user_name; NJ_FAKE_OD_TAIL };
struct es_event_od_create_user_t { es_process_t* instigator; int error_code; es_string_token_t user_name; NJ_FAKE_OD_TAIL };
struct es_event_od_delete_user_t { es_process_t* instigator; int error_code; es_string_token_t user_name; NJ_FAKE_OD_TAIL };
struct es_event_od_create_group_t { es_process_t* instigator; int error_code; es_string_token_t group_name; NJ_FAKE_OD_TAIL };
struct es_event_od_delete_group_t { es_process_t* instigator; int error_code; es_string_token_t group_name; NJ_FAKE_OD_TAIL };
struct es_event_od_attribute_value_add_t {
  es_process_t* instigator; int error_code; es_od_record_type_t record_type; es_string_token_t record_name;
  es_string_token_t attribute_name; es_string_token_t attribute_value; NJ_FAKE_OD_TAIL
};
struct es_event_od_attribute_value_remove_t {
  es_process_t* instigator; int error_code; es_od_record_type_t record_type; es_string_token_t record_name;
  es_string_token_t attribute_name; es_string_token_t attribute_value; NJ_FAKE_OD_TAIL
};
struct es_event_od_attribute_set_t {
  es_process_t* instigator; int error_code; es_od_record_type_t record_type; es_string_token_t record_name;
  es_string_token_t attribute_name; size_t attribute_value_count;
  // Renamed in the current SDK; older SDKs (modelled with -D__MAC_OS_X_VERSION_MAX_ALLOWED<260000) have the old name.
#if __MAC_OS_X_VERSION_MAX_ALLOWED >= 260000
  es_string_token_t* attribute_values;
#else
  es_string_token_t* attribute_value_array;
#endif
  NJ_FAKE_OD_TAIL
};
#undef NJ_FAKE_OD_TAIL
struct es_event_tcc_modify_t {
  es_string_token_t service;
  es_string_token_t identity;
  es_tcc_identity_type_t identity_type;
  es_tcc_event_type_t update_type;
  audit_token_t instigator_token;
  es_process_t* instigator;
  audit_token_t* responsible_token;
  es_process_t* responsible;
  es_tcc_authorization_right_t right;
  es_tcc_authorization_reason_t reason;
};

// 14.0
struct es_event_xpc_connect_t { es_string_token_t service_name; es_xpc_domain_type_t service_domain_type; };
struct es_profile_t {
  es_string_token_t identifier;
  es_string_token_t uuid;
  es_profile_source_t install_source;
  es_string_token_t organization;
  es_string_token_t display_name;
  es_string_token_t scope;
};
struct es_event_profile_add_t { es_process_t* instigator; bool is_update; es_profile_t* profile; audit_token_t instigator_token; /* v8 */ };
struct es_event_profile_remove_t { es_process_t* instigator; es_profile_t* profile; audit_token_t instigator_token; /* v8 */ };
struct es_event_authorization_petition_t {
  es_process_t* instigator;
  es_process_t* petitioner;
  uint32_t flags;
  size_t right_count;
  es_string_token_t* rights;
  audit_token_t instigator_token;  // v8
  audit_token_t petitioner_token;  // v8
};
struct es_authorization_result_t { es_string_token_t right_name; es_authorization_rule_class_t rule_class; bool granted; };
struct es_event_authorization_judgement_t {
  es_process_t* instigator;
  es_process_t* petitioner;
  int return_code;
  size_t result_count;
  es_authorization_result_t* results;
  audit_token_t instigator_token;  // v8
  audit_token_t petitioner_token;  // v8
};
// 15.0
struct es_signed_file_info_t { es_cdhash_t cdhash; es_string_token_t signing_id; es_string_token_t team_id; };
struct es_event_gatekeeper_user_override_t {
  es_gatekeeper_user_override_file_type_t file_type;
  union {
    es_string_token_t file_path;
    es_file_t* file;
  } file;
  es_sha256_t* sha256;
  es_signed_file_info_t* signing_info;
};

union es_events_t {
  es_event_exec_t exec;
  es_event_open_t open;
  es_event_fork_t fork;
  es_event_exit_t exit;
  es_event_close_t close;
  es_event_create_t create;
  es_event_rename_t rename;
  es_event_unlink_t unlink;
  es_event_write_t write;
  es_event_truncate_t truncate;
  es_event_signal_t signal;
  es_event_mprotect_t mprotect;
  es_event_mmap_t mmap;
  es_event_iokit_open_t iokit_open;
  es_event_link_t link;
  es_event_setmode_t setmode;
  es_event_cs_invalidated_t cs_invalidated;
  es_event_fcntl_t fcntl;
  es_event_readdir_t readdir;
  es_event_kextload_t kextload;
  es_event_setowner_t setowner;
  es_event_get_task_t get_task;
  es_event_proc_check_t proc_check;
  es_event_remote_thread_create_t remote_thread_create;
  es_event_setextattr_t setextattr;
  es_event_getextattr_t getextattr;
  es_event_deleteextattr_t deleteextattr;
  es_event_mount_t mount;
  es_event_unmount_t unmount;
  es_event_remount_t remount;
  es_event_get_task_read_t get_task_read;
  es_event_get_task_inspect_t get_task_inspect;
  es_event_get_task_name_t get_task_name;
  es_event_trace_t trace;
  es_event_proc_suspend_resume_t proc_suspend_resume;
  es_event_setuid_t setuid;
  es_event_setgid_t setgid;
  es_event_seteuid_t seteuid;
  es_event_setegid_t setegid;
  es_event_setreuid_t setreuid;
  es_event_setregid_t setregid;
  es_event_sudo_t* sudo;
  es_event_authentication_t* authentication;
  es_event_xp_malware_detected_t* xp_malware_detected;
  es_event_xp_malware_remediated_t* xp_malware_remediated;
  es_event_lw_session_login_t* lw_session_login;
  es_event_lw_session_logout_t* lw_session_logout;
  es_event_lw_session_lock_t* lw_session_lock;
  es_event_lw_session_unlock_t* lw_session_unlock;
  es_event_screensharing_attach_t* screensharing_attach;
  es_event_screensharing_detach_t* screensharing_detach;
  es_event_openssh_login_t* openssh_login;
  es_event_openssh_logout_t* openssh_logout;
  es_event_login_login_t* login_login;
  es_event_login_logout_t* login_logout;
  es_event_btm_launch_item_add_t* btm_launch_item_add;
  es_event_btm_launch_item_remove_t* btm_launch_item_remove;
  es_event_su_t* su;
  es_event_od_group_add_t* od_group_add;
  es_event_od_group_remove_t* od_group_remove;
  es_event_od_group_set_t* od_group_set;
  es_event_od_modify_password_t* od_modify_password;
  es_event_od_disable_user_t* od_disable_user;
  es_event_od_enable_user_t* od_enable_user;
  es_event_od_attribute_value_add_t* od_attribute_value_add;
  es_event_od_attribute_value_remove_t* od_attribute_value_remove;
  es_event_od_attribute_set_t* od_attribute_set;
  es_event_od_create_user_t* od_create_user;
  es_event_od_create_group_t* od_create_group;
  es_event_od_delete_user_t* od_delete_user;
  es_event_od_delete_group_t* od_delete_group;
  es_event_tcc_modify_t* tcc_modify;
  es_event_profile_add_t* profile_add;
  es_event_profile_remove_t* profile_remove;
  es_event_authorization_petition_t* authorization_petition;
  es_event_authorization_judgement_t* authorization_judgement;
  es_event_xpc_connect_t* xpc_connect;
  es_event_gatekeeper_user_override_t* gatekeeper_user_override;
};

struct es_message_t {
  uint32_t version;
  njes::es_timespec_t time;
  uint64_t mach_time;
  uint64_t deadline;
  es_process_t* process;
  uint64_t seq_num;  // v2
  es_action_type_t action_type;
  es_event_type_t event_type;
  es_events_t event;
  es_thread_t* thread;      // v4
  uint64_t global_seq_num;  // v4
};

typedef struct es_client_s es_client_t;
typedef void (^es_handler_block_t)(es_client_t*, const es_message_t*);

typedef enum {
  ES_NEW_CLIENT_RESULT_SUCCESS,
  ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT,
  ES_NEW_CLIENT_RESULT_ERR_INTERNAL,
  ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED,
  ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED,
  ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED,
  ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS,
} es_new_client_result_t;
typedef enum { ES_RETURN_SUCCESS, ES_RETURN_ERROR } es_return_t;
typedef enum {
  ES_MUTE_PATH_TYPE_PREFIX,
  ES_MUTE_PATH_TYPE_LITERAL,
  ES_MUTE_PATH_TYPE_TARGET_PREFIX,
  ES_MUTE_PATH_TYPE_TARGET_LITERAL,
} es_mute_path_type_t;
typedef enum {
  ES_MUTE_INVERSION_TYPE_PROCESS,
  ES_MUTE_INVERSION_TYPE_PATH,
  ES_MUTE_INVERSION_TYPE_TARGET_PATH,
  ES_MUTE_INVERSION_TYPE_LAST,
} es_mute_inversion_type_t;

extern "C" {
es_new_client_result_t es_new_client(es_client_t** client, es_handler_block_t handler);
es_return_t es_delete_client(es_client_t* client);
es_return_t es_subscribe(es_client_t* client, const es_event_type_t* events, uint32_t event_count);
es_return_t es_unsubscribe_all(es_client_t* client);
es_return_t es_mute_process(es_client_t* client, const audit_token_t* audit_token);
es_return_t es_mute_path(es_client_t* client, const char* path, es_mute_path_type_t type);
es_return_t es_mute_path_events(es_client_t* client, const char* path, es_mute_path_type_t type,
                                const es_event_type_t* events, size_t event_count);
es_return_t es_unmute_all_paths(es_client_t* client);
es_return_t es_unmute_all_target_paths(es_client_t* client);
es_return_t es_invert_muting(es_client_t* client, es_mute_inversion_type_t mute_type);
void es_retain_message(const es_message_t* msg);
void es_release_message(const es_message_t* msg);
uint32_t es_exec_arg_count(const es_event_exec_t* event);
es_string_token_t es_exec_arg(const es_event_exec_t* event, uint32_t index);
uint32_t es_exec_env_count(const es_event_exec_t* event);
es_string_token_t es_exec_env(const es_event_exec_t* event, uint32_t index);
uint32_t es_exec_fd_count(const es_event_exec_t* event);
const es_fd_t* es_exec_fd(const es_event_exec_t* event, uint32_t index);

// ---- Test control surface (not Apple API) ----
// The next es_new_client call fails with `r` (once).
void nj_fake_es_fail_next_new_client(es_new_client_result_t r);
// Deliver `m` (a template: seq_num/global_seq_num/version are set by the fake) to every client
// subscribed to its event type whose muting lets it through. Returns the number of clients queued to.
int nj_fake_es_post(const es_message_t* m);
// As nj_fake_es_post, but the template's seq_num/global_seq_num are delivered unchanged
// (and no client's counters advance): for copy round-trip tests that compare field by field.
int nj_fake_es_post_as_is(const es_message_t* m);
// The next `n` messages for `client` are dropped by the "kernel": they consume seq numbers
// (seq_num per event type, global_seq_num) but are never delivered — a gap, as on macOS.
void nj_fake_es_drop_next(es_client_t* client, uint32_t n);
// Blocks until every client's queue is empty and its handler has returned.
void nj_fake_es_drain(void);
// Messages alive (copied by the fake, not yet released by every holder).
int nj_fake_es_live_messages(void);
int nj_fake_es_live_clients(void);
// The i-th live client, in creation order (null if none).
es_client_t* nj_fake_es_client_at(int i);
// The running "macOS": its kern.osproductversion and the newest event type it knows; es_subscribe
// fails as a whole (subscribing nothing) when asked for a newer type, as Apple's does.
void nj_fake_es_set_os(const char* version, uint32_t max_event_type);
// The token task_info(mach_task_self(), TASK_AUDIT_TOKEN) returns (every field, pidversion included).
void nj_fake_es_set_self_token(const audit_token_t* token);
// A running process task_name_for_pid + task_info(TASK_AUDIT_TOKEN) can read (its whole token).
void nj_fake_es_set_process_token(int pid, const audit_token_t* token);
}
