// One file on purpose (~980 lines): one renderer per ES event type, each gated on the message version; they share the field helpers.
#include "translate.h"

#include <cstdio>
#include <ctime>

namespace njes {
namespace {

Napi::Value Str(Napi::Env env, const es_string_token_t& t) {
  if (t.data == nullptr) return env.Null();
  return Napi::String::New(env, t.data, t.length);
}

// RFC 3339 UTC; eslogger prints nanoseconds for message times, microseconds for start_time.
std::string IsoTime(int64_t sec, int64_t frac, int digits) {
  // The civil date from the day count (H. Hinnant's days_from_civil inverse): gmtime_r takes glibc's
  // time-zone lock on every call, up to ten times per event on the JSON wire's thread.
  const int64_t days = (sec >= 0 ? sec : sec - 86399) / 86400;
  const int64_t secs = sec - days * 86400;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t mday = doy - (153 * mp + 2) / 5 + 1;
  const int64_t mon = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year64 = yoe + era * 400 + (mon <= 2);
  struct {
    int tm_mon, tm_mday, tm_hour, tm_min, tm_sec;
  } tm = {(int)mon - 1, (int)mday, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)};
  const bool ok = year64 >= -999999 && year64 <= 999999;
  const int year = ok ? (int)year64 : 0;
  int64_t lim = 1;
  for (int i = 0; i < digits && i < 18; i++) lim *= 10;
  if (ok && year >= 0 && year <= 9999 && digits >= 1 && digits <= 18 && frac >= 0 && frac < lim) {
    // Written digit by digit: up to ten times per event (message, process, file stats), and
    // snprintf was a tenth of the JSON wire's backend thread. Same text as the general path below.
    char buf[48];
    char* p = buf;
    auto two = [&p](int v) {
      *p++ = (char)('0' + v / 10 % 10);
      *p++ = (char)('0' + v % 10);
    };
    two(year / 100);
    two(year % 100);
    *p++ = '-';
    two(tm.tm_mon + 1);
    *p++ = '-';
    two(tm.tm_mday);
    *p++ = 'T';
    two(tm.tm_hour);
    *p++ = ':';
    two(tm.tm_min);
    *p++ = ':';
    two(tm.tm_sec);
    *p++ = '.';
    for (int i = digits - 1; i >= 0; i--) {
      p[i] = (char)('0' + frac % 10);
      frac /= 10;
    }
    p += digits;
    *p++ = 'Z';
    return std::string(buf, (size_t)(p - buf));
  }
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%0*lldZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, digits, (long long)frac);
  return buf;
}

Napi::Value Token(Napi::Env env, const audit_token_t& t, uint32_t version) {
  // ≤ v9: an object; v10 (macOS 26): an 8-element array in val[] order (esf.md §3).
  if (version >= 10) {
    Napi::Array a = Napi::Array::New(env, 8);
    for (uint32_t i = 0; i < 8; i++) a.Set(i, Napi::Number::New(env, t.val[i]));
    return a;
  }
  static const char* const kNames[8] = {"auid", "euid", "egid", "ruid", "rgid", "pid", "asid", "pidversion"};
  Napi::Object o = Napi::Object::New(env);
  for (int i = 0; i < 8; i++) o.Set(kNames[i], Napi::Number::New(env, t.val[i]));
  return o;
}

Napi::Value File(Napi::Env env, const es_file_t* f) {
  if (f == nullptr) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", Str(env, f->path));
  o.Set("path_truncated", Napi::Boolean::New(env, f->path_truncated));
  if (!f->nj_no_stat) {
    const darwin_stat_t& s = f->stat;
    Napi::Object st = Napi::Object::New(env);
    st.Set("st_dev", Napi::Number::New(env, s.st_dev));
    st.Set("st_ino", Napi::Number::New(env, (double)s.st_ino));
    st.Set("st_mode", Napi::Number::New(env, s.st_mode));
    st.Set("st_nlink", Napi::Number::New(env, s.st_nlink));
    st.Set("st_uid", Napi::Number::New(env, s.st_uid));
    st.Set("st_gid", Napi::Number::New(env, s.st_gid));
    st.Set("st_rdev", Napi::Number::New(env, s.st_rdev));
    st.Set("st_size", Napi::Number::New(env, (double)s.st_size));
    st.Set("st_blocks", Napi::Number::New(env, (double)s.st_blocks));
    st.Set("st_blksize", Napi::Number::New(env, s.st_blksize));
    st.Set("st_flags", Napi::Number::New(env, s.st_flags));
    st.Set("st_gen", Napi::Number::New(env, s.st_gen));
    st.Set("st_atimespec", Napi::String::New(env, IsoTime(s.st_atimespec.tv_sec, s.st_atimespec.tv_nsec, 9)));
    st.Set("st_mtimespec", Napi::String::New(env, IsoTime(s.st_mtimespec.tv_sec, s.st_mtimespec.tv_nsec, 9)));
    st.Set("st_ctimespec", Napi::String::New(env, IsoTime(s.st_ctimespec.tv_sec, s.st_ctimespec.tv_nsec, 9)));
    st.Set("st_birthtimespec", Napi::String::New(env, IsoTime(s.st_birthtimespec.tv_sec, s.st_birthtimespec.tv_nsec, 9)));
    o.Set("stat", st);
  }
  return o;
}

Napi::Value Strings(Napi::Env env, uint32_t n, es_string_token_t (*at)(const es_event_exec_t*, uint32_t), const es_event_exec_t* e) {
  Napi::Array a = Napi::Array::New(env, n);
  for (uint32_t i = 0; i < n; i++) a.Set(i, Str(env, at(e, i)));
  return a;
}

#ifdef NJ_PROCESS_TEXT_MEMO
// The JSON unit (translate_json.cc) defines it: the text of a process seen again is reused.
Napi::Value Proc(Napi::Env env, const es_process_t* p, uint32_t v);
#else
Napi::Value Proc(Napi::Env env, const es_process_t* p, uint32_t v) {
  if (p == nullptr) return env.Null();
  return TranslateProcess(env, p, v);
}
#endif

