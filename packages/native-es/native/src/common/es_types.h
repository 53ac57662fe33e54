// One file on purpose (~790 lines): the declarations of every ES struct we read, in Apple's member names.
// Nightjar's own declarations of the Endpoint Security structs (reference/esf.md §2), with Apple's
// member names so the translator (translate.h) compiles against either these or Apple's headers.
// Not Apple's header: layouts are not Darwin's, and only what the translator reads is declared.
// On Linux the backend fills these; tests build them by hand (synthetic.cc).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace njes {

struct es_string_token_t {
  size_t length;
  const char* data;  // not NUL-terminated; null when absent
};

struct audit_token_t {
  // auid, euid, egid, ruid, rgid, pid, asid, pidversion
  uint32_t val[8];
};

struct es_timespec_t {
  int64_t tv_sec;
  int64_t tv_nsec;
};

struct es_timeval_t {
  int64_t tv_sec;
  int64_t tv_usec;
};

// Darwin `struct stat` member names (64-bit inode layout), not the host's.
struct darwin_stat_t {
  int32_t st_dev;
  uint16_t st_mode;
  uint16_t st_nlink;
  uint64_t st_ino;
  uint32_t st_uid;
  uint32_t st_gid;
  int32_t st_rdev;
  es_timespec_t st_atimespec;
  es_timespec_t st_mtimespec;
  es_timespec_t st_ctimespec;
  es_timespec_t st_birthtimespec;
  int64_t st_size;
  int64_t st_blocks;
  int32_t st_blksize;
  uint32_t st_flags;
  uint32_t st_gen;
};

// Darwin `struct statfs` member names (64-bit inode layout), not the host's; names NUL-terminated.
struct darwin_statfs_t {
  uint32_t f_bsize;
  int32_t f_iosize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  int32_t f_fsid[2];  // Darwin: fsid_t { int32_t val[2]; }
  uint32_t f_owner;
  uint32_t f_type;
  uint32_t f_flags;
  uint32_t f_fssubtype;
  char f_fstypename[16];
  char f_mntonname[1024];
  char f_mntfromname[1024];
  uint32_t f_flags_ext;
};

struct es_file_t {
  es_string_token_t path;
  bool path_truncated;
  darwin_stat_t stat;
  // Linux backend: stat was not available (the file was gone); the translator omits `stat`.
  bool nj_no_stat;
};

struct es_process_t {
  audit_token_t audit_token;
  int32_t ppid;
  int32_t original_ppid;
  int32_t group_id;
  int32_t session_id;
  uint32_t codesigning_flags;
  bool is_platform_binary;
  bool is_es_client;
  uint8_t cdhash[20];
  es_string_token_t signing_id;
  es_string_token_t team_id;
  es_file_t* executable;
  es_file_t* tty;                          // v2, nullable
  es_timeval_t start_time;                 // v3
  audit_token_t responsible_audit_token;   // v4
  audit_token_t parent_audit_token;        // v4
  uint32_t cs_validation_category;         // v10
  // Linux backend: no code signing exists; the translator leaves those fields out.
  bool nj_no_codesigning;
  // Fields a backend could not fill (NJ_OMIT_*): the translator leaves them out rather than
  // printing zeros (the macOS process backfill; message version ≤ 9 shapes only).
  uint8_t nj_omit;
};

enum : uint8_t {
  NJ_OMIT_TASK_TOKEN = 1,          // audit_token without auid, asid, pidversion (no task audit token)
  NJ_OMIT_ORIGINAL_PPID = 2,
  NJ_OMIT_TTY = 4,
  NJ_OMIT_PARENT_TOKEN = 8,
  NJ_OMIT_RESPONSIBLE_TOKEN = 16,
  NJ_OMIT_SESSION_ID = 32,
};

struct es_thread_t {
  uint64_t thread_id;
};

enum es_destination_type_t : uint32_t { ES_DESTINATION_TYPE_EXISTING_FILE = 0, ES_DESTINATION_TYPE_NEW_PATH = 1 };

