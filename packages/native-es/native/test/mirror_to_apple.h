// Test-only: the project's mirror message (common/es_types.h, e.g. a synthetic message) rebuilt as an
// Apple-layout message of the fake libEndpointSecurity, so es_api_apple.cc's deep copy can be checked
// by round trip: mirror → Apple → ToMirror → translate, against translating the mirror directly.
// Everything the Apple message points to is copied into this arena (strings too), so freeing the arena
// after delivery shows, under ASan, that the deep copy kept nothing of Apple's message.
#pragma once
#include <EndpointSecurity/EndpointSecurity.h>

#include <deque>
#include <memory>
#include <vector>
#include "../common/owned.h"

struct AppleArena {
  std::deque<es_file_t> files;
  std::deque<es_process_t> procs;
  std::deque<std::vector<es_string_token_t>> lists;
  std::deque<std::vector<es_fd_t>> fds;
  std::deque<std::shared_ptr<void>> blobs;
  std::deque<std::string> strs;
  std::deque<std::vector<uint8_t>> bytes;
  es_thread_t thread{};

  es_string_token_t S(const es_string_token_t& t) {
    if (t.data == nullptr) return t;
    strs.emplace_back(t.data, t.length);
    return es_string_token_t{strs.back().size(), strs.back().data()};
  }

  template <class T>
  T* New() {
    auto p = std::make_shared<T>();
    blobs.push_back(p);
    return p.get();
  }

  es_file_t* File(const njes::es_file_t* f) {
    if (f == nullptr) return nullptr;
    files.push_back({S(f->path), f->path_truncated, f->stat});
    return &files.back();
  }

  es_process_t* Proc(const njes::es_process_t* p) {
    if (p == nullptr) return nullptr;
    procs.emplace_back();
    es_process_t& o = procs.back();
    o.audit_token = p->audit_token;
    o.ppid = p->ppid;
    o.original_ppid = p->original_ppid;
    o.group_id = p->group_id;
    o.session_id = p->session_id;
    o.codesigning_flags = p->codesigning_flags;
    o.is_platform_binary = p->is_platform_binary;
    o.is_es_client = p->is_es_client;
    for (int i = 0; i < 20; i++) o.cdhash[i] = p->cdhash[i];
    o.signing_id = S(p->signing_id);
    o.team_id = S(p->team_id);
    o.executable = File(p->executable);
    o.tty = File(p->tty);
    o.start_time = p->start_time;
    o.responsible_audit_token = p->responsible_audit_token;
    o.parent_audit_token = p->parent_audit_token;
    o.cs_validation_category = p->cs_validation_category;
    return &o;
  }

  const es_string_token_t* List(const std::vector<es_string_token_t>* v, uint32_t* count) {
    *count = v ? (uint32_t)v->size() : 0;
    if (*count == 0) return nullptr;
    lists.emplace_back();
    for (const auto& t : *v) lists.back().push_back(S(t));
    return lists.back().data();
  }
  const es_fd_t* List(const std::vector<es_fd_t>* v, uint32_t* count) {
    *count = v ? (uint32_t)v->size() : 0;
    if (*count == 0) return nullptr;
    fds.push_back(*v);
    return fds.back().data();
  }