// A nullable audit_token_t* (btm/tcc/xp tokens): null or the version's token shape.
Napi::Value TokenPtr(Napi::Env env, const audit_token_t* t, uint32_t v) {
  if (t == nullptr) return env.Null();
  return Token(env, *t, v);
}

Napi::Value StrArray(Napi::Env env, const es_string_token_t* a, size_t n) {
  if (a == nullptr) n = 0;
  Napi::Array out = Napi::Array::New(env, n);
  for (size_t i = 0; i < n; i++) out.Set((uint32_t)i, Str(env, a[i]));
  return out;
}

// Bytes as upper-case hex (as eslogger prints a process's cdhash).
Napi::Value Hex(Napi::Env env, const uint8_t* b, size_t n) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < n; i++) {
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 15];
  }
  return Napi::String::New(env, s);
}

// A fixed char array holding a NUL-terminated name (never read past its size).
Napi::Value CStr(Napi::Env env, const char* a, size_t cap) {
  size_t n = 0;
  while (n < cap && a[n] != 0) n++;
  return Napi::String::New(env, a, n);
}

Napi::Value Statfs(Napi::Env env, const darwin_statfs_t* s) {
  if (s == nullptr) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("f_bsize", Napi::Number::New(env, s->f_bsize));
  o.Set("f_iosize", Napi::Number::New(env, s->f_iosize));
  o.Set("f_blocks", Napi::Number::New(env, (double)s->f_blocks));
  o.Set("f_bfree", Napi::Number::New(env, (double)s->f_bfree));
  o.Set("f_bavail", Napi::Number::New(env, (double)s->f_bavail));
  o.Set("f_files", Napi::Number::New(env, (double)s->f_files));
  o.Set("f_ffree", Napi::Number::New(env, (double)s->f_ffree));
  Napi::Array fsid = Napi::Array::New(env, 2);
  fsid.Set((uint32_t)0, Napi::Number::New(env, s->f_fsid[0]));
  fsid.Set((uint32_t)1, Napi::Number::New(env, s->f_fsid[1]));
  o.Set("f_fsid", fsid);
  o.Set("f_owner", Napi::Number::New(env, s->f_owner));
  o.Set("f_type", Napi::Number::New(env, s->f_type));
  o.Set("f_flags", Napi::Number::New(env, s->f_flags));
  o.Set("f_fssubtype", Napi::Number::New(env, s->f_fssubtype));
  o.Set("f_fstypename", CStr(env, s->f_fstypename, sizeof s->f_fstypename));
  o.Set("f_mntonname", CStr(env, s->f_mntonname, sizeof s->f_mntonname));
  o.Set("f_mntfromname", CStr(env, s->f_mntfromname, sizeof s->f_mntfromname));
  o.Set("f_flags_ext", Napi::Number::New(env, s->f_flags_ext));
  return o;
}

Napi::Value Profile(Napi::Env env, const es_profile_t* p) {
  if (p == nullptr) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("identifier", Str(env, p->identifier));
  o.Set("uuid", Str(env, p->uuid));
  o.Set("install_source", Napi::Number::New(env, p->install_source));
  o.Set("organization", Str(env, p->organization));
  o.Set("display_name", Str(env, p->display_name));
  o.Set("scope", Str(env, p->scope));
  return o;
}

// uuid_t as the canonical upper-case string (8-4-4-4-12).
Napi::Value Uuid(Napi::Env env, const uint8_t* u) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[u[i] >> 4];
    s += kHex[u[i] & 15];
  }
  return Napi::String::New(env, s);
}

Napi::Object OdMember(Napi::Env env, const es_od_member_id_t* m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("member_type", Napi::Number::New(env, m->member_type));
  Napi::Object val = Napi::Object::New(env);
  if (m->member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
    val.Set("name", Str(env, m->member_value.name));
  } else {
    val.Set("uuid", Uuid(env, m->member_value.uuid));
  }
  o.Set("member_value", val);
  return o;
}

// The od_* events: instigator and error_code first, node_name / db_path / instigator_token (v8) last.
template <class E, class F>
Napi::Value Od(Napi::Env env, const E* e, uint32_t v, F middle) {
  Napi::Object o = Napi::Object::New(env);
  if (e == nullptr) return o;
  o.Set("instigator", Proc(env, e->instigator, v));
  o.Set("error_code", Napi::Number::New(env, e->error_code));
  middle(o, *e);
  o.Set("node_name", Str(env, e->node_name));
  o.Set("db_path", Str(env, e->db_path));
  if (v >= 8) o.Set("instigator_token", Token(env, e->instigator_token, v));
  return o;
}

Napi::Object Exec(Napi::Env env, const es_event_exec_t& e, uint32_t v) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("target", Proc(env, e.target, v));
  o.Set("args", Strings(env, nj_exec_arg_count(&e), nj_exec_arg, &e));
  if (nj_exec_has_env(&e)) o.Set("env", Strings(env, nj_exec_env_count(&e), nj_exec_env, &e));
  if (v >= 2) o.Set("script", File(env, e.script));
  if (v >= 3) o.Set("cwd", File(env, e.cwd));
  if (v >= 4) {
    o.Set("last_fd", Napi::Number::New(env, e.last_fd));
    if (nj_exec_has_fds(&e)) {
      uint32_t n = nj_exec_fd_count(&e);
      Napi::Array fds = Napi::Array::New(env, n);
      for (uint32_t i = 0; i < n; i++) {
        es_fd_t fd = nj_exec_fd(&e, i);
        Napi::Object f = Napi::Object::New(env);
        f.Set("fd", Napi::Number::New(env, fd.fd));
        f.Set("fdtype", Napi::Number::New(env, fd.fdtype));
        fds.Set(i, f);
      }
      o.Set("fds", fds);
    }
  }
  if (v >= 6) {
    o.Set("image_cputype", Napi::Number::New(env, e.image_cputype));
    o.Set("image_cpusubtype", Napi::Number::New(env, e.image_cpusubtype));
  }
  if (v >= 7) o.Set("dyld_exec_path", Str(env, e.dyld_exec_path));
  return o;
}

