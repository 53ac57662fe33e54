// Synthetic messages for the translation tests: every rendered event type with fixed values, so
// the JS side can compare the translator's output with expected JSON for each message version.
#include "synthetic.h"

#include <cstring>
#include <memory>
#include "owned.h"

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
  return out;
}

}  // namespace njes