  // Every event type the translator renders; anything else is a test bug (returns false).
  bool Message(const njes::es_message_t& m, es_message_t* out) {
    *out = es_message_t{};
    out->version = m.version;
    out->time = m.time;
    out->mach_time = m.mach_time;
    out->deadline = m.deadline;
    out->process = Proc(m.process);
    out->seq_num = m.seq_num;
    out->action_type = ES_ACTION_TYPE_NOTIFY;
    out->event_type = (es_event_type_t)m.event_type;
    if (m.thread != nullptr) {
      thread.thread_id = m.thread->thread_id;
      out->thread = &thread;
    }
    out->global_seq_num = m.global_seq_num;
    const njes::es_events_t& e = m.event;
    es_events_t& o = out->event;
    switch (m.event_type) {
      case ES_EVENT_TYPE_NOTIFY_EXEC: {
        const njes::es_event_exec_t& x = e.exec;
        o.exec.target = Proc(x.target);
        o.exec.dyld_exec_path = S(x.dyld_exec_path);
        o.exec.script = File(x.script);
        o.exec.cwd = File(x.cwd);
        o.exec.last_fd = x.last_fd;
        o.exec.image_cputype = x.image_cputype;
        o.exec.image_cpusubtype = x.image_cpusubtype;
        o.exec.nj_args = List(x.nj_args, &o.exec.nj_arg_count);
        o.exec.nj_env = List(x.nj_env, &o.exec.nj_env_count);
        o.exec.nj_fds = List(x.nj_fds, &o.exec.nj_fd_count);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OPEN: o.open = {e.open.fflag, File(e.open.file)}; return true;
      case ES_EVENT_TYPE_NOTIFY_FORK: o.fork.child = Proc(e.fork.child); return true;
      case ES_EVENT_TYPE_NOTIFY_EXIT: o.exit.stat = e.exit.stat; return true;
      case ES_EVENT_TYPE_NOTIFY_CLOSE: o.close = {e.close.modified, File(e.close.target), e.close.was_mapped_writable}; return true;
      case ES_EVENT_TYPE_NOTIFY_CREATE:
        o.create.destination_type = e.create.destination_type;
        if (e.create.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
          o.create.destination.existing_file = File(e.create.destination.existing_file);
        } else {
          o.create.destination.new_path.dir = File(e.create.destination.new_path.dir);
          o.create.destination.new_path.filename = S(e.create.destination.new_path.filename);
          o.create.destination.new_path.mode = e.create.destination.new_path.mode;
        }
        return true;
      case ES_EVENT_TYPE_NOTIFY_RENAME:
        o.rename.source = File(e.rename.source);
        o.rename.destination_type = e.rename.destination_type;
        if (e.rename.destination_type == ES_DESTINATION_TYPE_EXISTING_FILE) {
          o.rename.destination.existing_file = File(e.rename.destination.existing_file);
        } else {
          o.rename.destination.new_path.dir = File(e.rename.destination.new_path.dir);
          o.rename.destination.new_path.filename = S(e.rename.destination.new_path.filename);
        }
        return true;
      case ES_EVENT_TYPE_NOTIFY_UNLINK: o.unlink = {File(e.unlink.target), File(e.unlink.parent_dir)}; return true;
      case ES_EVENT_TYPE_NOTIFY_WRITE: o.write.target = File(e.write.target); return true;
      case ES_EVENT_TYPE_NOTIFY_TRUNCATE: o.truncate.target = File(e.truncate.target); return true;
      case ES_EVENT_TYPE_NOTIFY_SIGNAL: o.signal = {e.signal.sig, Proc(e.signal.target), Proc(e.signal.instigator)}; return true;
      case ES_EVENT_TYPE_NOTIFY_MPROTECT: o.mprotect = {e.mprotect.protection, e.mprotect.address, e.mprotect.size}; return true;
      case ES_EVENT_TYPE_NOTIFY_MMAP:
        o.mmap = {e.mmap.protection, e.mmap.max_protection, e.mmap.flags, e.mmap.file_pos, File(e.mmap.source)};
        return true;
      case ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN: o.iokit_open = {e.iokit_open.user_client_type, S(e.iokit_open.user_client_class)}; return true;
      case ES_EVENT_TYPE_NOTIFY_LINK: o.link = {File(e.link.source), File(e.link.target_dir), S(e.link.target_filename)}; return true;
      case ES_EVENT_TYPE_NOTIFY_SETMODE: o.setmode = {(mode_t)e.setmode.mode, File(e.setmode.target)}; return true;
      case ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED: return true;
      case ES_EVENT_TYPE_NOTIFY_FCNTL: o.fcntl = {File(e.fcntl.target), e.fcntl.cmd}; return true;
      case ES_EVENT_TYPE_NOTIFY_READDIR: o.readdir.target = File(e.readdir.target); return true;
      case ES_EVENT_TYPE_NOTIFY_KEXTLOAD: o.kextload.identifier = S(e.kextload.identifier); return true;
      case ES_EVENT_TYPE_NOTIFY_SETOWNER: o.setowner = {e.setowner.uid, e.setowner.gid, File(e.setowner.target)}; return true;
      case ES_EVENT_TYPE_NOTIFY_GET_TASK: o.get_task = {Proc(e.get_task.target), e.get_task.type}; return true;
      case ES_EVENT_TYPE_NOTIFY_PROC_CHECK:
        o.proc_check = {Proc(e.proc_check.target), e.proc_check.type, e.proc_check.flavor};
        return true;
      case ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE:
        o.remote_thread_create.target = Proc(e.remote_thread_create.target);
        if (const es_thread_state_t* ts = e.remote_thread_create.thread_state) {
          es_thread_state_t* y = New<es_thread_state_t>();
          bytes.emplace_back(ts->state.data, ts->state.data + (ts->state.data ? ts->state.size : 0));
          *y = {ts->flavor, {bytes.back().size(), bytes.back().empty() ? nullptr : bytes.back().data()}};
          o.remote_thread_create.thread_state = y;
        }
        return true;
      case ES_EVENT_TYPE_NOTIFY_SETEXTATTR: o.setextattr = {File(e.setextattr.target), S(e.setextattr.extattr)}; return true;
      case ES_EVENT_TYPE_NOTIFY_GETEXTATTR: o.getextattr = {File(e.getextattr.target), S(e.getextattr.extattr)}; return true;
      case ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR: o.deleteextattr = {File(e.deleteextattr.target), S(e.deleteextattr.extattr)}; return true;
      case ES_EVENT_TYPE_NOTIFY_SUDO: {
        const njes::es_event_sudo_t* x = e.sudo;
        if (x == nullptr) return false;
        es_event_sudo_t* y = New<es_event_sudo_t>();
        y->success = x->success;
        if (x->reject_info) {
          y->reject_info = New<es_sudo_reject_info_t>();
          *y->reject_info = {S(x->reject_info->plugin_name), x->reject_info->plugin_type, S(x->reject_info->failure_message)};
        }
        y->has_from_uid = x->has_from_uid;
        y->from_uid.uid = x->from_uid;
        y->from_username = S(x->from_username);
        y->has_to_uid = x->has_to_uid;
        y->to_uid.uid = x->to_uid;
        y->to_username = S(x->to_username);
        y->command = S(x->command);
        o.sudo = y;
        return true;
      }
      default:
        return false;
    }
  }
};