Napi::Value UserSpacePayload(Napi::Env env, const es_message_t* m);

Napi::Value Payload(Napi::Env env, const es_message_t* m) {
  const uint32_t v = m->version;
  const es_events_t& ev = m->event;
  Napi::Object o = Napi::Object::New(env);
  switch (m->event_type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC:
      return Exec(env, ev.exec, v);
    case ES_EVENT_TYPE_NOTIFY_OPEN:
      if (!ev.open.nj_no_fflag) o.Set("fflag", Napi::Number::New(env, ev.open.fflag));
      o.Set("file", File(env, ev.open.file));
      break;
    case ES_EVENT_TYPE_NOTIFY_FORK:
      o.Set("child", Proc(env, ev.fork.child, v));
      break;
    case ES_EVENT_TYPE_NOTIFY_EXIT:
      o.Set("stat", Napi::Number::New(env, ev.exit.stat));
      break;
    case ES_EVENT_TYPE_NOTIFY_CLOSE:
      o.Set("modified", Napi::Boolean::New(env, ev.close.modified));
      o.Set("target", File(env, ev.close.target));
      if (v >= 6) o.Set("was_mapped_writable", Napi::Boolean::New(env, ev.close.was_mapped_writable));
      break;
    case ES_EVENT_TYPE_NOTIFY_CREATE: {
      const es_event_create_t& c = ev.create;
      o.Set("destination_type", Napi::Number::New(env, c.destination_type));
      Napi::Object d = Napi::Object::New(env);
      if (c.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
        d.Set("existing_file", File(env, c.destination.existing_file));
      } else {
        Napi::Object np = Napi::Object::New(env);
        np.Set("dir", File(env, c.destination.new_path.dir));
        np.Set("filename", Str(env, c.destination.new_path.filename));
        np.Set("mode", Napi::Number::New(env, c.destination.new_path.mode));
        d.Set("new_path", np);
      }
      o.Set("destination", d);
      // `acl` (v2) is an opaque acl_t; eslogger prints null when none, and so do we.
      if (v >= 2) o.Set("acl", env.Null());
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_RENAME: {
      const es_event_rename_t& r = ev.rename;
      o.Set("source", File(env, r.source));
      o.Set("destination_type", Napi::Number::New(env, r.destination_type));
      Napi::Object d = Napi::Object::New(env);
      if (r.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
        d.Set("existing_file", File(env, r.destination.existing_file));
      } else {
        Napi::Object np = Napi::Object::New(env);
        np.Set("dir", File(env, r.destination.new_path.dir));
        np.Set("filename", Str(env, r.destination.new_path.filename));
        d.Set("new_path", np);
      }
      o.Set("destination", d);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_UNLINK:
      o.Set("target", File(env, ev.unlink.target));
      o.Set("parent_dir", File(env, ev.unlink.parent_dir));
      break;
    case ES_EVENT_TYPE_NOTIFY_WRITE:
      o.Set("target", File(env, ev.write.target));
      break;
    case ES_EVENT_TYPE_NOTIFY_TRUNCATE:
      o.Set("target", File(env, ev.truncate.target));
      break;
    case ES_EVENT_TYPE_NOTIFY_SIGNAL:
      o.Set("sig", Napi::Number::New(env, ev.signal.sig));
      o.Set("target", Proc(env, ev.signal.target, v));
      if (v >= 9) o.Set("instigator", Proc(env, ev.signal.instigator, v));
      break;
    case ES_EVENT_TYPE_NOTIFY_MPROTECT:
      o.Set("protection", Napi::Number::New(env, ev.mprotect.protection));
      o.Set("address", Napi::Number::New(env, (double)ev.mprotect.address));
      o.Set("size", Napi::Number::New(env, (double)ev.mprotect.size));
      break;
    case ES_EVENT_TYPE_NOTIFY_MMAP:
      o.Set("protection", Napi::Number::New(env, ev.mmap.protection));
      o.Set("max_protection", Napi::Number::New(env, ev.mmap.max_protection));
      o.Set("flags", Napi::Number::New(env, ev.mmap.flags));
      o.Set("file_pos", Napi::Number::New(env, (double)ev.mmap.file_pos));
      o.Set("source", File(env, ev.mmap.source));
      break;
    case ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN:
      o.Set("user_client_type", Napi::Number::New(env, ev.iokit_open.user_client_type));
      o.Set("user_client_class", Str(env, ev.iokit_open.user_client_class));
      if (v >= 10) {  // the device behind the user client (camera, screen capture …)
        o.Set("parent_registry_id", Napi::Number::New(env, (double)ev.iokit_open.parent_registry_id));
        o.Set("parent_path", Str(env, ev.iokit_open.parent_path));
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_LINK:
      o.Set("source", File(env, ev.link.source));
      o.Set("target_dir", File(env, ev.link.target_dir));
      o.Set("target_filename", Str(env, ev.link.target_filename));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETMODE:
      o.Set("mode", Napi::Number::New(env, ev.setmode.mode));
      o.Set("target", File(env, ev.setmode.target));
      break;
    case ES_EVENT_TYPE_NOTIFY_FCNTL:
      o.Set("target", File(env, ev.fcntl.target));
      o.Set("cmd", Napi::Number::New(env, ev.fcntl.cmd));
      break;
    case ES_EVENT_TYPE_NOTIFY_READDIR:
      o.Set("target", File(env, ev.readdir.target));
      break;
    case ES_EVENT_TYPE_NOTIFY_KEXTLOAD:
      o.Set("identifier", Str(env, ev.kextload.identifier));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETOWNER:
      o.Set("uid", Napi::Number::New(env, ev.setowner.uid));
      o.Set("gid", Napi::Number::New(env, ev.setowner.gid));
      o.Set("target", File(env, ev.setowner.target));
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK:
      o.Set("target", Proc(env, ev.get_task.target, v));
      if (v >= 5) o.Set("type", Napi::Number::New(env, ev.get_task.type));
      break;
    case ES_EVENT_TYPE_NOTIFY_MOUNT:
      o.Set("statfs", Statfs(env, ev.mount.statfs));
      if (v >= 8) o.Set("disposition", Napi::Number::New(env, ev.mount.disposition));
      break;
    case ES_EVENT_TYPE_NOTIFY_UNMOUNT:
      o.Set("statfs", Statfs(env, ev.unmount.statfs));
      break;
    case ES_EVENT_TYPE_NOTIFY_REMOUNT:
      o.Set("statfs", Statfs(env, ev.remount.statfs));
      if (v >= 8) {
        o.Set("remount_flags", Napi::Number::New(env, (double)ev.remount.remount_flags));
        o.Set("disposition", Napi::Number::New(env, ev.remount.disposition));
      }
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_READ:
      o.Set("target", Proc(env, ev.get_task_read.target, v));
      if (v >= 5) o.Set("type", Napi::Number::New(env, ev.get_task_read.type));
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT:
      o.Set("target", Proc(env, ev.get_task_inspect.target, v));
      if (v >= 5) o.Set("type", Napi::Number::New(env, ev.get_task_inspect.type));
      break;
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME:
      o.Set("target", Proc(env, ev.get_task_name.target, v));
      if (v >= 5) o.Set("type", Napi::Number::New(env, ev.get_task_name.type));
      break;
    case ES_EVENT_TYPE_NOTIFY_TRACE:
      o.Set("target", Proc(env, ev.trace.target, v));
      break;
    case ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME:
      o.Set("target", Proc(env, ev.proc_suspend_resume.target, v));
      o.Set("type", Napi::Number::New(env, ev.proc_suspend_resume.type));
      break;
    case ES_EVENT_TYPE_NOTIFY_PROC_CHECK:
      o.Set("target", Proc(env, ev.proc_check.target, v));
      o.Set("type", Napi::Number::New(env, ev.proc_check.type));
      o.Set("flavor", Napi::Number::New(env, ev.proc_check.flavor));
      break;
    case ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE: {
      const es_event_remote_thread_create_t& r = ev.remote_thread_create;
      o.Set("target", Proc(env, r.target, v));
      if (r.thread_state == nullptr) {
        o.Set("thread_state", env.Null());
      } else {
        // The opaque state bytes are not rendered (their eslogger form is unverified); the flavor is.
        Napi::Object ts = Napi::Object::New(env);
        ts.Set("flavor", Napi::Number::New(env, r.thread_state->flavor));
        o.Set("thread_state", ts);
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_SETEXTATTR:
      o.Set("target", File(env, ev.setextattr.target));
      o.Set("extattr", Str(env, ev.setextattr.extattr));
      break;
    case ES_EVENT_TYPE_NOTIFY_GETEXTATTR:
      o.Set("target", File(env, ev.getextattr.target));
      o.Set("extattr", Str(env, ev.getextattr.extattr));
      break;
    case ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR:
      o.Set("target", File(env, ev.deleteextattr.target));
      o.Set("extattr", Str(env, ev.deleteextattr.extattr));
      break;
    case ES_EVENT_TYPE_NOTIFY_SUDO: {
      const es_event_sudo_t* e = ev.sudo;
      if (e == nullptr) break;
      o.Set("success", Napi::Boolean::New(env, e->success));
      if (e->reject_info == nullptr) {
        o.Set("reject_info", env.Null());
      } else {
        Napi::Object ri = Napi::Object::New(env);
        ri.Set("plugin_name", Str(env, e->reject_info->plugin_name));
        ri.Set("plugin_type", Napi::Number::New(env, e->reject_info->plugin_type));
        ri.Set("failure_message", Str(env, e->reject_info->failure_message));
        o.Set("reject_info", ri);
      }
      // has_from_uid / has_to_uid false: the uid is left out (message.ts types both as optional).
      if (e->has_from_uid) o.Set("from_uid", Napi::Number::New(env, e->from_uid));
      o.Set("from_username", Str(env, e->from_username));
      if (e->has_to_uid) o.Set("to_uid", Napi::Number::New(env, e->to_uid));
      o.Set("to_username", Str(env, e->to_username));
      o.Set("command", Str(env, e->command));
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED:
      break;
    case ES_EVENT_TYPE_NOTIFY_SETUID:
      o.Set("uid", Napi::Number::New(env, ev.setuid.uid));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETGID:
      o.Set("gid", Napi::Number::New(env, ev.setgid.gid));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETEUID:
      o.Set("euid", Napi::Number::New(env, ev.seteuid.euid));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETEGID:
      o.Set("egid", Napi::Number::New(env, ev.setegid.egid));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETREUID:
      o.Set("ruid", Napi::Number::New(env, ev.setreuid.ruid));
      o.Set("euid", Napi::Number::New(env, ev.setreuid.euid));
      break;
    case ES_EVENT_TYPE_NOTIFY_SETREGID:
      o.Set("rgid", Napi::Number::New(env, ev.setregid.rgid));
      o.Set("egid", Napi::Number::New(env, ev.setregid.egid));
      break;
    default:
      return UserSpacePayload(env, m);
  }
  return o;
}

// 13.0+ events (pointer payloads). A null payload pointer (never sent by Apple) renders as {}.
Napi::Value UserSpacePayload(Napi::Env env, const es_message_t* m) {
  const uint32_t v = m->version;
  const es_events_t& ev = m->event;
  Napi::Object o = Napi::Object::New(env);
  auto num = [&](const char* k, double x) { o.Set(k, Napi::Number::New(env, x)); };
  auto boolean = [&](const char* k, bool x) { o.Set(k, Napi::Boolean::New(env, x)); };
  auto str = [&](const char* k, const es_string_token_t& t) { o.Set(k, Str(env, t)); };
  switch (m->event_type) {
    case ES_EVENT_TYPE_NOTIFY_AUTHENTICATION: {
      const es_event_authentication_t* e = ev.authentication;
      if (e == nullptr) break;
      boolean("success", e->success);
      num("type", e->type);
      Napi::Object data = Napi::Object::New(env);
      Napi::Object d = Napi::Object::New(env);
      switch (e->type) {
        case ES_AUTHENTICATION_TYPE_OD:
          if (const es_event_authentication_od_t* x = e->data.od) {
            d.Set("instigator", Proc(env, x->instigator, v));
            d.Set("record_type", Str(env, x->record_type));
            d.Set("record_name", Str(env, x->record_name));
            d.Set("node_name", Str(env, x->node_name));
            d.Set("db_path", Str(env, x->db_path));
            if (v >= 8) d.Set("instigator_token", Token(env, x->instigator_token, v));
            data.Set("od", d);
          }
          break;
        case ES_AUTHENTICATION_TYPE_TOUCHID:
          if (const es_event_authentication_touchid_t* x = e->data.touchid) {
            d.Set("instigator", Proc(env, x->instigator, v));
            d.Set("touchid_mode", Napi::Number::New(env, x->touchid_mode));
            d.Set("has_uid", Napi::Boolean::New(env, x->has_uid));
            if (x->has_uid) d.Set("uid", Napi::Number::New(env, x->uid));  // the union is unset otherwise
            if (v >= 8) d.Set("instigator_token", Token(env, x->instigator_token, v));
            data.Set("touchid", d);
          }
          break;
        case ES_AUTHENTICATION_TYPE_TOKEN:
          if (const es_event_authentication_token_t* x = e->data.token) {
            d.Set("instigator", Proc(env, x->instigator, v));
            d.Set("pubkey_hash", Str(env, x->pubkey_hash));
            d.Set("token_id", Str(env, x->token_id));
            d.Set("kerberos_principal", Str(env, x->kerberos_principal));
            if (v >= 8) d.Set("instigator_token", Token(env, x->instigator_token, v));
            data.Set("token", d);
          }
          break;
        case ES_AUTHENTICATION_TYPE_AUTO_UNLOCK:
          if (const es_event_authentication_auto_unlock_t* x = e->data.auto_unlock) {
            d.Set("username", Str(env, x->username));
            d.Set("type", Napi::Number::New(env, x->type));
            data.Set("auto_unlock", d);
          }
          break;
      }
      o.Set("data", data);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED: {
      const es_event_xp_malware_detected_t* e = ev.xp_malware_detected;
      if (e == nullptr) break;
      str("signature_version", e->signature_version);
      str("malware_identifier", e->malware_identifier);
      str("incident_identifier", e->incident_identifier);
      str("detected_path", e->detected_path);
      if (v >= 10) str("detected_executable", e->detected_executable);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED: {
      const es_event_xp_malware_remediated_t* e = ev.xp_malware_remediated;
      if (e == nullptr) break;
      str("signature_version", e->signature_version);
      str("malware_identifier", e->malware_identifier);
      str("incident_identifier", e->incident_identifier);
      str("action_type", e->action_type);
      boolean("success", e->success);
      str("result_description", e->result_description);
      str("remediated_path", e->remediated_path);
      o.Set("remediated_process_audit_token", TokenPtr(env, e->remediated_process_audit_token, v));
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN:
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT:
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK:
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK: {
      const es_event_lw_session_login_t* e = m->event_type == ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN    ? ev.lw_session_login
                                             : m->event_type == ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT ? ev.lw_session_logout
                                             : m->event_type == ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK   ? ev.lw_session_lock
                                                                                                       : ev.lw_session_unlock;
      if (e == nullptr) break;
      str("username", e->username);
      num("graphical_session_id", e->graphical_session_id);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH: {
      const es_event_screensharing_attach_t* e = ev.screensharing_attach;
      if (e == nullptr) break;
      boolean("success", e->success);
      num("source_address_type", e->source_address_type);
      str("source_address", e->source_address);
      str("viewer_appleid", e->viewer_appleid);
      str("authentication_type", e->authentication_type);
      str("authentication_username", e->authentication_username);
      str("session_username", e->session_username);
      boolean("existing_session", e->existing_session);
      num("graphical_session_id", e->graphical_session_id);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH: {
      const es_event_screensharing_detach_t* e = ev.screensharing_detach;
      if (e == nullptr) break;
      num("source_address_type", e->source_address_type);
      str("source_address", e->source_address);
      str("viewer_appleid", e->viewer_appleid);
      num("graphical_session_id", e->graphical_session_id);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN: {
      const es_event_openssh_login_t* e = ev.openssh_login;
      if (e == nullptr) break;
      boolean("success", e->success);
      num("result_type", e->result_type);
      num("source_address_type", e->source_address_type);
      str("source_address", e->source_address);
      str("username", e->username);
      boolean("has_uid", e->has_uid);
      if (e->has_uid) num("uid", e->uid);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT: {
      const es_event_openssh_logout_t* e = ev.openssh_logout;
      if (e == nullptr) break;
      num("source_address_type", e->source_address_type);
      str("source_address", e->source_address);
      str("username", e->username);
      num("uid", e->uid);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN: {
      const es_event_login_login_t* e = ev.login_login;
      if (e == nullptr) break;
      boolean("success", e->success);
      str("failure_message", e->failure_message);
      str("username", e->username);
      boolean("has_uid", e->has_uid);
      if (e->has_uid) num("uid", e->uid);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT: {
      const es_event_login_logout_t* e = ev.login_logout;
      if (e == nullptr) break;
      str("username", e->username);
      num("uid", e->uid);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD:
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE: {
      const bool add = m->event_type == ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD;
      const es_process_t *instigator, *app;
      const es_btm_launch_item_t* item;
      const audit_token_t *itok, *atok;
      if (add) {
        const es_event_btm_launch_item_add_t* e = ev.btm_launch_item_add;
        if (e == nullptr) break;
        instigator = e->instigator, app = e->app, item = e->item, itok = e->instigator_token, atok = e->app_token;
      } else {
        const es_event_btm_launch_item_remove_t* e = ev.btm_launch_item_remove;
        if (e == nullptr) break;
        instigator = e->instigator, app = e->app, item = e->item, itok = e->instigator_token, atok = e->app_token;
      }
      o.Set("instigator", Proc(env, instigator, v));
      o.Set("app", Proc(env, app, v));
      if (item == nullptr) {
        o.Set("item", env.Null());
      } else {
        Napi::Object it = Napi::Object::New(env);
        it.Set("item_type", Napi::Number::New(env, item->item_type));
        it.Set("legacy", Napi::Boolean::New(env, item->legacy));
        it.Set("managed", Napi::Boolean::New(env, item->managed));
        it.Set("uid", Napi::Number::New(env, item->uid));
        it.Set("item_url", Str(env, item->item_url));
        it.Set("app_url", Str(env, item->app_url));
        o.Set("item", it);
      }
      if (add) str("executable_path", ev.btm_launch_item_add->executable_path);
      if (v >= 8) {
        o.Set("instigator_token", TokenPtr(env, itok, v));
        o.Set("app_token", TokenPtr(env, atok, v));
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_SU: {
      const es_event_su_t* e = ev.su;
      if (e == nullptr) break;
      boolean("success", e->success);
      str("failure_message", e->failure_message);
      num("from_uid", e->from_uid);
      str("from_username", e->from_username);
      boolean("has_to_uid", e->has_to_uid);
      if (e->has_to_uid) num("to_uid", e->to_uid);
      str("to_username", e->to_username);
      str("shell", e->shell);
      num("argc", (double)e->argc);
      o.Set("argv", StrArray(env, e->argv, e->argc));
      num("env_count", (double)e->env_count);
      o.Set("env", StrArray(env, e->env, e->env_count));
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD:
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE:
      return Od(env, m->event_type == ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD ? ev.od_group_add : ev.od_group_remove, v,
                [&](Napi::Object& x, const es_event_od_group_add_t& e) {
                  x.Set("group_name", Str(env, e.group_name));
                  x.Set("member", e.member ? (Napi::Value)OdMember(env, e.member) : env.Null());
                });
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET:
      return Od(env, ev.od_group_set, v, [&](Napi::Object& x, const es_event_od_group_set_t& e) {
        x.Set("group_name", Str(env, e.group_name));
        if (e.members == nullptr) {
          x.Set("members", env.Null());
          return;
        }
        const es_od_member_id_array_t& ms = *e.members;
        Napi::Object mo = Napi::Object::New(env);
        mo.Set("member_type", Napi::Number::New(env, ms.member_type));
        mo.Set("member_count", Napi::Number::New(env, (double)ms.member_count));
        Napi::Array arr = Napi::Array::New(env, 0);
        for (size_t i = 0; i < ms.member_count; i++) {
          if (ms.member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
            if (ms.member_array.names) arr.Set((uint32_t)i, Str(env, ms.member_array.names[i]));
          } else if (ms.member_array.uuids) {
            arr.Set((uint32_t)i, Uuid(env, ms.member_array.uuids[i]));
          }
        }
        mo.Set("member_array", arr);
        x.Set("members", mo);
      });
    case ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD:
      return Od(env, ev.od_modify_password, v, [&](Napi::Object& x, const es_event_od_modify_password_t& e) {
        x.Set("account_type", Napi::Number::New(env, e.account_type));
        x.Set("account_name", Str(env, e.account_name));
      });
    case ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER:
    case ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER:
    case ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER:
    case ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER: {
      const es_event_od_create_user_t* e = m->event_type == ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER    ? ev.od_create_user
                                           : m->event_type == ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER ? ev.od_disable_user
                                           : m->event_type == ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER  ? ev.od_enable_user
                                                                                                   : ev.od_delete_user;
      return Od(env, e, v, [&](Napi::Object& x, const es_event_od_create_user_t& u) { x.Set("user_name", Str(env, u.user_name)); });
    }
    case ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP:
    case ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP:
      return Od(env, m->event_type == ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP ? ev.od_create_group : ev.od_delete_group, v,
                [&](Napi::Object& x, const es_event_od_create_group_t& g) { x.Set("group_name", Str(env, g.group_name)); });
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD:
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE:
      return Od(env, m->event_type == ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD ? ev.od_attribute_value_add : ev.od_attribute_value_remove, v,
                [&](Napi::Object& x, const es_event_od_attribute_value_add_t& a) {
                  x.Set("record_type", Napi::Number::New(env, a.record_type));
                  x.Set("record_name", Str(env, a.record_name));
                  x.Set("attribute_name", Str(env, a.attribute_name));
                  x.Set("attribute_value", Str(env, a.attribute_value));
                });
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET:
      return Od(env, ev.od_attribute_set, v, [&](Napi::Object& x, const es_event_od_attribute_set_t& a) {
        x.Set("record_type", Napi::Number::New(env, a.record_type));
        x.Set("record_name", Str(env, a.record_name));
        x.Set("attribute_name", Str(env, a.attribute_name));
        x.Set("attribute_value_count", Napi::Number::New(env, (double)a.attribute_value_count));
        x.Set("attribute_values", StrArray(env, a.attribute_values, a.attribute_value_count));
      });
    case ES_EVENT_TYPE_NOTIFY_TCC_MODIFY: {
      const es_event_tcc_modify_t* e = ev.tcc_modify;
      if (e == nullptr) break;
      str("service", e->service);
      str("identity", e->identity);
      num("identity_type", e->identity_type);
      num("update_type", e->update_type);
      o.Set("instigator_token", Token(env, e->instigator_token, v));
      o.Set("instigator", Proc(env, e->instigator, v));
      o.Set("responsible_token", TokenPtr(env, e->responsible_token, v));
      o.Set("responsible", Proc(env, e->responsible, v));
      num("right", e->right);
      num("reason", e->reason);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_XPC_CONNECT: {
      const es_event_xpc_connect_t* e = ev.xpc_connect;
      if (e == nullptr) break;
      str("service_name", e->service_name);
      num("service_domain_type", e->service_domain_type);
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_PROFILE_ADD: {
      const es_event_profile_add_t* e = ev.profile_add;
      if (e == nullptr) break;
      o.Set("instigator", Proc(env, e->instigator, v));
      boolean("is_update", e->is_update);
      o.Set("profile", Profile(env, e->profile));
      if (v >= 8) o.Set("instigator_token", Token(env, e->instigator_token, v));
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE: {
      const es_event_profile_remove_t* e = ev.profile_remove;
      if (e == nullptr) break;
      o.Set("instigator", Proc(env, e->instigator, v));
      o.Set("profile", Profile(env, e->profile));
      if (v >= 8) o.Set("instigator_token", Token(env, e->instigator_token, v));
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION: {
      const es_event_authorization_petition_t* e = ev.authorization_petition;
      if (e == nullptr) break;
      o.Set("instigator", Proc(env, e->instigator, v));
      o.Set("petitioner", Proc(env, e->petitioner, v));
      num("flags", e->flags);
      num("right_count", (double)e->right_count);
      o.Set("rights", StrArray(env, e->rights, e->right_count));
      if (v >= 8) {
        o.Set("instigator_token", Token(env, e->instigator_token, v));
        o.Set("petitioner_token", Token(env, e->petitioner_token, v));
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT: {
      const es_event_authorization_judgement_t* e = ev.authorization_judgement;
      if (e == nullptr) break;
      o.Set("instigator", Proc(env, e->instigator, v));
      o.Set("petitioner", Proc(env, e->petitioner, v));
      num("return_code", e->return_code);
      num("result_count", (double)e->result_count);
      const size_t n = e->results ? e->result_count : 0;
      Napi::Array rs = Napi::Array::New(env, n);
      for (size_t i = 0; i < n; i++) {
        Napi::Object r = Napi::Object::New(env);
        r.Set("right_name", Str(env, e->results[i].right_name));
        r.Set("rule_class", Napi::Number::New(env, e->results[i].rule_class));
        r.Set("granted", Napi::Boolean::New(env, e->results[i].granted));
        rs.Set((uint32_t)i, r);
      }
      o.Set("results", rs);
      if (v >= 8) {
        o.Set("instigator_token", Token(env, e->instigator_token, v));
        o.Set("petitioner_token", Token(env, e->petitioner_token, v));
      }
      break;
    }
    case ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE: {
      const es_event_gatekeeper_user_override_t* e = ev.gatekeeper_user_override;
      if (e == nullptr) break;
      num("file_type", e->file_type);
      // The union as file_type names it: a path string, or the file object; another type → null.
      if (e->file_type == ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH) {
        str("file", e->file.file_path);
      } else if (e->file_type == ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_FILE) {
        o.Set("file", File(env, e->file.file));
      } else {
        o.Set("file", env.Null());
      }
      o.Set("sha256", e->sha256 ? Hex(env, e->sha256, 32) : env.Null());
      if (const es_signed_file_info_t* si = e->signing_info) {
        Napi::Object s = Napi::Object::New(env);
        s.Set("cdhash", Hex(env, si->cdhash, 20));
        s.Set("signing_id", Str(env, si->signing_id));
        s.Set("team_id", Str(env, si->team_id));
        o.Set("signing_info", s);
      } else {
        o.Set("signing_info", env.Null());
      }
      break;
    }
    default:
      break;
  }
  return o;
}

}  // namespace

const char* EventName(uint32_t t) {
  switch (t) {
    case ES_EVENT_TYPE_NOTIFY_EXEC: return "exec";
    case ES_EVENT_TYPE_NOTIFY_OPEN: return "open";
    case ES_EVENT_TYPE_NOTIFY_FORK: return "fork";
    case ES_EVENT_TYPE_NOTIFY_CLOSE: return "close";
    case ES_EVENT_TYPE_NOTIFY_CREATE: return "create";
    case ES_EVENT_TYPE_NOTIFY_EXIT: return "exit";
    case ES_EVENT_TYPE_NOTIFY_LINK: return "link";
    case ES_EVENT_TYPE_NOTIFY_MMAP: return "mmap";
    case ES_EVENT_TYPE_NOTIFY_MPROTECT: return "mprotect";
    case ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN: return "iokit_open";
    case ES_EVENT_TYPE_NOTIFY_RENAME: return "rename";
    case ES_EVENT_TYPE_NOTIFY_SETMODE: return "setmode";
    case ES_EVENT_TYPE_NOTIFY_SIGNAL: return "signal";
    case ES_EVENT_TYPE_NOTIFY_UNLINK: return "unlink";
    case ES_EVENT_TYPE_NOTIFY_WRITE: return "write";
    case ES_EVENT_TYPE_NOTIFY_TRUNCATE: return "truncate";
    case ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED: return "cs_invalidated";
    case ES_EVENT_TYPE_NOTIFY_FCNTL: return "fcntl";
    case ES_EVENT_TYPE_NOTIFY_READDIR: return "readdir";
    case ES_EVENT_TYPE_NOTIFY_KEXTLOAD: return "kextload";
    case ES_EVENT_TYPE_NOTIFY_SETOWNER: return "setowner";
    case ES_EVENT_TYPE_NOTIFY_GET_TASK: return "get_task";
    case ES_EVENT_TYPE_NOTIFY_PROC_CHECK: return "proc_check";
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_READ: return "get_task_read";
    case ES_EVENT_TYPE_NOTIFY_MOUNT: return "mount";
    case ES_EVENT_TYPE_NOTIFY_UNMOUNT: return "unmount";
    case ES_EVENT_TYPE_NOTIFY_REMOUNT: return "remount";
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT: return "get_task_inspect";
    case ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME: return "get_task_name";
    case ES_EVENT_TYPE_NOTIFY_TRACE: return "trace";
    case ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME: return "proc_suspend_resume";
    case ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE: return "remote_thread_create";
    case ES_EVENT_TYPE_NOTIFY_SETEXTATTR: return "setextattr";
    case ES_EVENT_TYPE_NOTIFY_GETEXTATTR: return "getextattr";
    case ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR: return "deleteextattr";
    case ES_EVENT_TYPE_NOTIFY_SUDO: return "sudo";
    case ES_EVENT_TYPE_NOTIFY_SETUID: return "setuid";
    case ES_EVENT_TYPE_NOTIFY_SETGID: return "setgid";
    case ES_EVENT_TYPE_NOTIFY_SETEUID: return "seteuid";
    case ES_EVENT_TYPE_NOTIFY_SETEGID: return "setegid";
    case ES_EVENT_TYPE_NOTIFY_SETREUID: return "setreuid";
    case ES_EVENT_TYPE_NOTIFY_SETREGID: return "setregid";
    case ES_EVENT_TYPE_NOTIFY_AUTHENTICATION: return "authentication";
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED: return "xp_malware_detected";
    case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED: return "xp_malware_remediated";
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN: return "lw_session_login";
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT: return "lw_session_logout";
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK: return "lw_session_lock";
    case ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK: return "lw_session_unlock";
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH: return "screensharing_attach";
    case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH: return "screensharing_detach";
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN: return "openssh_login";
    case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT: return "openssh_logout";
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN: return "login_login";
    case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT: return "login_logout";
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD: return "btm_launch_item_add";
    case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE: return "btm_launch_item_remove";
    case ES_EVENT_TYPE_NOTIFY_SU: return "su";
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD: return "od_group_add";
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE: return "od_group_remove";
    case ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET: return "od_group_set";
    case ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD: return "od_modify_password";
    case ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER: return "od_disable_user";
    case ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER: return "od_enable_user";
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD: return "od_attribute_value_add";
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE: return "od_attribute_value_remove";
    case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET: return "od_attribute_set";
    case ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER: return "od_create_user";
    case ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP: return "od_create_group";
    case ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER: return "od_delete_user";
    case ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP: return "od_delete_group";
    case ES_EVENT_TYPE_NOTIFY_TCC_MODIFY: return "tcc_modify";
    case ES_EVENT_TYPE_NOTIFY_XPC_CONNECT: return "xpc_connect";
    case ES_EVENT_TYPE_NOTIFY_PROFILE_ADD: return "profile_add";
    case ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE: return "profile_remove";
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION: return "authorization_petition";
    case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT: return "authorization_judgement";
    case ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE: return "gatekeeper_user_override";
    default: return nullptr;
  }
}

Napi::Object TranslateProcess(Napi::Env env, const es_process_t* p, uint32_t v) {
  Napi::Object o = Napi::Object::New(env);
  if ((p->nj_omit & NJ_OMIT_TASK_TOKEN) && v < 10) {
    // Only what the BSD process info gives; auid, asid and pidversion exist only in the task's token.
    static const char* const kKnown[5] = {"euid", "egid", "ruid", "rgid", "pid"};
    Napi::Object t = Napi::Object::New(env);
    for (int i = 0; i < 5; i++) t.Set(kKnown[i], Napi::Number::New(env, p->audit_token.val[i + 1]));
    o.Set("audit_token", t);
  } else {
    o.Set("audit_token", Token(env, p->audit_token, v));
  }
  o.Set("ppid", Napi::Number::New(env, p->ppid));
  if (!(p->nj_omit & NJ_OMIT_ORIGINAL_PPID)) o.Set("original_ppid", Napi::Number::New(env, p->original_ppid));
  o.Set("group_id", Napi::Number::New(env, p->group_id));
  if (!(p->nj_omit & NJ_OMIT_SESSION_ID)) o.Set("session_id", Napi::Number::New(env, p->session_id));
  if (!p->nj_no_codesigning) {
    o.Set("codesigning_flags", Napi::Number::New(env, p->codesigning_flags));
    o.Set("is_platform_binary", Napi::Boolean::New(env, p->is_platform_binary));
    o.Set("is_es_client", Napi::Boolean::New(env, p->is_es_client));
    static const char kHex[] = "0123456789ABCDEF";  // eslogger prints cdhash in upper case
    char hex[41];
    for (int i = 0; i < 20; i++) {
      hex[2 * i] = kHex[p->cdhash[i] >> 4];
      hex[2 * i + 1] = kHex[p->cdhash[i] & 15];
    }
    o.Set("cdhash", Napi::String::New(env, hex, 40));
    o.Set("signing_id", Str(env, p->signing_id));
    o.Set("team_id", Str(env, p->team_id));
  }
  o.Set("executable", File(env, p->executable));
  if (v >= 2 && !(p->nj_omit & NJ_OMIT_TTY)) o.Set("tty", File(env, p->tty));
  if (v >= 3) o.Set("start_time", Napi::String::New(env, IsoTime(p->start_time.tv_sec, p->start_time.tv_usec, 6)));
  if (v >= 4) {
    if (!(p->nj_omit & NJ_OMIT_RESPONSIBLE_TOKEN)) o.Set("responsible_audit_token", Token(env, p->responsible_audit_token, v));
    if (!(p->nj_omit & NJ_OMIT_PARENT_TOKEN)) o.Set("parent_audit_token", Token(env, p->parent_audit_token, v));
  }
  if (v >= 10) o.Set("cs_validation_category", Napi::Number::New(env, p->cs_validation_category));
  return o;
}

Napi::Object TranslateMessage(Napi::Env env, const es_message_t* m) {
  const uint32_t v = m->version;
  Napi::Object o = Napi::Object::New(env);
  o.Set("schema_version", Napi::Number::New(env, 1));
  o.Set("version", Napi::Number::New(env, v));
  o.Set("time", Napi::String::New(env, IsoTime(m->time.tv_sec, m->time.tv_nsec, 9)));
  o.Set("mach_time", Napi::Number::New(env, (double)m->mach_time));
  o.Set("event_type", Napi::Number::New(env, m->event_type));
  o.Set("action_type", Napi::Number::New(env, m->action_type));
  if (v >= 2) o.Set("seq_num", Napi::Number::New(env, (double)m->seq_num));
  if (v >= 4) {
    o.Set("global_seq_num", Napi::Number::New(env, (double)m->global_seq_num));
    if (m->thread != nullptr) {
      Napi::Object th = Napi::Object::New(env);
      th.Set("thread_id", Napi::Number::New(env, (double)m->thread->thread_id));
      o.Set("thread", th);
    } else {
      o.Set("thread", env.Null());
    }
  }
  o.Set("process", Proc(env, m->process, v));
  Napi::Object event = Napi::Object::New(env);
  const char* name = EventName(m->event_type);
  if (name != nullptr) event.Set(name, Payload(env, m));
  o.Set("event", event);
  return o;
}

}  // namespace njes
