// Test-only: the project's mirror message (common/es_types.h, e.g. a synthetic message) rebuilt as an
// Apple-layout message of the fake libEndpointSecurity, so es_api_apple.cc's deep copy can be checked
// by round trip: mirror → Apple → ToMirror → translate, against translating the mirror directly.
// Everything the Apple message points to is copied into this arena (strings too), so freeing the arena
// after delivery shows, under ASan, that the deep copy kept nothing of Apple's message.
#pragma once
#include <EndpointSecurity/EndpointSecurity.h>

#include <array>
#include <deque>
#include <memory>
#include <vector>
#include "../src/common/owned.h"

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
  audit_token_t* TokenPtr(const audit_token_t* t) {
    if (t == nullptr) return nullptr;
    audit_token_t* o = New<audit_token_t>();
    *o = *t;
    return o;
  }
  es_string_token_t* Strings(const es_string_token_t* a, size_t n) {
    if (a == nullptr) return nullptr;
    lists.emplace_back();
    for (size_t i = 0; i < n; i++) lists.back().push_back(S(a[i]));
    return lists.back().data();
  }
  template <class A, class M>
  A* Od(const M* x) {
    A* y = New<A>();
    y->instigator = Proc(x->instigator);
    y->error_code = x->error_code;
    y->node_name = S(x->node_name);
    y->db_path = S(x->db_path);
    y->instigator_token = x->instigator_token;
    return y;
  }
  template <class A, class M>
  A* Lw(const M* x) {
    A* y = New<A>();
    *y = {S(x->username), x->graphical_session_id};
    return y;
  }
  es_btm_launch_item_t* Item(const njes::es_btm_launch_item_t* x) {
    if (x == nullptr) return nullptr;
    auto* y = New<es_btm_launch_item_t>();
    *y = {x->item_type, x->legacy, x->managed, x->uid, S(x->item_url), S(x->app_url)};
    return y;
  }
  es_od_member_id_t* Member(const njes::es_od_member_id_t* x) {
    if (x == nullptr) return nullptr;
    auto* y = New<es_od_member_id_t>();
    y->member_type = x->member_type;
    if (x->member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
      y->member_value.name = S(x->member_value.name);
    } else {
      for (int i = 0; i < 16; i++) y->member_value.uuid[i] = x->member_value.uuid[i];
    }
    return y;
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
      case ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN:
        o.iokit_open = {e.iokit_open.user_client_type, S(e.iokit_open.user_client_class), e.iokit_open.parent_registry_id,
                        S(e.iokit_open.parent_path), {}};
        return true;
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
      case ES_EVENT_TYPE_NOTIFY_MOUNT: o.mount.statfs = StatfsCopy(e.mount.statfs), o.mount.disposition = e.mount.disposition; return true;
      case ES_EVENT_TYPE_NOTIFY_UNMOUNT: o.unmount.statfs = StatfsCopy(e.unmount.statfs); return true;
      case ES_EVENT_TYPE_NOTIFY_REMOUNT:
        o.remount.statfs = StatfsCopy(e.remount.statfs), o.remount.remount_flags = e.remount.remount_flags, o.remount.disposition = e.remount.disposition;
        return true;
      case ES_EVENT_TYPE_NOTIFY_GET_TASK_READ: o.get_task_read.target = Proc(e.get_task_read.target), o.get_task_read.type = e.get_task_read.type; return true;
      case ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT:
        o.get_task_inspect.target = Proc(e.get_task_inspect.target), o.get_task_inspect.type = e.get_task_inspect.type;
        return true;
      case ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME: o.get_task_name.target = Proc(e.get_task_name.target), o.get_task_name.type = e.get_task_name.type; return true;
      case ES_EVENT_TYPE_NOTIFY_TRACE: o.trace.target = Proc(e.trace.target); return true;
      case ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME:
        o.proc_suspend_resume.target = Proc(e.proc_suspend_resume.target), o.proc_suspend_resume.type = e.proc_suspend_resume.type;
        return true;
      case ES_EVENT_TYPE_NOTIFY_SETUID: o.setuid.uid = e.setuid.uid; return true;
      case ES_EVENT_TYPE_NOTIFY_SETGID: o.setgid.gid = e.setgid.gid; return true;
      case ES_EVENT_TYPE_NOTIFY_SETEUID: o.seteuid.euid = e.seteuid.euid; return true;
      case ES_EVENT_TYPE_NOTIFY_SETEGID: o.setegid.egid = e.setegid.egid; return true;
      case ES_EVENT_TYPE_NOTIFY_SETREUID: o.setreuid.ruid = e.setreuid.ruid, o.setreuid.euid = e.setreuid.euid; return true;
      case ES_EVENT_TYPE_NOTIFY_SETREGID: o.setregid.rgid = e.setregid.rgid, o.setregid.egid = e.setregid.egid; return true;
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
      case ES_EVENT_TYPE_NOTIFY_AUTHENTICATION: {
        const auto* x = e.authentication;
        auto* y = New<es_event_authentication_t>();
        y->success = x->success;
        y->type = x->type;
        if (x->type == ES_AUTHENTICATION_TYPE_OD && x->data.od) {
          const auto* a = x->data.od;
          auto* b = y->data.od = New<es_event_authentication_od_t>();
          *b = {Proc(a->instigator), S(a->record_type), S(a->record_name), S(a->node_name), S(a->db_path), a->instigator_token};
        } else if (x->type == ES_AUTHENTICATION_TYPE_TOUCHID && x->data.touchid) {
          const auto* a = x->data.touchid;
          auto* b = y->data.touchid = New<es_event_authentication_touchid_t>();
          b->instigator = Proc(a->instigator);
          b->touchid_mode = a->touchid_mode;
          b->has_uid = a->has_uid;
          b->uid.uid = a->uid;
          b->instigator_token = a->instigator_token;
        } else if (x->type == ES_AUTHENTICATION_TYPE_TOKEN && x->data.token) {
          const auto* a = x->data.token;
          auto* b = y->data.token = New<es_event_authentication_token_t>();
          *b = {Proc(a->instigator), S(a->pubkey_hash), S(a->token_id), S(a->kerberos_principal), a->instigator_token};
        } else if (x->type == ES_AUTHENTICATION_TYPE_AUTO_UNLOCK && x->data.auto_unlock) {
          auto* b = y->data.auto_unlock = New<es_event_authentication_auto_unlock_t>();
          *b = {S(x->data.auto_unlock->username), x->data.auto_unlock->type};
        } else {
          return false;
        }
        o.authentication = y;
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED: {
        const auto* x = e.xp_malware_detected;
        auto* y = o.xp_malware_detected = New<es_event_xp_malware_detected_t>();
        *y = {S(x->signature_version), S(x->malware_identifier), S(x->incident_identifier), S(x->detected_path),
              S(x->detected_executable)};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED: {
        const auto* x = e.xp_malware_remediated;
        auto* y = o.xp_malware_remediated = New<es_event_xp_malware_remediated_t>();
        *y = {S(x->signature_version), S(x->malware_identifier), S(x->incident_identifier), S(x->action_type), x->success,
              S(x->result_description), S(x->remediated_path), TokenPtr(x->remediated_process_audit_token)};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN: o.lw_session_login = Lw<es_event_lw_session_login_t>(e.lw_session_login); return true;
      case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT: o.lw_session_logout = Lw<es_event_lw_session_logout_t>(e.lw_session_logout); return true;
      case ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK: o.lw_session_lock = Lw<es_event_lw_session_lock_t>(e.lw_session_lock); return true;
      case ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK: o.lw_session_unlock = Lw<es_event_lw_session_unlock_t>(e.lw_session_unlock); return true;
      case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH: {
        const auto* x = e.screensharing_attach;
        auto* y = o.screensharing_attach = New<es_event_screensharing_attach_t>();
        *y = {x->success, x->source_address_type, S(x->source_address), S(x->viewer_appleid), S(x->authentication_type),
              S(x->authentication_username), S(x->session_username), x->existing_session, x->graphical_session_id};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH: {
        const auto* x = e.screensharing_detach;
        auto* y = o.screensharing_detach = New<es_event_screensharing_detach_t>();
        *y = {x->source_address_type, S(x->source_address), S(x->viewer_appleid), x->graphical_session_id};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN: {
        const auto* x = e.openssh_login;
        auto* y = o.openssh_login = New<es_event_openssh_login_t>();
        *y = {x->success, x->result_type, x->source_address_type, S(x->source_address), S(x->username), x->has_uid, {}};
        y->uid.uid = x->uid;
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT: {
        const auto* x = e.openssh_logout;
        auto* y = o.openssh_logout = New<es_event_openssh_logout_t>();
        *y = {x->source_address_type, S(x->source_address), S(x->username), x->uid};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN: {
        const auto* x = e.login_login;
        auto* y = o.login_login = New<es_event_login_login_t>();
        *y = {x->success, S(x->failure_message), S(x->username), x->has_uid, {}};
        y->uid.uid = x->uid;
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT: {
        auto* y = o.login_logout = New<es_event_login_logout_t>();
        *y = {S(e.login_logout->username), e.login_logout->uid};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD: {
        const auto* x = e.btm_launch_item_add;
        auto* y = o.btm_launch_item_add = New<es_event_btm_launch_item_add_t>();
        *y = {Proc(x->instigator), Proc(x->app), Item(x->item), S(x->executable_path), TokenPtr(x->instigator_token), TokenPtr(x->app_token)};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE: {
        const auto* x = e.btm_launch_item_remove;
        auto* y = o.btm_launch_item_remove = New<es_event_btm_launch_item_remove_t>();
        *y = {Proc(x->instigator), Proc(x->app), Item(x->item), TokenPtr(x->instigator_token), TokenPtr(x->app_token)};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_SU: {
        const auto* x = e.su;
        auto* y = o.su = New<es_event_su_t>();
        y->success = x->success;
        y->failure_message = S(x->failure_message);
        y->from_uid = x->from_uid;
        y->from_username = S(x->from_username);
        y->has_to_uid = x->has_to_uid;
        y->to_uid.uid = x->to_uid;
        y->to_username = S(x->to_username);
        y->shell = S(x->shell);
        y->argc = x->argc;
        y->argv = Strings(x->argv, x->argc);
        y->env_count = x->env_count;
        y->env = Strings(x->env, x->env_count);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD: {
        auto* y = o.od_group_add = Od<es_event_od_group_add_t>(e.od_group_add);
        y->group_name = S(e.od_group_add->group_name);
        y->member = Member(e.od_group_add->member);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE: {
        auto* y = o.od_group_remove = Od<es_event_od_group_remove_t>(e.od_group_remove);
        y->group_name = S(e.od_group_remove->group_name);
        y->member = Member(e.od_group_remove->member);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET: {
        const auto* x = e.od_group_set;
        auto* y = o.od_group_set = Od<es_event_od_group_set_t>(x);
        y->group_name = S(x->group_name);
        if (x->members) {
          auto* b = y->members = New<es_od_member_id_array_t>();
          b->member_type = x->members->member_type;
          b->member_count = x->members->member_count;
          if (x->members->member_type == ES_OD_MEMBER_TYPE_USER_NAME) {
            b->member_array.names = Strings(x->members->member_array.names, x->members->member_count);
          } else {
            bytes.emplace_back(16 * x->members->member_count);
            for (size_t i = 0; i < x->members->member_count; i++)
              for (int k = 0; k < 16; k++) bytes.back()[16 * i + k] = x->members->member_array.uuids[i][k];
            b->member_array.uuids = (uuid_t*)bytes.back().data();
          }
        }
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD: {
        auto* y = o.od_modify_password = Od<es_event_od_modify_password_t>(e.od_modify_password);
        y->account_type = e.od_modify_password->account_type;
        y->account_name = S(e.od_modify_password->account_name);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER:
        o.od_create_user = Od<es_event_od_create_user_t>(e.od_create_user);
        o.od_create_user->user_name = S(e.od_create_user->user_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER:
        o.od_disable_user = Od<es_event_od_disable_user_t>(e.od_disable_user);
        o.od_disable_user->user_name = S(e.od_disable_user->user_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER:
        o.od_enable_user = Od<es_event_od_enable_user_t>(e.od_enable_user);
        o.od_enable_user->user_name = S(e.od_enable_user->user_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER:
        o.od_delete_user = Od<es_event_od_delete_user_t>(e.od_delete_user);
        o.od_delete_user->user_name = S(e.od_delete_user->user_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP:
        o.od_create_group = Od<es_event_od_create_group_t>(e.od_create_group);
        o.od_create_group->group_name = S(e.od_create_group->group_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP:
        o.od_delete_group = Od<es_event_od_delete_group_t>(e.od_delete_group);
        o.od_delete_group->group_name = S(e.od_delete_group->group_name);
        return true;
      case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD:
      case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE: {
        const bool add = m.event_type == ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD;
        const auto* x = add ? e.od_attribute_value_add : e.od_attribute_value_remove;
        auto fill = [&](auto* y) {
          y->record_type = x->record_type;
          y->record_name = S(x->record_name);
          y->attribute_name = S(x->attribute_name);
          y->attribute_value = S(x->attribute_value);
        };
        if (add) fill(o.od_attribute_value_add = Od<es_event_od_attribute_value_add_t>(x));
        else fill(o.od_attribute_value_remove = Od<es_event_od_attribute_value_remove_t>(x));
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET: {
        const auto* x = e.od_attribute_set;
        auto* y = o.od_attribute_set = Od<es_event_od_attribute_set_t>(x);
        y->record_type = x->record_type;
        y->record_name = S(x->record_name);
        y->attribute_name = S(x->attribute_name);
        y->attribute_value_count = x->attribute_value_count;
        y->attribute_values = Strings(x->attribute_values, x->attribute_value_count);
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_TCC_MODIFY: {
        const auto* x = e.tcc_modify;
        auto* y = o.tcc_modify = New<es_event_tcc_modify_t>();
        *y = {S(x->service), S(x->identity), x->identity_type, x->update_type, x->instigator_token, Proc(x->instigator),
              TokenPtr(x->responsible_token), Proc(x->responsible), x->right, x->reason};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_XPC_CONNECT: {
        auto* y = o.xpc_connect = New<es_event_xpc_connect_t>();
        *y = {S(e.xpc_connect->service_name), e.xpc_connect->service_domain_type};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_PROFILE_ADD: {
        const auto* x = e.profile_add;
        auto* y = o.profile_add = New<es_event_profile_add_t>();
        *y = {Proc(x->instigator), x->is_update, Profile(x->profile), x->instigator_token};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE: {
        const auto* x = e.profile_remove;
        auto* y = o.profile_remove = New<es_event_profile_remove_t>();
        *y = {Proc(x->instigator), Profile(x->profile), x->instigator_token};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION: {
        const auto* x = e.authorization_petition;
        auto* y = o.authorization_petition = New<es_event_authorization_petition_t>();
        *y = {Proc(x->instigator), Proc(x->petitioner), x->flags, x->right_count, Strings(x->rights, x->right_count), x->instigator_token,
              x->petitioner_token};
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT: {
        const auto* x = e.authorization_judgement;
        auto* y = o.authorization_judgement = New<es_event_authorization_judgement_t>();
        *y = {Proc(x->instigator), Proc(x->petitioner), x->return_code, x->result_count, nullptr, x->instigator_token, x->petitioner_token};
        if (x->results) {
          auto* rs = New<std::vector<es_authorization_result_t>>();
          for (size_t i = 0; i < x->result_count; i++) rs->push_back({S(x->results[i].right_name), x->results[i].rule_class, x->results[i].granted});
          y->results = rs->data();
        }
        return true;
      }
      case ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE: {
        const auto* x = e.gatekeeper_user_override;
        auto* y = o.gatekeeper_user_override = New<es_event_gatekeeper_user_override_t>();
        y->file_type = x->file_type;
        if (x->file_type == ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH) y->file.file_path = S(x->file.file_path);
        else y->file.file = File(x->file.file);
        if (x->sha256) {
          auto* h = New<std::array<uint8_t, 32>>();
          for (int i = 0; i < 32; i++) (*h)[i] = x->sha256[i];
          y->sha256 = (es_sha256_t*)h->data();
        }
        if (x->signing_info) {
          auto* si = y->signing_info = New<es_signed_file_info_t>();
          for (int i = 0; i < 20; i++) si->cdhash[i] = x->signing_info->cdhash[i];
          si->signing_id = S(x->signing_info->signing_id);
          si->team_id = S(x->signing_info->team_id);
        }
        return true;
      }
      default:
        return false;
    }
  }
  njes::darwin_statfs_t* StatfsCopy(const njes::darwin_statfs_t* x) {
    if (x == nullptr) return nullptr;
    auto* y = New<njes::darwin_statfs_t>();
    *y = *x;
    return y;
  }
  es_profile_t* Profile(const njes::es_profile_t* x) {
    if (x == nullptr) return nullptr;
    auto* y = New<es_profile_t>();
    *y = {S(x->identifier), S(x->uuid), x->install_source, S(x->organization), S(x->display_name), S(x->scope)};
    return y;
  }
};
