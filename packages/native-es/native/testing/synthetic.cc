// Synthetic messages for the translation tests: every rendered event type with fixed values, so
// the JS side can compare the translator's output with expected JSON for each message version.
#include <functional>
#include "synthetic.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include "../src/common/owned.h"

namespace njes {
namespace {

void Token(audit_token_t& t, uint32_t pid, uint32_t pidversion) {
  const uint32_t v[8] = {4294967295u, 501, 20, 501, 20, pid, 100012, pidversion};
  memcpy(t.val, v, sizeof v);
}

es_file_t* File(OwnedMessage& m, const char* path) {
  es_file_t* f = m.File(path);
  f->stat.st_dev = 16777230;
  f->stat.st_mode = 0100755;
  f->stat.st_nlink = 1;
  f->stat.st_ino = 12345678;
  f->stat.st_uid = 0;
  f->stat.st_gid = 0;
  f->stat.st_size = 154352;
  f->stat.st_blocks = 304;
  f->stat.st_blksize = 4096;
  f->stat.st_mtimespec = {1754579553, 5};
  f->stat.st_atimespec = {1754579553, 0};
  f->stat.st_ctimespec = {1754579553, 123456789};
  f->stat.st_birthtimespec = {0, 0};
  return f;
}

es_process_t* Proc(OwnedMessage& m, uint32_t pid, uint32_t pv, const char* path, bool team) {
  es_process_t* p = m.Proc();
  Token(p->audit_token, pid, pv);
  p->ppid = 1;
  p->original_ppid = 1;
  p->group_id = (int32_t)pid;
  p->session_id = 1;
  p->codesigning_flags = 570522385;
  p->is_platform_binary = !team;
  p->is_es_client = false;
  for (int i = 0; i < 20; i++) p->cdhash[i] = (uint8_t)(0xA0 + i);
  p->signing_id = m.Tok(std::string("com.example.") + std::to_string(pid));
  p->team_id = team ? m.Tok("TEAMID1234") : es_string_token_t{0, nullptr};
  p->executable = File(m, path);
  p->tty = team ? File(m, "/dev/ttys001") : nullptr;
  p->start_time = {1754579500, 250000};
  Token(p->responsible_audit_token, 1, 1);
  Token(p->parent_audit_token, 1, 1);
  p->cs_validation_category = 6;
  return p;
}

std::unique_ptr<OwnedMessage> Base(uint32_t version, uint32_t type, uint64_t seq) {
  auto m = std::make_unique<OwnedMessage>();
  m->msg.version = version;
  m->msg.time = {1754579589, 811587464};
  m->msg.mach_time = 9876543210;
  m->msg.action_type = ES_ACTION_TYPE_NOTIFY;
  m->msg.event_type = type;
  m->msg.seq_num = seq;
  m->msg.global_seq_num = 1000 + seq;
  m->thread.thread_id = 4242;
  m->msg.thread = &m->thread;
  m->msg.process = Proc(*m, 500, 7, "/bin/zsh", true);
  return m;
}

// A mounted disk image's statfs; `flags` is MNT_* (0x1 MNT_RDONLY, 0x1000 MNT_LOCAL, 0x4000 MNT_ROOTFS…).
darwin_statfs_t* Statfs(OwnedMessage& m, const char* on, const char* from, uint32_t flags) {
  darwin_statfs_t* s = m.New<darwin_statfs_t>();
  s->f_bsize = 4096;
  s->f_iosize = 1048576;
  s->f_blocks = 61035;
  s->f_bfree = 1200;
  s->f_bavail = 1200;
  s->f_files = 4294967279ull;
  s->f_ffree = 4294966000ull;
  s->f_fsid[0] = 16777236;
  s->f_fsid[1] = 26;
  s->f_owner = 501;
  s->f_type = 26;
  s->f_flags = flags;
  s->f_fssubtype = 1;
  snprintf(s->f_fstypename, sizeof s->f_fstypename, "%s", "apfs");
  snprintf(s->f_mntonname, sizeof s->f_mntonname, "%s", on);
  snprintf(s->f_mntfromname, sizeof s->f_mntfromname, "%s", from);
  s->f_flags_ext = 0;
  return s;
}

audit_token_t* TokenPtr(OwnedMessage& m, uint32_t pid, uint32_t pidversion) {
  audit_token_t* t = m.New<audit_token_t>();
  Token(*t, pid, pidversion);
  return t;
}

es_string_token_t* Tokens(OwnedMessage& m, const std::vector<std::string>& items) {
  return m.List(items)->data();
}

constexpr es_string_token_t kNoString{0, nullptr};
const char* const kNode = "/Local/Default";
const char* const kDb = "/var/db/dslocal/nodes/Default";

}  // namespace

std::vector<std::unique_ptr<OwnedMessage>> SyntheticMessages(uint32_t v) {
  std::vector<std::unique_ptr<OwnedMessage>> out;
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_EXEC, 1);
    es_event_exec_t& e = m->msg.event.exec;
    e.target = Proc(*m, 500, 8, "/usr/bin/curl", false);
    e.nj_args = m->List({"curl", "-s", "https://example.com/x y"});
    e.nj_env = m->List({"PATH=/usr/bin", "HOME=/Users/a"});
    m->fdlists.push_back({{0, 1}, {1, 1}, {2, 6}});
    e.nj_fds = &m->fdlists.back();
    e.script = nullptr;
    e.cwd = File(*m, "/Users/a");
    e.last_fd = 2;
    e.image_cputype = 16777228;
    e.image_cpusubtype = 2;
    e.dyld_exec_path = m->Tok("/usr/bin/curl");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_EXEC, 2);
    es_event_exec_t& e = m->msg.event.exec;
    e.target = Proc(*m, 501, 3, "/bin/sh", false);
    e.nj_args = m->List({"/bin/sh", "./run.sh"});
    e.script = File(*m, "/tmp/run.sh");  // a script executed directly; env and fds not collected
    e.cwd = File(*m, "/tmp");
    e.last_fd = 0;
    e.dyld_exec_path = m->Tok("/tmp/run.sh");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_FORK, 3);
    m->msg.event.fork.child = Proc(*m, 502, 1, "/bin/zsh", true);
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_EXIT, 4);
    m->msg.event.exit.stat = 256;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OPEN, 5);
    m->msg.event.open.fflag = 3;
    m->msg.event.open.file = File(*m, "/etc/hosts");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_CLOSE, 6);
    m->msg.event.close.modified = true;
    m->msg.event.close.target = File(*m, "/tmp/out.txt");
    m->msg.event.close.was_mapped_writable = true;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_CREATE, 7);
    m->msg.event.create.destination_type = ES_DESTINATION_TYPE_EXISTING_FILE;
    m->msg.event.create.destination.existing_file = File(*m, "/tmp/new.txt");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_CREATE, 8);
    m->msg.event.create.destination_type = ES_DESTINATION_TYPE_NEW_PATH;
    m->msg.event.create.destination.new_path.dir = File(*m, "/tmp");
    m->msg.event.create.destination.new_path.filename = m->Tok("denied.txt");
    m->msg.event.create.destination.new_path.mode = 0644;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_RENAME, 9);
    m->msg.event.rename.source = File(*m, "/tmp/a");
    m->msg.event.rename.destination_type = ES_DESTINATION_TYPE_NEW_PATH;
    m->msg.event.rename.destination.new_path.dir = File(*m, "/tmp/d");
    m->msg.event.rename.destination.new_path.filename = m->Tok("b");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_UNLINK, 10);
    m->msg.event.unlink.target = File(*m, "/tmp/a");
    m->msg.event.unlink.parent_dir = File(*m, "/tmp");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_WRITE, 11);
    m->msg.event.write.target = File(*m, "/tmp/out.txt");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SIGNAL, 12);
    m->msg.event.signal.sig = 9;
    m->msg.event.signal.target = Proc(*m, 777, 2, "/usr/sbin/victim", false);
    m->msg.event.signal.instigator = Proc(*m, 1, 1, "/sbin/launchd", false);
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SIGNAL, 13);
    m->msg.event.signal.sig = 15;
    m->msg.event.signal.target = Proc(*m, 778, 2, "/usr/sbin/victim", false);
    m->msg.event.signal.instigator = nullptr;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_MMAP, 14);
    m->msg.event.mmap = {5, 7, 2, 4096, File(*m, "/usr/lib/libfoo.dylib")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_MPROTECT, 15);
    m->msg.event.mprotect = {7, 4295000064ull, 16384};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_IOKIT_OPEN, 16);
    m->msg.event.iokit_open.user_client_type = 0;
    m->msg.event.iokit_open.user_client_class = m->Tok("IOHIDParamUserClient");
    if (v >= 10) {  // the device behind the user client
      m->msg.event.iokit_open.parent_registry_id = 4294968881ull;
      m->msg.event.iokit_open.parent_path = m->Tok("IOService:/AppleARMPE/arm-io/AppleH13CamIn");
    }
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_LINK, 17);
    m->msg.event.link = {File(*m, "/tmp/a"), File(*m, "/tmp/d"), m->Tok("hard")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETMODE, 18);
    m->msg.event.setmode = {04755, File(*m, "/tmp/suid")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_TRUNCATE, 19);
    m->msg.event.truncate.target = File(*m, "/tmp/out.txt");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_CS_INVALIDATED, 20);
    m->msg.thread = nullptr;  // nullable thread
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_FCNTL, 21);
    m->msg.event.fcntl = {File(*m, "/tmp/locked"), 48};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_READDIR, 22);
    m->msg.event.readdir.target = File(*m, "/Users/a/Library/Keychains");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_KEXTLOAD, 23);
    m->msg.event.kextload.identifier = m->Tok("com.example.driver");
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETOWNER, 24);
    m->msg.event.setowner = {0, 80, File(*m, "/tmp/owned")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GET_TASK, 25);
    m->msg.event.get_task = {Proc(*m, 600, 4, "/usr/bin/target", false), ES_GET_TASK_TYPE_EXPOSE_TASK};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROC_CHECK, 26);
    m->msg.event.proc_check = {Proc(*m, 601, 1, "/usr/bin/target", false), 2, 13};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROC_CHECK, 27);
    m->msg.event.proc_check = {nullptr, 1, 0};  // LISTPIDS: no target
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE, 28);
    m->msg.event.remote_thread_create = {Proc(*m, 602, 9, "/Applications/Victim.app/Contents/MacOS/Victim", true), nullptr};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_REMOTE_THREAD_CREATE, 29);
    static es_thread_state_t state{6, {0, nullptr}};  // read-only after init; shared by every version
    m->msg.event.remote_thread_create = {Proc(*m, 603, 1, "/usr/bin/target", false), &state};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETEXTATTR, 30);
    m->msg.event.setextattr = {File(*m, "/tmp/dl.zip"), m->Tok("com.apple.quarantine")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GETEXTATTR, 31);
    m->msg.event.getextattr = {File(*m, "/tmp/dl.zip"), m->Tok("com.apple.metadata:kMDItemWhereFroms")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR, 32);
    m->msg.event.deleteextattr = {File(*m, "/tmp/dl.zip"), m->Tok("com.apple.quarantine")};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_DELETEEXTATTR, 33);
    m->msg.event.deleteextattr = {nullptr, {0, nullptr}};  // absent file and name render as null
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SUDO, 34);
    static es_event_sudo_t ok{};  // tokens point at string literals: static and read-only
    ok = {true, nullptr, true, 501, {5, "alice"}, true, 0, {4, "root"}, {12, "/bin/ls /var"}};
    m->msg.event.sudo = &ok;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SUDO, 35);
    static es_sudo_reject_info_t ri{{7, "sudoers"}, 1, {19, "command not allowed"}};
    static es_event_sudo_t denied{};
    denied = {false, &ri, true, 501, {5, "alice"}, false, 0, {0, nullptr}, {0, nullptr}};
    m->msg.event.sudo = &denied;
    out.push_back(std::move(m));
  }
  // ---- 13.0+ user-space events (pointer payloads owned by the message) ----
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHENTICATION, 36);
    auto* e = m->New<es_event_authentication_t>();
    auto* od = m->New<es_event_authentication_od_t>();
    *od = {Proc(*m, 700, 1, "/System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow", false), m->Tok("Users"),
           m->Tok("alice"), m->Tok(kNode), m->Tok(kDb), {}};
    Token(od->instigator_token, 700, 1);
    e->success = true;
    e->type = ES_AUTHENTICATION_TYPE_OD;
    e->data.od = od;
    m->msg.event.authentication = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHENTICATION, 37);
    auto* e = m->New<es_event_authentication_t>();
    auto* t = m->New<es_event_authentication_touchid_t>();
    *t = {nullptr, 0, true, 501, {}};
    Token(t->instigator_token, 701, 2);
    *e = {true, ES_AUTHENTICATION_TYPE_TOUCHID, {}};
    e->data.touchid = t;
    m->msg.event.authentication = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHENTICATION, 38);
    auto* e = m->New<es_event_authentication_t>();
    auto* t = m->New<es_event_authentication_token_t>();
    *t = {Proc(*m, 702, 1, "/usr/sbin/sshd", false), m->Tok("A1B2C3"), m->Tok("com.apple.pivtoken:1234"), kNoString, {}};
    Token(t->instigator_token, 702, 1);
    *e = {false, ES_AUTHENTICATION_TYPE_TOKEN, {}};
    e->data.token = t;
    m->msg.event.authentication = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHENTICATION, 39);
    auto* e = m->New<es_event_authentication_t>();
    auto* t = m->New<es_event_authentication_auto_unlock_t>();
    *t = {m->Tok("alice"), 1};
    *e = {true, ES_AUTHENTICATION_TYPE_AUTO_UNLOCK, {}};
    e->data.auto_unlock = t;
    m->msg.event.authentication = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_XP_MALWARE_DETECTED, 40);
    auto* e = m->New<es_event_xp_malware_detected_t>();
    *e = {m->Tok("5285"), m->Tok("OSX.Adload.A"), m->Tok("ABCD-1234"), m->Tok("/Users/a/Downloads/x.app"),
          v >= 10 ? m->Tok("/Users/a/Downloads/x.app/Contents/MacOS/x") : es_string_token_t{0, nullptr}};
    m->msg.event.xp_malware_detected = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED, 41);
    auto* e = m->New<es_event_xp_malware_remediated_t>();
    *e = {m->Tok("5285"), m->Tok("OSX.Adload.A"), m->Tok("ABCD-1234"), m->Tok("path_delete"), true, m->Tok("deleted"),
          m->Tok("/Users/a/Downloads/x.app"), TokenPtr(*m, 703, 5)};
    m->msg.event.xp_malware_remediated = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_XP_MALWARE_REMEDIATED, 42);
    auto* e = m->New<es_event_xp_malware_remediated_t>();
    *e = {m->Tok("5285"), m->Tok("OSX.Adload.A"), m->Tok("ABCD-1234"), m->Tok("process_kill"), false, m->Tok("not found"), kNoString, nullptr};
    m->msg.event.xp_malware_remediated = e;
    out.push_back(std::move(m));
  }
  {
    const uint32_t lw[4] = {ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGIN, ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOGOUT,
                            ES_EVENT_TYPE_NOTIFY_LW_SESSION_LOCK, ES_EVENT_TYPE_NOTIFY_LW_SESSION_UNLOCK};
    for (int i = 0; i < 4; i++) {
      auto m = Base(v, lw[i], 43 + i);
      auto* e = m->New<es_event_lw_session_login_t>();
      *e = {m->Tok("alice"), 257};
      if (i == 0) m->msg.event.lw_session_login = e;
      if (i == 1) m->msg.event.lw_session_logout = e;
      if (i == 2) m->msg.event.lw_session_lock = e;
      if (i == 3) m->msg.event.lw_session_unlock = e;
      out.push_back(std::move(m));
    }
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SCREENSHARING_ATTACH, 47);
    auto* e = m->New<es_event_screensharing_attach_t>();
    *e = {true, 1, m->Tok("192.168.1.20"), kNoString, m->Tok("VNC"), kNoString, m->Tok("alice"), true, 257};
    m->msg.event.screensharing_attach = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SCREENSHARING_DETACH, 48);
    auto* e = m->New<es_event_screensharing_detach_t>();
    *e = {1, m->Tok("192.168.1.20"), kNoString, 257};
    m->msg.event.screensharing_detach = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN, 49);
    auto* e = m->New<es_event_openssh_login_t>();
    *e = {true, 2, 1, m->Tok("10.0.0.5"), m->Tok("alice"), true, 501};
    m->msg.event.openssh_login = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGIN, 50);
    auto* e = m->New<es_event_openssh_login_t>();
    *e = {false, 9, 2, m->Tok("fe80::1"), m->Tok("admin"), false, 0};  // invalid user: no uid
    m->msg.event.openssh_login = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OPENSSH_LOGOUT, 51);
    auto* e = m->New<es_event_openssh_logout_t>();
    *e = {1, m->Tok("10.0.0.5"), m->Tok("alice"), 501};
    m->msg.event.openssh_logout = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN, 52);
    auto* e = m->New<es_event_login_login_t>();
    *e = {true, kNoString, m->Tok("alice"), true, 501};
    m->msg.event.login_login = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_LOGIN_LOGIN, 53);
    auto* e = m->New<es_event_login_login_t>();
    *e = {false, m->Tok("Login incorrect"), m->Tok("bob"), false, 0};
    m->msg.event.login_login = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_LOGIN_LOGOUT, 54);
    auto* e = m->New<es_event_login_logout_t>();
    *e = {m->Tok("alice"), 501};
    m->msg.event.login_logout = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD, 55);
    auto* item = m->New<es_btm_launch_item_t>();
    *item = {3, true, false, 501, m->Tok("file:///Users/alice/Library/LaunchAgents/com.example.agent.plist"), kNoString};
    auto* e = m->New<es_event_btm_launch_item_add_t>();
    *e = {Proc(*m, 704, 1, "/Users/Shared/.cache/agent", true), nullptr, item, m->Tok("/Users/Shared/.cache/agent"),
          TokenPtr(*m, 704, 1), nullptr};
    m->msg.event.btm_launch_item_add = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_ADD, 56);
    auto* item = m->New<es_btm_launch_item_t>();
    *item = {2, false, true, 501, m->Tok("Contents/Library/LoginItems/Helper.app"), m->Tok("file:///Applications/Example.app/")};
    auto* e = m->New<es_event_btm_launch_item_add_t>();
    *e = {nullptr, Proc(*m, 705, 1, "/Applications/Example.app/Contents/MacOS/Example", true), item, kNoString, nullptr,
          TokenPtr(*m, 705, 1)};
    m->msg.event.btm_launch_item_add = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_BTM_LAUNCH_ITEM_REMOVE, 57);
    auto* item = m->New<es_btm_launch_item_t>();
    *item = {4, true, false, 0, m->Tok("file:///Library/LaunchDaemons/com.example.d.plist"), kNoString};
    auto* e = m->New<es_event_btm_launch_item_remove_t>();
    *e = {Proc(*m, 706, 1, "/usr/bin/sfltool", false), nullptr, item, TokenPtr(*m, 706, 1), nullptr};
    m->msg.event.btm_launch_item_remove = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SU, 58);
    auto* e = m->New<es_event_su_t>();
    *e = {true, kNoString, 501, m->Tok("alice"), true, 0, m->Tok("root"), m->Tok("/bin/sh"), 2, Tokens(*m, {"su", "-"}), 1,
          Tokens(*m, {"TERM=xterm"})};
    m->msg.event.su = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SU, 59);
    auto* e = m->New<es_event_su_t>();
    *e = {false, m->Tok("Sorry"), 501, m->Tok("alice"), false, 0, kNoString, kNoString, 0, nullptr, 0, nullptr};
    m->msg.event.su = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OD_GROUP_ADD, 60);
    auto* mem = m->New<es_od_member_id_t>();
    mem->member_type = ES_OD_MEMBER_TYPE_USER_NAME;
    mem->member_value.name = m->Tok("support");
    auto* e = m->New<es_event_od_group_add_t>();
    *e = {Proc(*m, 707, 1, "/usr/sbin/dseditgroup", false), 0, m->Tok("admin"), mem, m->Tok(kNode), m->Tok(kDb), {}};
    Token(e->instigator_token, 707, 1);
    m->msg.event.od_group_add = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OD_GROUP_REMOVE, 61);
    auto* mem = m->New<es_od_member_id_t>();
    mem->member_type = ES_OD_MEMBER_TYPE_USER_UUID;
    for (int i = 0; i < 16; i++) mem->member_value.uuid[i] = (uint8_t)(0x10 + i);
    auto* e = m->New<es_event_od_group_remove_t>();
    *e = {nullptr, 0, m->Tok("admin"), mem, m->Tok("/LDAPv3/ldap.example.com"), kNoString, {}};
    Token(e->instigator_token, 708, 1);
    m->msg.event.od_group_remove = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OD_GROUP_SET, 62);
    auto* ms = m->New<es_od_member_id_array_t>();
    ms->member_type = ES_OD_MEMBER_TYPE_USER_NAME;
    ms->member_count = 2;
    ms->member_array.names = Tokens(*m, {"alice", "bob"});
    auto* e = m->New<es_event_od_group_set_t>();
    *e = {Proc(*m, 707, 1, "/usr/sbin/dseditgroup", false), 0, m->Tok("staff"), ms, m->Tok(kNode), m->Tok(kDb), {}};
    Token(e->instigator_token, 707, 1);
    m->msg.event.od_group_set = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OD_MODIFY_PASSWORD, 63);
    auto* e = m->New<es_event_od_modify_password_t>();
    *e = {Proc(*m, 709, 1, "/usr/bin/dscl", false), 0, 0, m->Tok("alice"), m->Tok(kNode), m->Tok(kDb), {}};
    Token(e->instigator_token, 709, 1);
    m->msg.event.od_modify_password = e;
    out.push_back(std::move(m));
  }
  {
    // od_disable_user, od_enable_user, od_create_user, od_delete_user: one shape.
    const struct { uint32_t type; const char* user; int32_t err; } users[4] = {
        {ES_EVENT_TYPE_NOTIFY_OD_DISABLE_USER, "bob", 0}, {ES_EVENT_TYPE_NOTIFY_OD_ENABLE_USER, "bob", 0},
        {ES_EVENT_TYPE_NOTIFY_OD_CREATE_USER, "support", 0}, {ES_EVENT_TYPE_NOTIFY_OD_DELETE_USER, "bob", 5000}};
    for (int i = 0; i < 4; i++) {
      auto m = Base(v, users[i].type, 64 + i);
      auto* e = m->New<es_event_od_create_user_t>();
      *e = {Proc(*m, 709, 1, "/usr/bin/dscl", false), users[i].err, m->Tok(users[i].user), m->Tok(kNode), m->Tok(kDb), {}};
      Token(e->instigator_token, 709, 1);
      if (i == 0) m->msg.event.od_disable_user = e;
      if (i == 1) m->msg.event.od_enable_user = e;
      if (i == 2) m->msg.event.od_create_user = e;
      if (i == 3) m->msg.event.od_delete_user = e;
      out.push_back(std::move(m));
    }
  }
  {
    for (int i = 0; i < 2; i++) {
      auto m = Base(v, i == 0 ? ES_EVENT_TYPE_NOTIFY_OD_CREATE_GROUP : ES_EVENT_TYPE_NOTIFY_OD_DELETE_GROUP, 68 + i);
      auto* e = m->New<es_event_od_create_group_t>();
      *e = {Proc(*m, 707, 1, "/usr/sbin/dseditgroup", false), 0, m->Tok("ops"), m->Tok(kNode), m->Tok(kDb), {}};
      Token(e->instigator_token, 707, 1);
      if (i == 0) m->msg.event.od_create_group = e;
      if (i == 1) m->msg.event.od_delete_group = e;
      out.push_back(std::move(m));
    }
  }
  {
    for (int i = 0; i < 2; i++) {
      auto m = Base(v, i == 0 ? ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_ADD : ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_VALUE_REMOVE, 70 + i);
      auto* e = m->New<es_event_od_attribute_value_add_t>();
      *e = {Proc(*m, 709, 1, "/usr/bin/dscl", false), 0, 0, m->Tok("alice"), m->Tok("dsAttrTypeStandard:AuthenticationAuthority"),
            m->Tok(";ShadowHash;"), m->Tok(kNode), m->Tok(kDb), {}};
      Token(e->instigator_token, 709, 1);
      if (i == 0) m->msg.event.od_attribute_value_add = e;
      if (i == 1) m->msg.event.od_attribute_value_remove = e;
      out.push_back(std::move(m));
    }
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_OD_ATTRIBUTE_SET, 72);
    auto* e = m->New<es_event_od_attribute_set_t>();
    *e = {Proc(*m, 709, 1, "/usr/bin/dscl", false), 0, 0, m->Tok("alice"), m->Tok("dsAttrTypeStandard:UserShell"), 1,
          Tokens(*m, {"/bin/zsh"}), m->Tok(kNode), m->Tok(kDb), {}};
    Token(e->instigator_token, 709, 1);
    m->msg.event.od_attribute_set = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_TCC_MODIFY, 73);
    auto* e = m->New<es_event_tcc_modify_t>();
    *e = {m->Tok("kTCCServiceScreenCapture"), m->Tok("/Users/Shared/.cache/agent"), 1, 1, {},
          Proc(*m, 710, 1, "/System/Library/PrivateFrameworks/TCC.framework/Support/tccd", false), nullptr, nullptr, 2, 5};
    Token(e->instigator_token, 710, 1);
    m->msg.event.tcc_modify = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_TCC_MODIFY, 74);
    auto* e = m->New<es_event_tcc_modify_t>();
    *e = {m->Tok("kTCCServiceAccessibility"), m->Tok("com.example.app"), 0, 3, {}, nullptr, TokenPtr(*m, 712, 1),
          Proc(*m, 712, 1, "/Applications/Example.app/Contents/MacOS/Example", true), 0, 2};
    Token(e->instigator_token, 711, 1);
    m->msg.event.tcc_modify = e;
    out.push_back(std::move(m));
  }
  // ---- 12.0 set*id (inline payloads) ----
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETUID, 75);
    m->msg.event.setuid.uid = 0;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETGID, 76);
    m->msg.event.setgid.gid = 20;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETEUID, 77);
    m->msg.event.seteuid.euid = 501;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETEGID, 78);
    m->msg.event.setegid.egid = 80;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETREUID, 79);
    m->msg.event.setreuid = {4294967295u, 0};  // ruid -1: "unchanged" in setreuid(2)
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_SETREGID, 80);
    m->msg.event.setregid = {20, 0};
    out.push_back(std::move(m));
  }
  // ---- 14.0 xpc_connect, profile_*, authorization_*; 15.0 gatekeeper_user_override (pointer payloads) ----
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_XPC_CONNECT, 81);
    auto* e = m->New<es_event_xpc_connect_t>();
    *e = {m->Tok("com.apple.securityd.xpc"), 1};
    m->msg.event.xpc_connect = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROFILE_ADD, 82);
    auto* p = m->New<es_profile_t>();
    *p = {m->Tok("com.example.mdm.wifi"), m->Tok("5F1E2D3C-0000-4000-8000-000000000001"), 0, m->Tok("Example Corp"),
          m->Tok("Wi-Fi"), m->Tok("System")};
    auto* e = m->New<es_event_profile_add_t>();
    *e = {Proc(*m, 713, 1, "/usr/libexec/mdmclient", false), false, p, {}};
    Token(e->instigator_token, 713, 1);
    m->msg.event.profile_add = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROFILE_ADD, 83);
    auto* p = m->New<es_profile_t>();
    *p = {m->Tok("com.example.manual"), m->Tok("5F1E2D3C-0000-4000-8000-000000000002"), 1, kNoString, m->Tok("Proxy"), m->Tok("User")};
    auto* e = m->New<es_event_profile_add_t>();
    *e = {nullptr, true, p, {}};  // no instigator process; the token still names it (v8)
    Token(e->instigator_token, 714, 3);
    m->msg.event.profile_add = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROFILE_REMOVE, 84);
    auto* p = m->New<es_profile_t>();
    *p = {m->Tok("com.example.mdm.wifi"), m->Tok("5F1E2D3C-0000-4000-8000-000000000001"), 0, m->Tok("Example Corp"),
          m->Tok("Wi-Fi"), m->Tok("System")};
    auto* e = m->New<es_event_profile_remove_t>();
    *e = {Proc(*m, 715, 1, "/usr/bin/profiles", false), p, {}};
    Token(e->instigator_token, 715, 1);
    m->msg.event.profile_remove = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION, 85);
    auto* e = m->New<es_event_authorization_petition_t>();
    *e = {Proc(*m, 716, 1, "/usr/bin/security", false), Proc(*m, 717, 2, "/Applications/Installer.app/Contents/MacOS/Installer", true), 3, 2,
          Tokens(*m, {"system.privilege.admin", "system.install.software"}), {}, {}};
    Token(e->instigator_token, 716, 1);
    Token(e->petitioner_token, 717, 2);
    m->msg.event.authorization_petition = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_PETITION, 86);
    auto* e = m->New<es_event_authorization_petition_t>();
    *e = {Proc(*m, 716, 1, "/usr/bin/security", false), nullptr, 0, 0, nullptr, {}, {}};  // no petitioner, no rights
    Token(e->instigator_token, 716, 1);
    Token(e->petitioner_token, 718, 1);
    m->msg.event.authorization_petition = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT, 87);
    auto* rs = m->New<std::array<es_authorization_result_t, 2>>();
    (*rs)[0] = {m->Tok("system.privilege.admin"), 2, true};
    (*rs)[1] = {m->Tok("system.install.software"), 1, false};
    auto* e = m->New<es_event_authorization_judgement_t>();
    *e = {Proc(*m, 716, 1, "/usr/bin/security", false), Proc(*m, 717, 2, "/Applications/Installer.app/Contents/MacOS/Installer", true), 0, 2,
          rs->data(), {}, {}};
    Token(e->instigator_token, 716, 1);
    Token(e->petitioner_token, 717, 2);
    m->msg.event.authorization_judgement = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_AUTHORIZATION_JUDGEMENT, 88);
    auto* e = m->New<es_event_authorization_judgement_t>();
    *e = {nullptr, nullptr, -60005, 0, nullptr, {}, {}};  // errAuthorizationDenied, no results
    Token(e->instigator_token, 719, 1);
    Token(e->petitioner_token, 719, 1);
    m->msg.event.authorization_judgement = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE, 89);
    auto* sha = m->New<std::array<uint8_t, 32>>();
    for (int i = 0; i < 32; i++) (*sha)[i] = (uint8_t)(0xC0 + i);
    auto* si = m->New<es_signed_file_info_t>();
    for (int i = 0; i < 20; i++) si->cdhash[i] = (uint8_t)(0x01 + i);
    si->signing_id = m->Tok("com.example.tool");
    si->team_id = m->Tok("TEAMID1234");
    auto* e = m->New<es_event_gatekeeper_user_override_t>();
    e->file_type = ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_FILE;
    e->file.file = File(*m, "/Users/a/Downloads/tool");
    e->sha256 = sha->data();
    e->signing_info = si;
    m->msg.event.gatekeeper_user_override = e;
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GATEKEEPER_USER_OVERRIDE, 90);
    auto* e = m->New<es_event_gatekeeper_user_override_t>();
    e->file_type = ES_GATEKEEPER_USER_OVERRIDE_FILE_TYPE_PATH;  // ES could not look the file up: a path only
    e->file.file_path = m->Tok("/Users/a/Downloads/x.dmg");
    m->msg.event.gatekeeper_user_override = e;  // no sha256 (over 100 MB), unsigned
    out.push_back(std::move(m));
  }
  // ---- 11.x task ports, trace, proc_suspend_resume (inline payloads) ----
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GET_TASK_READ, 91);
    m->msg.event.get_task_read = {Proc(*m, 720, 1, "/usr/bin/target", false), ES_GET_TASK_TYPE_TASK_FOR_PID};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GET_TASK_INSPECT, 92);
    m->msg.event.get_task_inspect = {Proc(*m, 721, 2, "/usr/bin/target", false), ES_GET_TASK_TYPE_IDENTITY_TOKEN};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_GET_TASK_NAME, 93);
    m->msg.event.get_task_name = {Proc(*m, 722, 1, "/usr/bin/target", false), ES_GET_TASK_TYPE_EXPOSE_TASK};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_TRACE, 94);
    m->msg.event.trace.target = Proc(*m, 723, 4, "/Applications/Victim.app/Contents/MacOS/Victim", true);
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME, 95);
    m->msg.event.proc_suspend_resume = {Proc(*m, 724, 1, "/usr/bin/target", false), ES_PROC_SUSPEND_RESUME_TYPE_SUSPEND};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_PROC_SUSPEND_RESUME, 96);
    m->msg.event.proc_suspend_resume = {nullptr, ES_PROC_SUSPEND_RESUME_TYPE_SHUTDOWN_SOCKETS};  // no target process
    out.push_back(std::move(m));
  }
  // ---- mount / unmount (10.15), remount (11.0); disposition and remount_flags are v8 ----
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_MOUNT, 97);
    m->msg.event.mount = {Statfs(*m, "/Volumes/Installer", "/dev/disk4s1", 0x1001 | 0x100000 /* MNT_DONTBROWSE */), ES_MOUNT_DISPOSITION_VIRTUAL};
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_UNMOUNT, 98);
    m->msg.event.unmount.statfs = Statfs(*m, "/Volumes/Installer", "/dev/disk4s1", 0x1001);
    out.push_back(std::move(m));
  }
  {
    auto m = Base(v, ES_EVENT_TYPE_NOTIFY_REMOUNT, 99);
    m->msg.event.remount = {Statfs(*m, "/", "/dev/disk3s1s1", 0x5000), 0x10000 /* MNT_UPDATE */, ES_MOUNT_DISPOSITION_INTERNAL};
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::unique_ptr<OwnedMessage>> ProcessVariants(uint32_t v) {
  std::vector<std::function<void(OwnedMessage&, es_process_t&)>> changes = {
      [](OwnedMessage&, es_process_t&) {},
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[0] = 601; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[1] = 602; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[2] = 603; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[3] = 604; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[4] = 605; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[6] = 606; },
      [](OwnedMessage&, es_process_t& p) { p.audit_token.val[7] = 607; },
      [](OwnedMessage&, es_process_t& p) { p.ppid = 77; },
      [](OwnedMessage&, es_process_t& p) { p.original_ppid = 77; },
      [](OwnedMessage&, es_process_t& p) { p.group_id = 77; },
      [](OwnedMessage&, es_process_t& p) { p.session_id = 77; },
      [](OwnedMessage&, es_process_t& p) { p.codesigning_flags = 1; },
      [](OwnedMessage&, es_process_t& p) { p.is_platform_binary = !p.is_platform_binary; },
      [](OwnedMessage&, es_process_t& p) { p.is_es_client = !p.is_es_client; },
      [](OwnedMessage&, es_process_t& p) { p.cdhash[19] = 0; },
      [](OwnedMessage& m, es_process_t& p) { p.signing_id = m.Tok("com.example.other"); },
      [](OwnedMessage&, es_process_t& p) { p.team_id = es_string_token_t{0, nullptr}; },
      [](OwnedMessage& m, es_process_t& p) { p.executable = File(m, "/bin/bash"); },
      [](OwnedMessage&, es_process_t& p) { p.executable->path_truncated = true; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_dev = 2; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_mode = 0100644; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_nlink = 2; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_ino = 99; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_uid = 501; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_gid = 20; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_rdev = 3; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_atimespec.tv_sec = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_mtimespec.tv_nsec = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_ctimespec.tv_sec = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_birthtimespec.tv_nsec = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_size = 4; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_blocks = 4; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_blksize = 512; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_flags = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->stat.st_gen = 1; },
      [](OwnedMessage&, es_process_t& p) { p.executable->nj_no_stat = true; },
      [](OwnedMessage& m, es_process_t& p) { p.tty = File(m, "/dev/ttys002"); },
      [](OwnedMessage&, es_process_t& p) { p.tty = nullptr; },
      [](OwnedMessage&, es_process_t& p) { p.start_time.tv_sec += 1; },
      [](OwnedMessage&, es_process_t& p) { p.start_time.tv_usec += 1; },
      [](OwnedMessage&, es_process_t& p) { p.responsible_audit_token.val[5] = 2; },
      [](OwnedMessage&, es_process_t& p) { p.parent_audit_token.val[5] = 2; },
      [](OwnedMessage&, es_process_t& p) { p.cs_validation_category = 1; },
      [](OwnedMessage&, es_process_t& p) { p.nj_no_codesigning = true; },
      [](OwnedMessage&, es_process_t& p) { p.nj_omit = NJ_OMIT_TTY; },
  };
  // The unchanged process before each variant: a key that missed the changed field would find
  // the unchanged one's text still kept.
  std::vector<std::unique_ptr<OwnedMessage>> out;
  for (const auto& change : changes) {
    for (int changed = 0; changed < 2; changed++) {
      auto m = Base(v, ES_EVENT_TYPE_NOTIFY_EXIT, out.size());
      if (changed) change(*m, *m->msg.process);
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace njes
