// One file on purpose (~900 lines): the copy of every ES message into our own structs, event type by event type, behind one SDK-version gate.
// The real EsApi over libEndpointSecurity (macOS only; binding.gyp OS=="mac"). Apple's messages
// are copied into the project's mirror (es_types.h) inside the handler, so the rest of the backend
// (EsClientSet, the translator) is the code tested on Linux. On Linux CI this file is compiled and
// run against the fake libEndpointSecurity (fake_libes/, clang -fblocks; test/native/
// apple-fake-libes.test.ts); only the link with Apple's real library is untested (README).
#include <EndpointSecurity/EndpointSecurity.h>
#include <bsm/libbsm.h>
#include <mach/mach.h>
#include <sys/sysctl.h>

#include <cstring>
#include <map>
#include <mutex>
#include <type_traits>
#include <utility>
#include "../common/owned.h"
#include "es_api.h"

namespace njes {
namespace {

es_string_token_t Tok(OwnedMessage& m, const ::es_string_token_t& t) {
  if (t.data == nullptr) return es_string_token_t{0, nullptr};
  return m.Tok(std::string(t.data, t.length));
}

es_file_t* File(OwnedMessage& m, const ::es_file_t* f) {
  if (f == nullptr) return nullptr;
  es_file_t* o = m.File(std::string(f->path.data ? f->path.data : "", f->path.length));
  o->path_truncated = f->path_truncated;
  const auto& s = f->stat;  // Darwin struct stat (fake_libes on Linux: darwin_stat_t)
  darwin_stat_t& d = o->stat;
  d.st_dev = s.st_dev;
  d.st_mode = s.st_mode;
  d.st_nlink = s.st_nlink;
  d.st_ino = s.st_ino;
  d.st_uid = s.st_uid;
  d.st_gid = s.st_gid;
  d.st_rdev = s.st_rdev;
  d.st_atimespec = {s.st_atimespec.tv_sec, s.st_atimespec.tv_nsec};
  d.st_mtimespec = {s.st_mtimespec.tv_sec, s.st_mtimespec.tv_nsec};
  d.st_ctimespec = {s.st_ctimespec.tv_sec, s.st_ctimespec.tv_nsec};
  d.st_birthtimespec = {s.st_birthtimespec.tv_sec, s.st_birthtimespec.tv_nsec};
  d.st_size = s.st_size;
  d.st_blocks = s.st_blocks;
  d.st_blksize = s.st_blksize;
  d.st_flags = s.st_flags;
  d.st_gen = s.st_gen;
  return o;
}

// Darwin `struct statfs` → the mirror, field by field (names bounded by their array sizes).
template <class S>
darwin_statfs_t* Statfs(OwnedMessage& m, const S* s) {
  if (s == nullptr) return nullptr;
  darwin_statfs_t* o = m.New<darwin_statfs_t>();
  o->f_bsize = s->f_bsize;
  o->f_iosize = s->f_iosize;
  o->f_blocks = s->f_blocks;
  o->f_bfree = s->f_bfree;
  o->f_bavail = s->f_bavail;
  o->f_files = s->f_files;
  o->f_ffree = s->f_ffree;
  memcpy(o->f_fsid, &s->f_fsid, sizeof o->f_fsid);
  o->f_owner = s->f_owner;
  o->f_type = s->f_type;
  o->f_flags = s->f_flags;
  o->f_fssubtype = s->f_fssubtype;
  static_assert(sizeof s->f_fstypename <= sizeof o->f_fstypename, "f_fstypename");
  static_assert(sizeof s->f_mntonname <= sizeof o->f_mntonname, "f_mntonname");
  static_assert(sizeof s->f_mntfromname <= sizeof o->f_mntfromname, "f_mntfromname");
  memcpy(o->f_fstypename, s->f_fstypename, sizeof s->f_fstypename);
  memcpy(o->f_mntonname, s->f_mntonname, sizeof s->f_mntonname);
  memcpy(o->f_mntfromname, s->f_mntfromname, sizeof s->f_mntfromname);
  o->f_flags_ext = s->f_flags_ext;
  return o;
}

void Token(audit_token_t& o, const ::audit_token_t& t) {
  for (int i = 0; i < 8; i++) o.val[i] = t.val[i];
}

es_process_t* Proc(OwnedMessage& m, const ::es_process_t* p, uint32_t v) {
  if (p == nullptr) return nullptr;
  es_process_t* o = m.Proc();
  Token(o->audit_token, p->audit_token);
  o->ppid = p->ppid;
  o->original_ppid = p->original_ppid;
  o->group_id = p->group_id;
  o->session_id = p->session_id;
  o->codesigning_flags = p->codesigning_flags;
  o->is_platform_binary = p->is_platform_binary;
  o->is_es_client = p->is_es_client;
  memcpy(o->cdhash, p->cdhash, sizeof o->cdhash);
  o->signing_id = Tok(m, p->signing_id);
  o->team_id = Tok(m, p->team_id);
  o->executable = File(m, p->executable);
  if (v >= 2) o->tty = File(m, p->tty);
  if (v >= 3) o->start_time = {p->start_time.tv_sec, p->start_time.tv_usec};
  if (v >= 4) {
    Token(o->responsible_audit_token, p->responsible_audit_token);
    Token(o->parent_audit_token, p->parent_audit_token);
  }
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 260000
  if (v >= 10) o->cs_validation_category = (uint32_t)p->cs_validation_category;
#endif
  return o;
}

// SDK gates: a member is read only when the SDK declares it AND msg->version carries it.
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 120000
#define NJ_SDK_12 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 110000
#define NJ_SDK_11 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 110300
#define NJ_SDK_11_3 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 130000
#define NJ_SDK_13 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 140000
#define NJ_SDK_14 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150000
#define NJ_SDK_15 1
#endif
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150400
#define NJ_SDK_15_4 1
#endif

// Members whose name or presence depends on the SDK, found by a feature test on the struct itself
// (no SDK version is needed, and a header that renames a member still compiles): the current SDK
// calls od_attribute_set's list `attribute_values` (older ones `attribute_value_array`), and the
// macOS 26 SDK adds the message-version-10 members of iokit_open and xp_malware_detected.
template <class T, class = void>
struct HasAttributeValues : std::false_type {};
template <class T>
struct HasAttributeValues<T, std::void_t<decltype(std::declval<const T&>().attribute_values)>> : std::true_type {};
template <class T>
const ::es_string_token_t* OdAttributeValues(const T* x) {
  if constexpr (HasAttributeValues<T>::value) return x->attribute_values;
  else return x->attribute_value_array;
}
template <class T, class = void>
struct HasIokitParent : std::false_type {};
template <class T>
struct HasIokitParent<T, std::void_t<decltype(std::declval<const T&>().parent_registry_id),
                                      decltype(std::declval<const T&>().parent_path)>> : std::true_type {};
template <class T, class = void>
struct HasDetectedExecutable : std::false_type {};
template <class T>
struct HasDetectedExecutable<T, std::void_t<decltype(std::declval<const T&>().detected_executable)>> : std::true_type {};
// Templates, so the branch for a member the SDK lacks is discarded, not compiled.
template <class T>
void IokitParent(OwnedMessage& m, const T& x, es_event_iokit_open_t& y) {
  if constexpr (HasIokitParent<T>::value) {
    y.parent_registry_id = x.parent_registry_id;
    y.parent_path = Tok(m, x.parent_path);
  }
}
template <class T>
void DetectedExecutable(OwnedMessage& m, const T& x, es_event_xp_malware_detected_t& y) {
  if constexpr (HasDetectedExecutable<T>::value) y.detected_executable = Tok(m, x.detected_executable);
}

audit_token_t* TokenPtr(OwnedMessage& m, const ::audit_token_t* t) {
  if (t == nullptr) return nullptr;
  audit_token_t* o = m.New<audit_token_t>();
  Token(*o, *t);
  return o;
}

// An Apple (pointer, count) string array → owned tokens (null when Apple's pointer is null).
es_string_token_t* Tokens(OwnedMessage& m, const ::es_string_token_t* a, size_t n) {
  if (a == nullptr) return nullptr;
  std::vector<std::string> items;
  for (size_t i = 0; i < n; i++) items.emplace_back(a[i].data ? a[i].data : "", a[i].length);
  auto* l = m.List(items);
  // A null token inside the array stays null (List copies data; restore the absent ones).
  for (size_t i = 0; i < n; i++)
    if (a[i].data == nullptr) (*l)[i] = es_string_token_t{0, nullptr};
  return l->data();
}

#if NJ_SDK_14
// The od_* events' shared members; the caller copies the event-specific ones.
template <class A, class M>
M* OdCommon(OwnedMessage& m, const A* a, uint32_t v) {
  M* y = m.New<M>();
  y->instigator = Proc(m, a->instigator, v);
  y->error_code = a->error_code;
  y->node_name = Tok(m, a->node_name);
  y->db_path = Tok(m, a->db_path);
#if NJ_SDK_15
  if (v >= 8) Token(y->instigator_token, a->instigator_token);
#endif
  return y;
}
#endif

// Apple message → owned mirror, reading each field only when msg->version carries it.
OwnedMessage* ToMirror(const ::es_message_t* a) {
  auto* m = new OwnedMessage();
  const uint32_t v = a->version;
  es_message_t& o = m->msg;
  o.version = v;
  o.time = {a->time.tv_sec, a->time.tv_nsec};
  o.mach_time = a->mach_time;
  o.deadline = a->deadline;
  o.action_type = ES_ACTION_TYPE_NOTIFY;
  o.event_type = (uint32_t)a->event_type;
  if (v >= 2) o.seq_num = a->seq_num;
  if (v >= 4) {
    o.global_seq_num = a->global_seq_num;
    if (a->thread != nullptr) {
      m->thread.thread_id = a->thread->thread_id;
      o.thread = &m->thread;
    }
  }
  o.process = Proc(*m, a->process, v);
  const ::es_events_t& e = a->event;
  switch (a->event_type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: {
      const ::es_event_exec_t& x = e.exec;
      es_event_exec_t& y = o.event.exec;
      y.target = Proc(*m, x.target, v);
      std::vector<std::string> args;
      for (uint32_t i = 0; i < es_exec_arg_count(&x); i++) {
        ::es_string_token_t t = es_exec_arg(&x, i);
        args.emplace_back(t.data ? t.data : "", t.length);
      }
      y.nj_args = m->List(args);
      // Apple always packs the environment: copied so rules see it (DYLD_* injection and the like).
      std::vector<std::string> env;
      for (uint32_t i = 0; i < es_exec_env_count(&x); i++) {
        ::es_string_token_t t = es_exec_env(&x, i);
        env.emplace_back(t.data ? t.data : "", t.length);
      }
      y.nj_env = m->List(env);
      if (v >= 2) y.script = File(*m, x.script);
      if (v >= 3) y.cwd = File(*m, x.cwd);
      if (v >= 4) {
        y.last_fd = x.last_fd;
        m->fdlists.emplace_back();
        for (uint32_t i = 0; i < es_exec_fd_count(&x); i++) {
          const ::es_fd_t* fd = es_exec_fd(&x, i);
          m->fdlists.back().push_back({fd->fd, fd->fdtype});
        }
        y.nj_fds = &m->fdlists.back();
      }
      if (v >= 6) {
        y.image_cputype = x.image_cputype;
        y.image_cpusubtype = x.image_cpusubtype;
      }
      if (v >= 7) y.dyld_exec_path = Tok(*m, x.dyld_exec_path);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_OPEN:
      o.event.open.fflag = e.open.fflag;
      o.event.open.file = File(*m, e.open.file);
      break;
    case ES_EVENT_TYPE_NOTIFY_FORK:
      o.event.fork.child = Proc(*m, e.fork.child, v);
      break;
    case ES_EVENT_TYPE_NOTIFY_EXIT:
      o.event.exit.stat = e.exit.stat;
      break;
    case ES_EVENT_TYPE_NOTIFY_CLOSE:
      o.event.close.modified = e.close.modified;
      o.event.close.target = File(*m, e.close.target);
      if (v >= 6) o.event.close.was_mapped_writable = e.close.was_mapped_writable;
      break;
    case ES_EVENT_TYPE_NOTIFY_CREATE:
      o.event.create.destination_type = (es_destination_type_t)e.create.destination_type;
      if (e.create.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
        o.event.create.destination.existing_file = File(*m, e.create.destination.existing_file);
      } else {
        o.event.create.destination.new_path.dir = File(*m, e.create.destination.new_path.dir);
        o.event.create.destination.new_path.filename = Tok(*m, e.create.destination.new_path.filename);
        o.event.create.destination.new_path.mode = e.create.destination.new_path.mode;
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_RENAME:
      o.event.rename.source = File(*m, e.rename.source);
      o.event.rename.destination_type = (es_destination_type_t)e.rename.destination_type;
      if (e.rename.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
        o.event.rename.destination.existing_file = File(*m, e.rename.destination.existing_file);
      } else {
        o.event.rename.destination.new_path.dir = File(*m, e.rename.destination.new_path.dir);
        o.event.rename.destination.new_path.filename = Tok(*m, e.rename.destination.new_path.filename);
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_UNLINK:
      o.event.unlink.target = File(*m, e.unlink.target);
      o.event.unlink.parent_dir = File(*m, e.unlink.parent_dir);
      break;
    case ES_EVENT_TYPE_NOTIFY_WRITE:
      o.event.write.target = File(*m, e.write.target);
      break;
    case ES_EVENT_TYPE_NOTIFY_TRUNCATE:
      o.event.truncate.target = File(*m, e.truncate.target);
      break;
    case ES_EVENT_TYPE_NOTIFY_SIGNAL:
      o.event.signal.sig = e.signal.sig;
      o.event.signal.target = Proc(*m, e.signal.target, v);
#if defined(__MAC_OS_X_VERSION_MAX_ALLOWED) && __MAC_OS_X_VERSION_MAX_ALLOWED >= 150400
      if (v >= 9) o.event.signal.instigator = Proc(*m, e.signal.instigator, v);
#endif
      break;
    case ES_EVENT_TYPE_NOTIFY_MMAP:
      o.event.mmap = {e.mmap.protection, e.mmap.max_protection, e.mmap.flags, e.mmap.file_pos, File(*m, e.mmap.source)};
      break;
    case ES_EVENT_TYPE_NOTIFY_MPROTECT:
      o.event.mprotect = {e.mprotect.protection, (uint64_t)e.mprotect.address, (uint64_t)e.mprotect.size};
      break;
    case ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN:
      o.event.iokit_open.user_client_type = e.iokit_open.user_client_type;
      o.event.iokit_open.user_client_class = Tok(*m, e.iokit_open.user_client_class);
      if (v >= 10) IokitParent(*m, e.iokit_open, o.event.iokit_open);
      break;
    case ES_EVENT_TYPE_NOTIFY_LINK:
      o.event.link = {File(*m, e.link.source), File(*m, e.link.target_dir), Tok(*m, e.link.target_filename)};
      break;
    case ES_EVENT_TYPE_NOTIFY_SETMODE:
      o.event.setmode = {(uint32_t)e.setmode.mode, File(*m, e.setmode.target)};
      break;
    case ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED:
      break;  // no fields
    case ES_EVENT_TYPE_NOTIFY_FCNTL:
      o.event.fcntl = {File(*m, e.fcntl.target), e.fcntl.cmd};
      break;
    case ES_EVENT_TYPE_NOTIFY_READDIR:
      o.event.readdir.target = File(*m, e.readdir.target);
      break;
    case ES_EVENT_TYPE_NOTIFY_KEXTLOAD:
      o.event.kextload.identifier = Tok(*m, e.kextload.identifier);
      break;
    case ES_EVENT_TYPE_NOTIFY_SETOWNER:
      o.event.setowner = {(uint32_t)e.setowner.uid, (uint32_t)e.setowner.gid, File(*m, e.setowner.target)};
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK:
      o.event.get_task.target = Proc(*m, e.get_task.target, v);
      if (v >= 5) o.event.get_task.type = (es_get_task_type_t)e.get_task.type;
      break;
    case ES_EVENT_TYPE_NOTIFY_PROC_CHECK:
      o.event.proc_check = {Proc(*m, e.proc_check.target, v), (uint32_t)e.proc_check.type, (int32_t)e.proc_check.flavor};
      break;
    case ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE: {
      const auto& r = e.remote_thread_create;
      o.event.remote_thread_create.target = Proc(*m, r.target, v);
      if (r.thread_state != nullptr) {
        // The state bytes are copied too: the mirror must not point into Apple's message.
        m->bytes.emplace_back(r.thread_state->state.data, r.thread_state->state.data + (r.thread_state->state.data ? r.thread_state->state.size : 0));
        m->thread_states.push_back({r.thread_state->flavor, {m->bytes.back().size(), m->bytes.back().empty() ? nullptr : m->bytes.back().data()}});
        o.event.remote_thread_create.thread_state = &m->thread_states.back();
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_SETEXTATTR:
      o.event.setextattr = {File(*m, e.setextattr.target), Tok(*m, e.setextattr.extattr)};
      break;
    case ES_EVENT_TYPE_NOTIFY_GETEXTATTR:
      o.event.getextattr = {File(*m, e.getextattr.target), Tok(*m, e.getextattr.extattr)};
      break;
    case ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR:
      o.event.deleteextattr = {File(*m, e.deleteextattr.target), Tok(*m, e.deleteextattr.extattr)};
      break;
    case ES_EVENT_TYPE_NOTIFY_MOUNT:
      o.event.mount.statfs = Statfs(*m, e.mount.statfs);
#if NJ_SDK_15
      if (v >= 8) o.event.mount.disposition = (es_mount_disposition_t)e.mount.disposition;
#endif
      break;
    case ES_EVENT_TYPE_NOTIFY_UNMOUNT:
      o.event.unmount.statfs = Statfs(*m, e.unmount.statfs);
      break;
#if NJ_SDK_11
    case ES_EVENT_TYPE_NOTIFY_REMOUNT:
      o.event.remount.statfs = Statfs(*m, e.remount.statfs);
#if NJ_SDK_15
      if (v >= 8) {
        o.event.remount.remount_flags = e.remount.remount_flags;
        o.event.remount.disposition = (es_mount_disposition_t)e.remount.disposition;
      }
#endif
      break;
    // get_task_*'s `type` is a v5 member, declared from the 12.0 SDK.
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME:
      o.event.get_task_name.target = Proc(*m, e.get_task_name.target, v);
#if NJ_SDK_12
      if (v >= 5) o.event.get_task_name.type = (es_get_task_type_t)e.get_task_name.type;
#endif
      break;
    case ES_EVENT_TYPE_NOTIFY_TRACE:
      o.event.trace.target = Proc(*m, e.trace.target, v);
      break;
    case ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME:
      o.event.proc_suspend_resume = {Proc(*m, e.proc_suspend_resume.target, v), (es_proc_suspend_resume_type_t)e.proc_suspend_resume.type};
      break;
#endif
#if NJ_SDK_11_3
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_READ:
      o.event.get_task_read.target = Proc(*m, e.get_task_read.target, v);
#if NJ_SDK_12
      if (v >= 5) o.event.get_task_read.type = (es_get_task_type_t)e.get_task_read.type;
#endif
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT:
      o.event.get_task_inspect.target = Proc(*m, e.get_task_inspect.target, v);
#if NJ_SDK_12
      if (v >= 5) o.event.get_task_inspect.type = (es_get_task_type_t)e.get_task_inspect.type;
#endif
      break;
#endif
#if NJ_SDK_12
    case ES_EVENT_TYPE_NOTIFY_SETUID: o.event.setuid.uid = (uint32_t)e.setuid.uid; break;
    case ES_EVENT_TYPE_NOTIFY_SETGID: o.event.setgid.gid = (uint32_t)e.setgid.gid; break;
    case ES_EVENT_TYPE_NOTIFY_SETEUID: o.event.seteuid.euid = (uint32_t)e.seteuid.euid; break;
    case ES_EVENT_TYPE_NOTIFY_SETEGID: o.event.setegid.egid = (uint32_t)e.setegid.egid; break;
    case ES_EVENT_TYPE_NOTIFY_SETREUID: o.event.setreuid = {(uint32_t)e.setreuid.ruid, (uint32_t)e.setreuid.euid}; break;
    case ES_EVENT_TYPE_NOTIFY_SETREGID: o.event.setregid = {(uint32_t)e.setregid.rgid, (uint32_t)e.setregid.egid}; break;
#endif
#if NJ_SDK_14
    case ES_EVENT_TYPE_NOTIFY_SUDO: {
      const ::es_event_sudo_t* x = e.sudo;
      if (x == nullptr) break;
      es_event_sudo_t* y = m->New<es_event_sudo_t>();
      y->success = x->success;
      if (x->reject_info != nullptr) {
        y->reject_info = m->New<es_sudo_reject_info_t>();
        *y->reject_info = {Tok(*m, x->reject_info->plugin_name), (uint32_t)x->reject_info->plugin_type,
                           Tok(*m, x->reject_info->failure_message)};
      }
      y->has_from_uid = x->has_from_uid;
      if (x->has_from_uid) y->from_uid = x->from_uid.uid;  // the union is only meaningful when has_*
      y->from_username = Tok(*m, x->from_username);
      y->has_to_uid = x->has_to_uid;
      if (x->has_to_uid) y->to_uid = x->to_uid.uid;
      y->to_username = Tok(*m, x->to_username);
      y->command = Tok(*m, x->command);
      o.event.sudo = y;
      break;
    }
#endif
#if NJ_SDK_13
    case ES_EVENT_TYPE_NOTIFY_AUTHENTICATION: {
      const ::es_event_authentication_t* x = e.authentication;
      if (x == nullptr) break;
      auto* y = m->New<es_event_authentication_t>();
      y->success = x->success;
      y->type = (es_authentication_type_t)x->type;
      switch (x->type) {  // the union member named by `type`
        case ES_AUTHENTICATION_TYPE_OD:
          if (const auto* a = x->data.od) {
            auto* b = y->data.od = m->New<es_event_authentication_od_t>();
            b->instigator = Proc(*m, a->instigator, v);
            b->record_type = Tok(*m, a->record_type);
            b->record_name = Tok(*m, a->record_name);
            b->node_name = Tok(*m, a->node_name);
            b->db_path = Tok(*m, a->db_path);
#if NJ_SDK_15
            if (v >= 8) Token(b->instigator_token, a->instigator_token);
#endif
          }
          break;
        case ES_AUTHENTICATION_TYPE_TOUCHID:
          if (const auto* a = x->data.touchid) {
            auto* b = y->data.touchid = m->New<es_event_authentication_touchid_t>();
            b->instigator = Proc(*m, a->instigator, v);
            b->touchid_mode = (uint32_t)a->touchid_mode;
            b->has_uid = a->has_uid;
            if (a->has_uid) b->uid = a->uid.uid;
#if NJ_SDK_15
            if (v >= 8) Token(b->instigator_token, a->instigator_token);
#endif
          }
          break;
        case ES_AUTHENTICATION_TYPE_TOKEN:
          if (const auto* a = x->data.token) {
            auto* b = y->data.token = m->New<es_event_authentication_token_t>();
            b->instigator = Proc(*m, a->instigator, v);
            b->pubkey_hash = Tok(*m, a->pubkey_hash);
            b->token_id = Tok(*m, a->token_id);
            b->kerberos_principal = Tok(*m, a->kerberos_principal);
#if NJ_SDK_15
            if (v >= 8) Token(b->instigator_token, a->instigator_token);
#endif
          }
          break;
        case ES_AUTHENTICATION_TYPE_AUTO_UNLOCK:
          if (const auto* a = x->data.auto_unlock) {
            auto* b = y->data.auto_unlock = m->New<es_event_authentication_auto_unlock_t>();
            b->username = Tok(*m, a->username);
            b->type = (uint32_t)a->type;
          }
          break;
        default:
          break;
      }
      o.event.authentication = y;
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED:
      if (const auto* x = e.xp_malware_detected) {
        auto* y = o.event.xp_malware_detected = m->New<es_event_xp_malware_detected_t>();
        *y = {Tok(*m, x->signature_version), Tok(*m, x->malware_identifier), Tok(*m, x->incident_identifier), Tok(*m, x->detected_path),
              {0, nullptr}};
        if (v >= 10) DetectedExecutable(*m, *x, *y);
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED:
      if (const auto* x = e.xp_malware_remediated) {
        auto* y = o.event.xp_malware_remediated = m->New<es_event_xp_malware_remediated_t>();
        *y = {Tok(*m, x->signature_version), Tok(*m, x->malware_identifier), Tok(*m, x->incident_identifier),
              Tok(*m, x->action_type), x->success, Tok(*m, x->result_description), Tok(*m, x->remediated_path),
              TokenPtr(*m, x->remediated_process_audit_token)};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN:
      if (const auto* x = e.lw_session_login) o.event.lw_session_login = m->New<es_event_lw_session_login_t>(), *o.event.lw_session_login = {Tok(*m, x->username), x->graphical_session_id};
      break;
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT:
      if (const auto* x = e.lw_session_logout) o.event.lw_session_logout = m->New<es_event_lw_session_logout_t>(), *o.event.lw_session_logout = {Tok(*m, x->username), x->graphical_session_id};
      break;
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK:
      if (const auto* x = e.lw_session_lock) o.event.lw_session_lock = m->New<es_event_lw_session_lock_t>(), *o.event.lw_session_lock = {Tok(*m, x->username), x->graphical_session_id};
      break;
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK:
      if (const auto* x = e.lw_session_unlock) o.event.lw_session_unlock = m->New<es_event_lw_session_unlock_t>(), *o.event.lw_session_unlock = {Tok(*m, x->username), x->graphical_session_id};
      break;
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH:
      if (const auto* x = e.screensharing_attach) {
        auto* y = o.event.screensharing_attach = m->New<es_event_screensharing_attach_t>();
        *y = {x->success, (uint32_t)x->source_address_type, Tok(*m, x->source_address), Tok(*m, x->viewer_appleid),
              Tok(*m, x->authentication_type), Tok(*m, x->authentication_username), Tok(*m, x->session_username),
              x->existing_session, x->graphical_session_id};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH:
      if (const auto* x = e.screensharing_detach) {
        auto* y = o.event.screensharing_detach = m->New<es_event_screensharing_detach_t>();
        *y = {(uint32_t)x->source_address_type, Tok(*m, x->source_address), Tok(*m, x->viewer_appleid), x->graphical_session_id};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN:
      if (const auto* x = e.openssh_login) {
        auto* y = o.event.openssh_login = m->New<es_event_openssh_login_t>();
        *y = {x->success, (uint32_t)x->result_type, (uint32_t)x->source_address_type, Tok(*m, x->source_address),
              Tok(*m, x->username), x->has_uid, x->has_uid ? (uint32_t)x->uid.uid : 0};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT:
      if (const auto* x = e.openssh_logout) {
        auto* y = o.event.openssh_logout = m->New<es_event_openssh_logout_t>();
        *y = {(uint32_t)x->source_address_type, Tok(*m, x->source_address), Tok(*m, x->username), (uint32_t)x->uid};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN:
      if (const auto* x = e.login_login) {
        auto* y = o.event.login_login = m->New<es_event_login_login_t>();
        *y = {x->success, Tok(*m, x->failure_message), Tok(*m, x->username), x->has_uid, x->has_uid ? (uint32_t)x->uid.uid : 0};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT:
      if (const auto* x = e.login_logout) {
        auto* y = o.event.login_logout = m->New<es_event_login_logout_t>();
        *y = {Tok(*m, x->username), (uint32_t)x->uid};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD:
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE: {
      auto item = [&](const ::es_btm_launch_item_t* it) -> es_btm_launch_item_t* {
        if (it == nullptr) return nullptr;
        auto* b = m->New<es_btm_launch_item_t>();
        *b = {(uint32_t)it->item_type, it->legacy, it->managed, (uint32_t)it->uid, Tok(*m, it->item_url), Tok(*m, it->app_url)};
        return b;
      };
      if (a->event_type == ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD) {
        const auto* x = e.btm_launch_item_add;
        if (x == nullptr) break;
        auto* y = o.event.btm_launch_item_add = m->New<es_event_btm_launch_item_add_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->app = Proc(*m, x->app, v);
        y->item = item(x->item);
        y->executable_path = Tok(*m, x->executable_path);
#if NJ_SDK_15
        if (v >= 8) y->instigator_token = TokenPtr(*m, x->instigator_token), y->app_token = TokenPtr(*m, x->app_token);
#endif
      } else {
        const auto* x = e.btm_launch_item_remove;
        if (x == nullptr) break;
        auto* y = o.event.btm_launch_item_remove = m->New<es_event_btm_launch_item_remove_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->app = Proc(*m, x->app, v);
        y->item = item(x->item);
#if NJ_SDK_15
        if (v >= 8) y->instigator_token = TokenPtr(*m, x->instigator_token), y->app_token = TokenPtr(*m, x->app_token);
#endif
      }
      break;
    }
#endif  // NJ_SDK_13
#if NJ_SDK_14
    case ES_EVENT_TYPE_NOTIFY_SU:
      if (const auto* x = e.su) {
        auto* y = o.event.su = m->New<es_event_su_t>();
        y->success = x->success;
        y->failure_message = Tok(*m, x->failure_message);
        y->from_uid = (uint32_t)x->from_uid;
        y->from_username = Tok(*m, x->from_username);
        y->has_to_uid = x->has_to_uid;
        if (x->has_to_uid) y->to_uid = (uint32_t)x->to_uid.uid;
        y->to_username = Tok(*m, x->to_username);
        y->shell = Tok(*m, x->shell);
        y->argc = x->argc;
        y->argv = Tokens(*m, x->argv, x->argc);
        y->env_count = x->env_count;
        y->env = Tokens(*m, x->env, x->env_count);
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD:
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE: {
      const bool add = a->event_type == ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD;
      // Apple's add and remove are distinct types of one layout; read each through its own member.
      auto member = [&](const ::es_od_member_id_t* mem) -> es_od_member_id_t* {
        if (mem == nullptr) return nullptr;
        auto* b = m->New<es_od_member_id_t>();
        b->member_type = (es_od_member_type_t)mem->member_type;
        if (mem->member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
          b->member_value.name = Tok(*m, mem->member_value.name);
        } else {
          memcpy(b->member_value.uuid, mem->member_value.uuid, 16);
        }
        return b;
      };
      if (add && e.od_group_add) {
        auto* y = OdCommon<::es_event_od_group_add_t, es_event_od_group_add_t>(*m, e.od_group_add, v);
        y->group_name = Tok(*m, e.od_group_add->group_name);
        y->member = member(e.od_group_add->member);
        o.event.od_group_add = y;
      } else if (!add && e.od_group_remove) {
        auto* y = OdCommon<::es_event_od_group_remove_t, es_event_od_group_remove_t>(*m, e.od_group_remove, v);
        y->group_name = Tok(*m, e.od_group_remove->group_name);
        y->member = member(e.od_group_remove->member);
        o.event.od_group_remove = y;
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET:
      if (const auto* x = e.od_group_set) {
        auto* y = OdCommon<::es_event_od_group_set_t, es_event_od_group_set_t>(*m, x, v);
        y->group_name = Tok(*m, x->group_name);
        if (const auto* ms = x->members) {
          auto* b = y->members = m->New<es_od_member_id_array_t>();
          b->member_type = (es_od_member_type_t)ms->member_type;
          b->member_count = ms->member_count;
          if (ms->member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
            b->member_array.names = Tokens(*m, ms->member_array.names, ms->member_count);
          } else if (ms->member_array.uuids != nullptr) {
            m->bytes.emplace_back((const uint8_t*)ms->member_array.uuids, (const uint8_t*)ms->member_array.uuids + 16 * ms->member_count);
            b->member_array.uuids = (const uint8_t(*)[16])m->bytes.back().data();
          }
        }
        o.event.od_group_set = y;
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD:
      if (const auto* x = e.od_modify_password) {
        auto* y = OdCommon<::es_event_od_modify_password_t, es_event_od_modify_password_t>(*m, x, v);
        y->account_type = (uint32_t)x->account_type;
        y->account_name = Tok(*m, x->account_name);
        o.event.od_modify_password = y;
      }
      break;
#define NJ_OD_USER(TYPE, member)                                                     \
    case TYPE:                                                                       \
      if (const auto* x = e.member) {                                                \
        auto* y = OdCommon<::es_event_##member##_t, es_event_##member##_t>(*m, x, v); \
        y->user_name = Tok(*m, x->user_name);                                        \
        o.event.member = y;                                                          \
      }                                                                              \
      break;
    NJ_OD_USER(ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER, od_create_user)
    NJ_OD_USER(ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER, od_disable_user)
    NJ_OD_USER(ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER, od_enable_user)
    NJ_OD_USER(ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER, od_delete_user)
#undef NJ_OD_USER
#define NJ_OD_GROUP(TYPE, member)                                                    \
    case TYPE:                                                                       \
      if (const auto* x = e.member) {                                                \
        auto* y = OdCommon<::es_event_##member##_t, es_event_##member##_t>(*m, x, v); \
        y->group_name = Tok(*m, x->group_name);                                      \
        o.event.member = y;                                                          \
      }                                                                              \
      break;
    NJ_OD_GROUP(ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP, od_create_group)
    NJ_OD_GROUP(ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP, od_delete_group)
#undef NJ_OD_GROUP
#define NJ_OD_ATTR(TYPE, member)                                                     \
    case TYPE:                                                                       \
      if (const auto* x = e.member) {                                                \
        auto* y = OdCommon<::es_event_##member##_t, es_event_##member##_t>(*m, x, v); \
        y->record_type = (uint32_t)x->record_type;                                   \
        y->record_name = Tok(*m, x->record_name);                                    \
        y->attribute_name = Tok(*m, x->attribute_name);                              \
        y->attribute_value = Tok(*m, x->attribute_value);                            \
        o.event.member = y;                                                          \
      }                                                                              \
      break;
    NJ_OD_ATTR(ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD, od_attribute_value_add)
    NJ_OD_ATTR(ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE, od_attribute_value_remove)
#undef NJ_OD_ATTR
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET:
      if (const auto* x = e.od_attribute_set) {
        auto* y = OdCommon<::es_event_od_attribute_set_t, es_event_od_attribute_set_t>(*m, x, v);
        y->record_type = (uint32_t)x->record_type;
        y->record_name = Tok(*m, x->record_name);
        y->attribute_name = Tok(*m, x->attribute_name);
        y->attribute_value_count = x->attribute_value_count;
        y->attribute_values = Tokens(*m, OdAttributeValues(x), x->attribute_value_count);
        o.event.od_attribute_set = y;
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_XPC_CONNECT:
      if (const auto* x = e.xpc_connect) {
        auto* y = o.event.xpc_connect = m->New<es_event_xpc_connect_t>();
        *y = {Tok(*m, x->service_name), (uint32_t)x->service_domain_type};
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_PROFILE_ADD:
    case ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE: {
      auto profile = [&](const ::es_profile_t* p) -> es_profile_t* {
        if (p == nullptr) return nullptr;
        auto* b = m->New<es_profile_t>();
        *b = {Tok(*m, p->identifier), Tok(*m, p->uuid), (uint32_t)p->install_source, Tok(*m, p->organization),
              Tok(*m, p->display_name), Tok(*m, p->scope)};
        return b;
      };
      if (a->event_type == ES_EVENT_TYPE_NOTIFY_PROFILE_ADD) {
        const auto* x = e.profile_add;
        if (x == nullptr) break;
        auto* y = o.event.profile_add = m->New<es_event_profile_add_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->is_update = x->is_update;
        y->profile = profile(x->profile);
#if NJ_SDK_15
        if (v >= 8) Token(y->instigator_token, x->instigator_token);
#endif
      } else {
        const auto* x = e.profile_remove;
        if (x == nullptr) break;
        auto* y = o.event.profile_remove = m->New<es_event_profile_remove_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->profile = profile(x->profile);
#if NJ_SDK_15
        if (v >= 8) Token(y->instigator_token, x->instigator_token);
#endif
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION:
      if (const auto* x = e.authorization_petition) {
        auto* y = o.event.authorization_petition = m->New<es_event_authorization_petition_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->petitioner = Proc(*m, x->petitioner, v);
        y->flags = x->flags;
        y->right_count = x->right_count;
        y->rights = Tokens(*m, x->rights, x->right_count);
#if NJ_SDK_15
        if (v >= 8) Token(y->instigator_token, x->instigator_token), Token(y->petitioner_token, x->petitioner_token);
#endif
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT:
      if (const auto* x = e.authorization_judgement) {
        auto* y = o.event.authorization_judgement = m->New<es_event_authorization_judgement_t>();
        y->instigator = Proc(*m, x->instigator, v);
        y->petitioner = Proc(*m, x->petitioner, v);
        y->return_code = x->return_code;
        y->result_count = x->result_count;
        if (x->results != nullptr && x->result_count > 0) {
          auto* rs = m->New<std::vector<es_authorization_result_t>>();
          for (size_t i = 0; i < x->result_count; i++)
            rs->push_back({Tok(*m, x->results[i].right_name), (uint32_t)x->results[i].rule_class, x->results[i].granted});
          y->results = rs->data();
        }
#if NJ_SDK_15
        if (v >= 8) Token(y->instigator_token, x->instigator_token), Token(y->petitioner_token, x->petitioner_token);
#endif
      }
      break;
#endif  // NJ_SDK_14
#if NJ_SDK_15
    case ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE:
      if (const auto* x = e.gatekeeper_user_override) {
        auto* y = o.event.gatekeeper_user_override = m->New<es_event_gatekeeper_user_override_t>();
        y->file_type = (es_gatekeeper_user_override_file_type_t)x->file_type;
        // Only the union member file_type names is read.
        if (x->file_type == ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH) {
          y->file.file_path = Tok(*m, x->file.file_path);
        } else if (x->file_type == ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_FILE) {
          y->file.file = File(*m, x->file.file);
        }
        if (x->sha256 != nullptr) {
          m->bytes.emplace_back(*x->sha256, *x->sha256 + 32);
          y->sha256 = m->bytes.back().data();
        }
        if (const auto* si = x->signing_info) {
          auto* b = y->signing_info = m->New<es_signed_file_info_t>();
          memcpy(b->cdhash, si->cdhash, sizeof b->cdhash);
          b->signing_id = Tok(*m, si->signing_id);
          b->team_id = Tok(*m, si->team_id);
        }
      }
      break;
#endif
#if NJ_SDK_15_4
    case ES_EVENT_TYPE_NOTIFY_TCC_MODIFY:
      if (const auto* x = e.tcc_modify) {
        auto* y = o.event.tcc_modify = m->New<es_event_tcc_modify_t>();
        y->service = Tok(*m, x->service);
        y->identity = Tok(*m, x->identity);
        y->identity_type = (uint32_t)x->identity_type;
        y->update_type = (uint32_t)x->update_type;
        Token(y->instigator_token, x->instigator_token);
        y->instigator = Proc(*m, x->instigator, v);
        y->responsible_token = TokenPtr(*m, x->responsible_token);
        y->responsible = Proc(*m, x->responsible, v);
        y->right = (uint32_t)x->right;
        y->reason = (uint32_t)x->reason;
      }
      break;
#endif
    default:
      break;
  }
  return m;
}

class AppleEsApi : public EsApi {
 public:
  NewClientResult NewClient(EsClientId* out, EsHandler handler) override {
    EsClientId id;
    {
      std::lock_guard<std::mutex> lk(mu_);
      id = next_++;
    }
    es_client_t* c = nullptr;
    EsHandler h = std::move(handler);
    es_new_client_result_t r = es_new_client(&c, ^(es_client_t*, const ::es_message_t* msg) {
      if (msg->action_type != ES_ACTION_TYPE_NOTIFY) return;  // NOTIFY only for now (AUTH: DESIGN.md)
      OwnedMessage* m = ToMirror(msg);
      {
        std::lock_guard<std::mutex> lk(mu_);
        refs_[&m->msg] = {m, 1};
      }
      h(id, &m->msg);
      ReleaseMessage(&m->msg);  // the handler's own reference
    });
    switch (r) {
      case ES_NEW_CLIENT_RESULT_SUCCESS: break;
      case ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED: return NewClientResult::kErrNotEntitled;
      case ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED: return NewClientResult::kErrNotPermitted;
      case ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED: return NewClientResult::kErrNotPrivileged;
      case ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS: return NewClientResult::kErrTooManyClients;
      case ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT: return NewClientResult::kErrInvalidArgument;
      default: return NewClientResult::kErrInternal;
    }
    std::lock_guard<std::mutex> lk(mu_);
    clients_[id] = c;
    *out = id;
    return NewClientResult::kSuccess;
  }
  bool Subscribe(EsClientId id, const std::vector<uint32_t>& events) override {
    std::vector<es_event_type_t> ev;
    for (uint32_t e : events) ev.push_back((es_event_type_t)e);
    return es_subscribe(Get(id), ev.data(), (uint32_t)ev.size()) == ES_RETURN_SUCCESS;
  }
  bool MuteProcess(EsClientId id, const audit_token_t& t) override {
    ::audit_token_t a;
    for (int i = 0; i < 8; i++) a.val[i] = t.val[i];
    return es_mute_process(Get(id), &a) == ES_RETURN_SUCCESS;
  }
  bool MutePath(EsClientId id, const std::string& path, MutePathType type) override {
    es_mute_path_type_t t = type == MutePathType::kPrefix ? ES_MUTE_PATH_TYPE_PREFIX
                            : type == MutePathType::kLiteral ? ES_MUTE_PATH_TYPE_LITERAL
                            : type == MutePathType::kTargetPrefix ? ES_MUTE_PATH_TYPE_TARGET_PREFIX
                                                                  : ES_MUTE_PATH_TYPE_TARGET_LITERAL;
    return es_mute_path(Get(id), path.c_str(), t) == ES_RETURN_SUCCESS;
  }
  bool MutePathEvents(EsClientId id, const std::string& path, MutePathType type,
                      const std::vector<uint32_t>& events) override {
    es_mute_path_type_t t = type == MutePathType::kPrefix ? ES_MUTE_PATH_TYPE_PREFIX
                            : type == MutePathType::kLiteral ? ES_MUTE_PATH_TYPE_LITERAL
                            : type == MutePathType::kTargetPrefix ? ES_MUTE_PATH_TYPE_TARGET_PREFIX
                                                                  : ES_MUTE_PATH_TYPE_TARGET_LITERAL;
    std::vector<es_event_type_t> ev;
    for (uint32_t e : events) ev.push_back((es_event_type_t)e);
    return es_mute_path_events(Get(id), path.c_str(), t, ev.data(), ev.size()) == ES_RETURN_SUCCESS;
  }
  bool UnmuteAllPaths(EsClientId id) override { return es_unmute_all_paths(Get(id)) == ES_RETURN_SUCCESS; }
  bool UnmuteAllTargetPaths(EsClientId id) override { return es_unmute_all_target_paths(Get(id)) == ES_RETURN_SUCCESS; }
  bool InvertMuting(EsClientId id, MuteInversionType type) override {
    es_mute_inversion_type_t t = type == MuteInversionType::kProcess ? ES_MUTE_INVERSION_TYPE_PROCESS
                                 : type == MuteInversionType::kPath ? ES_MUTE_INVERSION_TYPE_PATH
                                                                    : ES_MUTE_INVERSION_TYPE_TARGET_PATH;
    return es_invert_muting(Get(id), t) == ES_RETURN_SUCCESS;
  }
  void RetainMessage(const es_message_t* m) override {
    std::lock_guard<std::mutex> lk(mu_);
    refs_.at(m).second++;
  }
  void ReleaseMessage(const es_message_t* m) override {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = refs_.find(m);
    if (it == refs_.end()) return;
    if (--it->second.second == 0) {
      delete it->second.first;
      refs_.erase(it);
    }
  }
  void DeleteClient(EsClientId id) override {
    es_client_t* c;
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = clients_.find(id);
      if (it == clients_.end()) return;
      c = it->second;
      clients_.erase(it);
    }
    es_unsubscribe_all(c);
    es_delete_client(c);
  }
  bool SelfToken(audit_token_t* out) override {
    ::audit_token_t t{};
    mach_msg_type_number_t n = TASK_AUDIT_TOKEN_COUNT;
    if (task_info(mach_task_self(), TASK_AUDIT_TOKEN, (task_info_t)&t, &n) != KERN_SUCCESS || n < TASK_AUDIT_TOKEN_COUNT)
      return false;
    for (int i = 0; i < 8; i++) out->val[i] = t.val[i];
    return true;
  }
  bool ProcessToken(int pid, audit_token_t* out) override {
    mach_port_name_t name = MACH_PORT_NULL;
    if (task_name_for_pid(mach_task_self(), pid, &name) != KERN_SUCCESS) return false;
    ::audit_token_t t{};
    mach_msg_type_number_t n = TASK_AUDIT_TOKEN_COUNT;
    kern_return_t kr = task_info(name, TASK_AUDIT_TOKEN, (task_info_t)&t, &n);
    mach_port_deallocate(mach_task_self(), name);
    // A token of another pid would be another process (the pid was reused meanwhile).
    if (kr != KERN_SUCCESS || n < TASK_AUDIT_TOKEN_COUNT || (int)t.val[5] != pid) return false;
    for (int i = 0; i < 8; i++) out->val[i] = t.val[i];
    return true;
  }
  std::string OsVersion() override {
    char buf[64] = {0};
    size_t len = sizeof buf - 1;
    if (sysctlbyname("kern.osproductversion", buf, &len, nullptr, 0) != 0) return "";
    return std::string(buf, strnlen(buf, sizeof buf - 1));
  }

 private:
  es_client_t* Get(EsClientId id) {
    std::lock_guard<std::mutex> lk(mu_);
    return clients_.at(id);
  }
  std::mutex mu_;
  std::map<EsClientId, es_client_t*> clients_;
  std::map<const es_message_t*, std::pair<OwnedMessage*, int>> refs_;
  EsClientId next_ = 1;
};

}  // namespace

EsApi* NewAppleEsApi() { return new AppleEsApi(); }

}  // namespace njes