struct es_fd_t {
  int32_t fd;
  uint32_t fdtype;
};

struct es_event_exec_t {
  es_process_t* target;
  es_string_token_t dyld_exec_path;  // v7
  es_file_t* script;                 // v2, nullable
  es_file_t* cwd;                    // v3
  int32_t last_fd;                   // v4
  int32_t image_cputype;             // v6
  int32_t image_cpusubtype;          // v6
  // Apple packs argv/env/fds behind es_exec_arg() & co. (library functions); the mirror stores them.
  std::vector<es_string_token_t>* nj_args;
  std::vector<es_string_token_t>* nj_env;  // null: env not collected
  std::vector<es_fd_t>* nj_fds;            // null: fds not collected
};

struct es_event_open_t {
  int32_t fflag;
  es_file_t* file;
  bool nj_no_fflag;  // Linux: fanotify does not report the open flags
};
struct es_event_fork_t { es_process_t* child; };
struct es_event_exit_t { int32_t stat; };
struct es_event_close_t {
  bool modified;
  es_file_t* target;
  bool was_mapped_writable;  // v6
};
struct es_event_create_t {
  es_destination_type_t destination_type;
  struct {
    es_file_t* existing_file;
    struct {
      es_file_t* dir;
      es_string_token_t filename;
      uint32_t mode;
    } new_path;
  } destination;
};
struct es_event_rename_t {
  es_file_t* source;
  es_destination_type_t destination_type;
  struct {
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
struct es_event_signal_t {
  int32_t sig;
  es_process_t* target;
  es_process_t* instigator;  // v9, nullable
};
struct es_event_mprotect_t { int32_t protection; uint64_t address; uint64_t size; };
struct es_event_mmap_t { int32_t protection; int32_t max_protection; int32_t flags; uint64_t file_pos; es_file_t* source; };
struct es_event_iokit_open_t {
  uint32_t user_client_type;
  es_string_token_t user_client_class;
  uint64_t parent_registry_id;    // v10: the registry entry (device) behind the user client
  es_string_token_t parent_path;  // v10: its IORegistry path
};
struct es_event_link_t { es_file_t* source; es_file_t* target_dir; es_string_token_t target_filename; };
struct es_event_setmode_t { uint32_t mode; es_file_t* target; };
struct es_event_cs_invalidated_t { uint8_t reserved; };
struct es_event_fcntl_t { es_file_t* target; int32_t cmd; };
struct es_event_readdir_t { es_file_t* target; };
struct es_event_kextload_t { es_string_token_t identifier; };
struct es_event_setowner_t { uint32_t uid; uint32_t gid; es_file_t* target; };
enum es_get_task_type_t : uint32_t {
  ES_GET_TASK_TYPE_TASK_FOR_PID = 0,
  ES_GET_TASK_TYPE_EXPOSE_TASK = 1,
  ES_GET_TASK_TYPE_IDENTITY_TOKEN = 2,
};
struct es_event_get_task_t {
  es_process_t* target;
  es_get_task_type_t type;  // v5
};
enum es_mount_disposition_t : uint32_t {
  ES_MOUNT_DISPOSITION_EXTERNAL = 0,
  ES_MOUNT_DISPOSITION_INTERNAL = 1,
  ES_MOUNT_DISPOSITION_NETWORK = 2,
  ES_MOUNT_DISPOSITION_VIRTUAL = 3,
  ES_MOUNT_DISPOSITION_NULLFS = 4,
  ES_MOUNT_DISPOSITION_UNKNOWN = 5,
};
struct es_event_mount_t {
  darwin_statfs_t* statfs;
  es_mount_disposition_t disposition;  // v8
};
struct es_event_unmount_t { darwin_statfs_t* statfs; };
struct es_event_remount_t {  // 11.0
  darwin_statfs_t* statfs;
  uint64_t remount_flags;              // v8
  es_mount_disposition_t disposition;  // v8
};
// get_task_read (11.3) / get_task_inspect (11.3) / get_task_name (11.0): get_task's shape.
struct es_event_get_task_read_t { es_process_t* target; es_get_task_type_t type; /* v5 */ };
struct es_event_get_task_inspect_t { es_process_t* target; es_get_task_type_t type; /* v5 */ };
struct es_event_get_task_name_t { es_process_t* target; es_get_task_type_t type; /* v5 */ };
struct es_event_trace_t { es_process_t* target; };  // 11.0
enum es_proc_suspend_resume_type_t : uint32_t {
  ES_PROC_SUSPEND_RESUME_TYPE_SUSPEND = 0,
  ES_PROC_SUSPEND_RESUME_TYPE_RESUME = 1,
  ES_PROC_SUSPEND_RESUME_TYPE_SHUTDOWN_SOCKETS = 3,
};
struct es_event_proc_suspend_resume_t {  // 11.0
  es_process_t* target;  // nullable
  es_proc_suspend_resume_type_t type;
};
struct es_event_proc_check_t {
  es_process_t* target;  // nullable
  uint32_t type;         // es_proc_check_type_t
  int32_t flavor;
};
struct es_token_t { size_t size; const uint8_t* data; };
struct es_thread_state_t { int32_t flavor; es_token_t state; };
struct es_event_remote_thread_create_t {
  es_process_t* target;
  es_thread_state_t* thread_state;  // nullable: null when the thread is created with default state
};
// setextattr / getextattr / deleteextattr share one shape.
struct es_event_setextattr_t { es_file_t* target; es_string_token_t extattr; };
struct es_event_getextattr_t { es_file_t* target; es_string_token_t extattr; };
struct es_event_deleteextattr_t { es_file_t* target; es_string_token_t extattr; };

// 12.0+: the set*id syscalls (inline; Apple's member names: uid / gid / euid / egid / ruid+euid / rgid+egid).
struct es_event_setuid_t { uint32_t uid; };
struct es_event_setgid_t { uint32_t gid; };
struct es_event_seteuid_t { uint32_t euid; };
struct es_event_setegid_t { uint32_t egid; };
struct es_event_setreuid_t { uint32_t ruid; uint32_t euid; };
struct es_event_setregid_t { uint32_t rgid; uint32_t egid; };

// 14.0+ (user-space event; pointer members).
struct es_sudo_reject_info_t { es_string_token_t plugin_name; uint32_t plugin_type; es_string_token_t failure_message; };
struct es_event_sudo_t {
  bool success;
  es_sudo_reject_info_t* reject_info;  // nullable
  bool has_from_uid;
  uint32_t from_uid;
  es_string_token_t from_username;
  bool has_to_uid;
  uint32_t to_uid;
  es_string_token_t to_username;
  es_string_token_t command;
};

// ---- 13.0+ user-space events (ESMessage.h; pointer members of es_events_t). Optional strings are
// null tokens; optional processes / audit tokens are null pointers. instigator_token members are
// message version >= 8 (macOS 15). Apple's one-member `union { uid_t uid; }` uids are plain here.
struct es_btm_launch_item_t {
  uint32_t item_type;  // es_btm_item_type_t
  bool legacy;
  bool managed;
  uint32_t uid;
  es_string_token_t item_url;
  es_string_token_t app_url;  // optional
};
struct es_event_btm_launch_item_add_t {
  es_process_t* instigator;  // nullable
  es_process_t* app;         // nullable
  es_btm_launch_item_t* item;
  es_string_token_t executable_path;  // optional
  audit_token_t* instigator_token;    // v8, nullable
  audit_token_t* app_token;           // v8, nullable
};
struct es_event_btm_launch_item_remove_t {
  es_process_t* instigator;  // nullable
  es_process_t* app;         // nullable
  es_btm_launch_item_t* item;
  audit_token_t* instigator_token;  // v8, nullable
  audit_token_t* app_token;         // v8, nullable
};

enum es_authentication_type_t : uint32_t {
  ES_AUTHENTICATION_TYPE_OD = 0,
  ES_AUTHENTICATION_TYPE_TOUCHID = 1,
  ES_AUTHENTICATION_TYPE_TOKEN = 2,
  ES_AUTHENTICATION_TYPE_AUTO_UNLOCK = 3,
};
struct es_event_authentication_od_t {
  es_process_t* instigator;  // nullable
  es_string_token_t record_type;
  es_string_token_t record_name;
  es_string_token_t node_name;
  es_string_token_t db_path;      // optional
  audit_token_t instigator_token;  // v8
};
struct es_event_authentication_touchid_t {
  es_process_t* instigator;  // nullable
  uint32_t touchid_mode;     // es_touchid_mode_t
  bool has_uid;
  uint32_t uid;                    // when has_uid
  audit_token_t instigator_token;  // v8
};
struct es_event_authentication_token_t {
  es_process_t* instigator;  // nullable
  es_string_token_t pubkey_hash;
  es_string_token_t token_id;
  es_string_token_t kerberos_principal;  // optional
  audit_token_t instigator_token;        // v8
};
struct es_event_authentication_auto_unlock_t {
  es_string_token_t username;
  uint32_t type;  // es_auto_unlock_type_t
};
struct es_event_authentication_t {
  bool success;
  es_authentication_type_t type;
  struct {  // Apple: a union of non-null pointers, selected by `type`
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
  es_string_token_t detected_executable;  // v10
};
struct es_event_xp_malware_remediated_t {
  es_string_token_t signature_version;
  es_string_token_t malware_identifier;
  es_string_token_t incident_identifier;
  es_string_token_t action_type;
  bool success;
  es_string_token_t result_description;
  es_string_token_t remediated_path;               // optional
  audit_token_t* remediated_process_audit_token;  // nullable
};

// lw_session_login / logout / lock / unlock share one shape.
struct es_event_lw_session_login_t { es_string_token_t username; uint32_t graphical_session_id; };
using es_event_lw_session_logout_t = es_event_lw_session_login_t;
using es_event_lw_session_lock_t = es_event_lw_session_login_t;
using es_event_lw_session_unlock_t = es_event_lw_session_login_t;

struct es_event_screensharing_attach_t {
  bool success;
  uint32_t source_address_type;  // es_address_type_t
  es_string_token_t source_address;           // optional
  es_string_token_t viewer_appleid;           // optional
  es_string_token_t authentication_type;
  es_string_token_t authentication_username;  // optional
  es_string_token_t session_username;         // optional
  bool existing_session;
  uint32_t graphical_session_id;
};
struct es_event_screensharing_detach_t {
  uint32_t source_address_type;
  es_string_token_t source_address;  // optional
  es_string_token_t viewer_appleid;  // optional
  uint32_t graphical_session_id;
};

struct es_event_openssh_login_t {
  bool success;
  uint32_t result_type;  // es_openssh_login_result_type_t
  uint32_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t username;
  bool has_uid;
  uint32_t uid;  // when has_uid
};
struct es_event_openssh_logout_t {
  uint32_t source_address_type;
  es_string_token_t source_address;
  es_string_token_t username;
  uint32_t uid;
};

struct es_event_login_login_t {
  bool success;
  es_string_token_t failure_message;  // optional
  es_string_token_t username;
  bool has_uid;
  uint32_t uid;  // when has_uid
};
struct es_event_login_logout_t { es_string_token_t username; uint32_t uid; };

// 14.0+
struct es_event_su_t {
  bool success;
  es_string_token_t failure_message;  // optional
  uint32_t from_uid;
  es_string_token_t from_username;
  bool has_to_uid;
  uint32_t to_uid;                // when has_to_uid
  es_string_token_t to_username;  // optional
  es_string_token_t shell;        // optional
  size_t argc;
  es_string_token_t* argv;
  size_t env_count;
  es_string_token_t* env;
};

enum es_od_member_type_t : uint32_t {
  ES_OD_MEMBER_TYPE_USER_NAME = 0,
  ES_OD_MEMBER_TYPE_USER_UUID = 1,
  ES_OD_MEMBER_TYPE_GROUP_UUID = 2,
};
struct es_od_member_id_t {
  es_od_member_type_t member_type;
  struct {  // Apple: a union selected by member_type
    uint8_t uuid[16];
    es_string_token_t name;
  } member_value;
};
struct es_od_member_id_array_t {
  es_od_member_type_t member_type;
  size_t member_count;
  struct {  // Apple: a union of array pointers selected by member_type
    const uint8_t (*uuids)[16];
    es_string_token_t* names;
  } member_array;
};
struct es_event_od_group_add_t {
  es_process_t* instigator;  // nullable
  int32_t error_code;
  es_string_token_t group_name;
  es_od_member_id_t* member;
  es_string_token_t node_name;
  es_string_token_t db_path;       // optional
  audit_token_t instigator_token;  // v8
};
using es_event_od_group_remove_t = es_event_od_group_add_t;
struct es_event_od_group_set_t {
  es_process_t* instigator;
  int32_t error_code;
  es_string_token_t group_name;
  es_od_member_id_array_t* members;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
struct es_event_od_modify_password_t {
  es_process_t* instigator;
  int32_t error_code;
  uint32_t account_type;  // es_od_account_type_t
  es_string_token_t account_name;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
// od_create_user / od_disable_user / od_enable_user / od_delete_user share one shape.
struct es_event_od_create_user_t {
  es_process_t* instigator;
  int32_t error_code;
  es_string_token_t user_name;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
using es_event_od_disable_user_t = es_event_od_create_user_t;
using es_event_od_enable_user_t = es_event_od_create_user_t;
using es_event_od_delete_user_t = es_event_od_create_user_t;
// od_create_group / od_delete_group.
struct es_event_od_create_group_t {
  es_process_t* instigator;
  int32_t error_code;
  es_string_token_t group_name;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
using es_event_od_delete_group_t = es_event_od_create_group_t;
// od_attribute_value_add / od_attribute_value_remove.
struct es_event_od_attribute_value_add_t {
  es_process_t* instigator;
  int32_t error_code;
  uint32_t record_type;  // es_od_record_type_t
  es_string_token_t record_name;
  es_string_token_t attribute_name;
  es_string_token_t attribute_value;
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};
using es_event_od_attribute_value_remove_t = es_event_od_attribute_value_add_t;
struct es_event_od_attribute_set_t {
  es_process_t* instigator;
  int32_t error_code;
  uint32_t record_type;
  es_string_token_t record_name;
  es_string_token_t attribute_name;
  size_t attribute_value_count;
  es_string_token_t* attribute_values;  // Apple's SDKs before macOS 26 call it attribute_value_array
  es_string_token_t node_name;
  es_string_token_t db_path;
  audit_token_t instigator_token;  // v8
};

// 14.0+: profiles, authorization rights, XPC connections. instigator_token / petitioner_token are v8.
struct es_event_xpc_connect_t {
  es_string_token_t service_name;
  uint32_t service_domain_type;  // es_xpc_domain_type_t
};
struct es_profile_t {
  es_string_token_t identifier;
  es_string_token_t uuid;
  uint32_t install_source;  // es_profile_source_t
  es_string_token_t organization;
  es_string_token_t display_name;
  es_string_token_t scope;
};
struct es_event_profile_add_t {
  es_process_t* instigator;  // nullable
  bool is_update;
  es_profile_t* profile;
  audit_token_t instigator_token;  // v8
};
struct es_event_profile_remove_t {
  es_process_t* instigator;  // nullable
  es_profile_t* profile;
  audit_token_t instigator_token;  // v8
};
struct es_event_authorization_petition_t {
  es_process_t* instigator;  // nullable
  es_process_t* petitioner;  // nullable
  uint32_t flags;
  size_t right_count;
  es_string_token_t* rights;       // nullable
  audit_token_t instigator_token;  // v8
  audit_token_t petitioner_token;  // v8
};
struct es_authorization_result_t {
  es_string_token_t right_name;
  uint32_t rule_class;  // es_authorization_rule_class_t
  bool granted;
};
struct es_event_authorization_judgement_t {
  es_process_t* instigator;  // nullable
  es_process_t* petitioner;  // nullable
  int32_t return_code;
  size_t result_count;
  es_authorization_result_t* results;  // nullable
  audit_token_t instigator_token;      // v8
  audit_token_t petitioner_token;      // v8
};

// 15.0+
enum es_gatekeeper_user_override_file_type_t : uint32_t {
  ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH = 0,
  ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_FILE = 1,
};
struct es_signed_file_info_t {
  uint8_t cdhash[20];
  es_string_token_t signing_id;
  es_string_token_t team_id;
};
struct es_event_gatekeeper_user_override_t {
  es_gatekeeper_user_override_file_type_t file_type;
  struct {  // Apple: a union selected by file_type (a path when ES could not look the file up)
    es_string_token_t file_path;
    es_file_t* file;
  } file;
  const uint8_t* sha256;               // 32 bytes, nullable (Apple: es_sha256_t*; files over 100 MB have none)
  es_signed_file_info_t* signing_info;  // nullable (unsigned file)
};

// 15.4+
struct es_event_tcc_modify_t {
  es_string_token_t service;
  es_string_token_t identity;
  uint32_t identity_type;  // es_tcc_identity_type_t
  uint32_t update_type;    // es_tcc_event_type_t
  audit_token_t instigator_token;
  es_process_t* instigator;          // nullable
  audit_token_t* responsible_token;  // nullable
  es_process_t* responsible;         // nullable
  uint32_t right;   // es_tcc_authorization_right_t
  uint32_t reason;  // es_tcc_authorization_reason_t
};

// Not a union: the mirror is filled by hand and must stay trivially safe to zero.
struct es_events_t {
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
  es_event_xpc_connect_t* xpc_connect;
  es_event_profile_add_t* profile_add;
  es_event_profile_remove_t* profile_remove;
  es_event_authorization_petition_t* authorization_petition;
  es_event_authorization_judgement_t* authorization_judgement;
  es_event_gatekeeper_user_override_t* gatekeeper_user_override;
};

// es_event_type_t values (NOTIFY members the translator renders; reference/esf.md §1).
enum es_event_type_t : uint32_t {
  ES_EVENT_TYPE_NOTIFY_EXEC = 9,
  ES_EVENT_TYPE_NOTIFY_OPEN = 10,
  ES_EVENT_TYPE_NOTIFY_FORK = 11,
  ES_EVENT_TYPE_NOTIFY_CLOSE = 12,
  ES_EVENT_TYPE_NOTIFY_CREATE = 13,
  ES_EVENT_TYPE_NOTIFY_EXIT = 15,
  ES_EVENT_TYPE_NOTIFY_LINK = 19,
  ES_EVENT_TYPE_NOTIFY_MMAP = 20,
  ES_EVENT_TYPE_NOTIFY_MPROTECT = 21,
  ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN = 24,
  ES_EVENT_TYPE_NOTIFY_RENAME = 25,
  ES_EVENT_TYPE_NOTIFY_SETMODE = 29,
  ES_EVENT_TYPE_NOTIFY_SIGNAL = 31,
  ES_EVENT_TYPE_NOTIFY_UNLINK = 32,
  ES_EVENT_TYPE_NOTIFY_WRITE = 33,
  ES_EVENT_TYPE_NOTIFY_TRUNCATE = 41,
  ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED = 94,
  ES_EVENT_TYPE_NOTIFY_GET_TASK = 16,
  ES_EVENT_TYPE_NOTIFY_KEXTLOAD = 17,
  ES_EVENT_TYPE_NOTIFY_SETEXTATTR = 27,
  ES_EVENT_TYPE_NOTIFY_SETOWNER = 30,
  ES_EVENT_TYPE_NOTIFY_FCNTL = 62,
  ES_EVENT_TYPE_NOTIFY_GETEXTATTR = 64,
  ES_EVENT_TYPE_NOTIFY_READDIR = 68,
  ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR = 70,
  ES_EVENT_TYPE_NOTIFY_PROC_CHECK = 86,
  ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE = 97,
  ES_EVENT_TYPE_NOTIFY_SUDO = 131,
  ES_EVENT_TYPE_NOTIFY_MOUNT = 22,
  ES_EVENT_TYPE_NOTIFY_UNMOUNT = 23,
  ES_EVENT_TYPE_NOTIFY_REMOUNT = 99,
  ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME = 93,
  ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME = 95,
  ES_EVENT_TYPE_NOTIFY_TRACE = 96,
  ES_EVENT_TYPE_NOTIFY_GET_TASK_READ = 101,
  ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT = 102,
  ES_EVENT_TYPE_NOTIFY_SETUID = 103,
  ES_EVENT_TYPE_NOTIFY_SETGID = 104,
  ES_EVENT_TYPE_NOTIFY_SETEUID = 105,
  ES_EVENT_TYPE_NOTIFY_SETEGID = 106,
  ES_EVENT_TYPE_NOTIFY_SETREUID = 107,
  ES_EVENT_TYPE_NOTIFY_SETREGID = 108,
  ES_EVENT_TYPE_NOTIFY_AUTHENTICATION = 111,
  ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED = 112,
  ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED = 113,
  ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN = 114,
  ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT = 115,
  ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK = 116,
  ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK = 117,
  ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH = 118,
  ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH = 119,
  ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN = 120,
  ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT = 121,
  ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN = 122,
  ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT = 123,
  ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD = 124,
  ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE = 125,
  ES_EVENT_TYPE_NOTIFY_SU = 128,
  ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD = 132,
  ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE = 133,
  ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET = 134,
  ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD = 135,
  ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER = 136,
  ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER = 137,
  ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD = 138,
  ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE = 139,
  ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET = 140,
  ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER = 141,
  ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP = 142,
  ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER = 143,
  ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP = 144,
  ES_EVENT_TYPE_NOTIFY_TCC_MODIFY = 147,
  ES_EVENT_TYPE_NOTIFY_PROFILE_ADD = 126,
  ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE = 127,
  ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION = 129,
  ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT = 130,
  ES_EVENT_TYPE_NOTIFY_XPC_CONNECT = 145,
  ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE = 146,
};

enum es_action_type_t : uint32_t { ES_ACTION_TYPE_AUTH = 0, ES_ACTION_TYPE_NOTIFY = 1 };

struct es_message_t {
  uint32_t version;
  es_timespec_t time;
  uint64_t mach_time;
  uint64_t deadline;
  es_process_t* process;
  uint64_t seq_num;  // v2
  es_action_type_t action_type;
  uint32_t event_type;
  es_events_t event;
  es_thread_t* thread;      // v4, nullable
  uint64_t global_seq_num;  // v4
};

// The mirror's argv/env/fd accessors (Apple: es_exec_arg_count() & co. from libEndpointSecurity).
inline uint32_t nj_exec_arg_count(const es_event_exec_t* e) { return e->nj_args ? (uint32_t)e->nj_args->size() : 0; }
inline es_string_token_t nj_exec_arg(const es_event_exec_t* e, uint32_t i) { return (*e->nj_args)[i]; }
inline bool nj_exec_has_env(const es_event_exec_t* e) { return e->nj_env != nullptr; }
inline uint32_t nj_exec_env_count(const es_event_exec_t* e) { return e->nj_env ? (uint32_t)e->nj_env->size() : 0; }
inline es_string_token_t nj_exec_env(const es_event_exec_t* e, uint32_t i) { return (*e->nj_env)[i]; }
inline bool nj_exec_has_fds(const es_event_exec_t* e) { return e->nj_fds != nullptr; }
inline uint32_t nj_exec_fd_count(const es_event_exec_t* e) { return e->nj_fds ? (uint32_t)e->nj_fds->size() : 0; }
inline es_fd_t nj_exec_fd(const es_event_exec_t* e, uint32_t i) { return (*e->nj_fds)[i]; }

}  // namespace njes
