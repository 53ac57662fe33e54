// One file on purpose (~740 lines): both kernel interfaces feed one process table and one batch hand-off.
// Linux live backend: the netlink proc connector (fork, exec, exit) and fanotify (open,
// close-write, write) turned into ES-shaped messages (version 4 fields: seq numbers, parent
// tokens), so the live path runs in CI. pidversion = the process's start time in clock ticks
// (/proc/<pid>/stat field 22), so (pid, pidversion) stays unique across pid reuse.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "../common/backend.h"
#include "../common/batch_handoff.h"
#include "../common/translate.h"
#include "../common/translate_json.h"

namespace njes {
namespace {

constexpr uint32_t kVersion = 4;
constexpr size_t kBatchMax = 512;
constexpr int kFlushMs = 50;
// The native side of the live path is bounded in messages and in bytes (built here, not yet taken
// by JS). Past either bound an event is dropped before it is built (no /proc reads, no copies):
// its sequence numbers are spent, so the engine sees the exact gap, and it is counted.
constexpr uint64_t kMaxPendingMessages = 16384;
constexpr uint64_t kMaxPendingBytes = 64ull << 20;

struct ProcInfo {
  uint32_t pid = 0, ppid = 0, pgid = 0, sid = 0;
  uint32_t ruid = 0, euid = 0, rgid = 0, egid = 0;
  uint64_t startTicks = 0;
  std::string exe;
  std::vector<std::string> args;
  std::string cwd;
  // The executable's stat, taken when the image is learned (exec, first sighting): every event
  // names its actor's executable, and a stat of its path per event was a path walk per event.
  struct stat exeStat {};
  bool exeStatOk = false;
  bool valid = false;
};

uint64_t BootTimeSec() {
  std::ifstream f("/proc/stat");
  std::string key;
  uint64_t v;
  while (f >> key) {
    if (key == "btime" && (f >> v)) return v;
  }
  return 0;
}

const long kTicks = sysconf(_SC_CLK_TCK);
const uint64_t kBoot = BootTimeSec();

// Whole small file (/proc entries) with plain read(2): a process can vanish mid-read (ESRCH),
// and iostreams would throw from the backend thread.
std::string ReadFile(const std::string& p) {
  std::string out;
  int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, (size_t)n);
    if (out.size() > (1u << 20)) break;
  }
  close(fd);
  return out;
}

std::string ReadLink(const std::string& p) {
  char buf[4096];
  ssize_t n = readlink(p.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, (size_t)n) : std::string();
}

// Reads /proc/<pid>: stat (ppid, pgrp, session, start time), status (uids/gids), exe, cmdline.
ProcInfo ReadProc(uint32_t pid, bool withArgs) {
  ProcInfo p;
  p.pid = pid;
  std::string base = "/proc/" + std::to_string(pid);
  {
    std::string s = ReadFile(base + "/stat");
    size_t rp = s.rfind(')');  // comm may contain spaces and parens
    if (rp == std::string::npos) return p;
    if (rp + 2 > s.size()) return p;
    std::istringstream in(s.substr(rp + 2));
    std::string state;
    in >> state >> p.ppid >> p.pgid >> p.sid;
    std::string skip;
    for (int i = 0; i < 15; i++) in >> skip;  // fields 7..21
    in >> p.startTicks;                        // field 22
  }
  {
    std::istringstream f(ReadFile(base + "/status"));
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("Uid:", 0) == 0) sscanf(line.c_str() + 4, "%u %u", &p.ruid, &p.euid);
      else if (line.rfind("Gid:", 0) == 0) sscanf(line.c_str() + 4, "%u %u", &p.rgid, &p.egid);
    }
  }
  p.exe = ReadLink(base + "/exe");
  // Through the link: the running image even when its path was since replaced or deleted.
  p.exeStatOk = !p.exe.empty() && stat((base + "/exe").c_str(), &p.exeStat) == 0;
  if (withArgs) {
    std::istringstream f(ReadFile(base + "/cmdline"));
    std::string a;
    while (std::getline(f, a, '\0')) p.args.push_back(a);
    p.cwd = ReadLink(base + "/cwd");
  }
  p.valid = p.startTicks != 0 || pid == 1;
  return p;
}

void FillStat(es_file_t* f, const struct stat& st) {
  darwin_stat_t& d = f->stat;
  d.st_dev = (int32_t)st.st_dev;
  d.st_mode = (uint16_t)st.st_mode;
  d.st_nlink = (uint16_t)st.st_nlink;
  d.st_ino = st.st_ino;
  d.st_uid = st.st_uid;
  d.st_gid = st.st_gid;
  d.st_rdev = (int32_t)st.st_rdev;
  d.st_size = st.st_size;
  d.st_blocks = st.st_blocks;
  d.st_blksize = (int32_t)st.st_blksize;
  d.st_atimespec = {st.st_atim.tv_sec, st.st_atim.tv_nsec};
  d.st_mtimespec = {st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
  d.st_ctimespec = {st.st_ctim.tv_sec, st.st_ctim.tv_nsec};
}

es_file_t* PathFile(OwnedMessage& m, const std::string& path) {
  es_file_t* f = m.File(path);
  struct stat st;
  if (!path.empty() && stat(path.c_str(), &st) == 0) FillStat(f, st);
  else f->nj_no_stat = true;
  return f;
}

void Token(audit_token_t& t, const ProcInfo& p) {
  // auid is not tracked on Linux: AU_DEFAUDITID, as ES prints for unaudited sessions.
  const uint32_t v[8] = {4294967295u, p.euid, p.egid, p.ruid, p.rgid, p.pid, p.sid, (uint32_t)p.startTicks};
  memcpy(t.val, v, sizeof v);
}

class LinuxBackend : public Napi::ObjectWrap<LinuxBackend> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "LinuxBackend",
                       {InstanceMethod("start", &LinuxBackend::Start), InstanceMethod("stop", &LinuxBackend::Stop),
                        InstanceMethod("stats", &LinuxBackend::Stats), InstanceMethod("backfill", &LinuxBackend::Backfill)});
  }

  explicit LinuxBackend(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LinuxBackend>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsFunction())
      ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "new LinuxBackend(eventNames: string[], onBatch: Function, options?: { paths?: string[] })");
    Napi::Array names = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < names.Length(); i++) events_.insert(names.Get(i).ToString().Utf8Value());
    if (info.Length() > 2 && info[2].IsObject()) {
      Napi::Object o = info[2].As<Napi::Object>();
      auto strings = [&](const char* k, std::vector<std::string>& out) {
        if (!o.Get(k).IsArray()) return;
        Napi::Array a = o.Get(k).As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToString().Utf8Value());
      };
      strings("paths", paths_);
      // Muting by the acting process, as ES does: its executable (literal or prefix) or its pid.
      strings("mutePaths", mutePaths_);
      strings("mutePathPrefixes", mutePrefixes_);
      if (o.Get("mutePids").IsArray()) {
        Napi::Array a = o.Get("mutePids").As<Napi::Array>();
        for (uint32_t i = 0; i < a.Length(); i++) mutePids_.insert(a.Get(i).ToNumber().Uint32Value());
      }
      invertMuting_ = o.Get("invertMuting").ToBoolean().Value();
      if (o.Get("wire").IsString() && o.Get("wire").ToString().Utf8Value() == "json") wire_ = Wire::kJson;
    }
    onBatch_ = Napi::Persistent(info[1].As<Napi::Function>());
    self_ = (uint32_t)getpid();
  }

  ~LinuxBackend() override { Shutdown(); }

 private:
  bool Wants(const char* n) const { return events_.count(n) != 0; }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (running_) return env.Undefined();
    if (geteuid() != 0)
      ThrowCoded(env, "NJ_SOURCE_NOT_ROOT", "the linux backend needs root (fanotify and the proc connector need CAP_SYS_ADMIN / CAP_NET_ADMIN): run with sudo");
    stopFd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (Wants("exec") || Wants("fork") || Wants("exit")) OpenConnector(env);
    if (Wants("open") || Wants("close") || Wants("write") || Wants("exec")) OpenFanotify(env);
    if (Wants("create") || Wants("unlink") || Wants("rename")) OpenDirEvents();
    handoff_.Open(env, onBatch_.Value(), "nightjar-linux", BatchHandoff::kMaxQueuedBatches, wire_);
    running_ = true;
    thread_ = std::thread([this] {
      // Nothing may escape the backend thread (it would abort the whole process).
      try {
        Loop();
      } catch (const std::exception& e) {
        SetError(std::string("internal error: ") + e.what());
      } catch (...) {
        SetError("internal error");
      }
      // Whatever ended the loop while still running is the source's error (JS ends the source with it).
      if (running_) SetError("the backend thread stopped");
    });
    return env.Undefined();
  }

  void OpenConnector(Napi::Env env) {
    nl_ = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (nl_ < 0) Fail(env, "netlink socket");
    int rcv = 8 << 20;
    setsockopt(nl_, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv);
    struct sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = CN_IDX_PROC;
    sa.nl_pid = 0;  // let the kernel pick: several backends may run in one process
    if (bind(nl_, (struct sockaddr*)&sa, sizeof sa) < 0) Fail(env, "netlink bind");
    // nlmsghdr + cn_msg + the op, laid out by hand (cn_msg ends in a flexible array).
    alignas(struct nlmsghdr) char m[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op))];
    memset(m, 0, sizeof m);
    auto* h = (struct nlmsghdr*)m;
    h->nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(enum proc_cn_mcast_op));
    h->nlmsg_type = NLMSG_DONE;
    auto* c = (struct cn_msg*)NLMSG_DATA(h);
    c->id.idx = CN_IDX_PROC;
    c->id.val = CN_VAL_PROC;
    c->len = sizeof(enum proc_cn_mcast_op);
    enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
    memcpy(c->data, &op, sizeof op);
    if (send(nl_, m, h->nlmsg_len, 0) < 0) Fail(env, "proc connector listen");
  }

  void OpenFanotify(Napi::Env env) {
    // No kernel-side queue limit: a fanotify overflow says only "some events are gone", never how
    // many. The reader drains the kernel queue at once, and what our own bounded queue cannot hold
    // is dropped and counted exactly (Saturated()). Without the flag (older kernels) an overflow is
    // reported as a gap of unknown size.
    fan_ = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fan_ < 0) fan_ = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fan_ < 0) Fail(env, "fanotify_init");
    uint64_t mask = 0;
    if (Wants("open")) mask |= FAN_OPEN;
    if (Wants("close")) mask |= FAN_CLOSE_WRITE;
    if (Wants("write")) mask |= FAN_MODIFY;
    // The connector gives only a pid; a process that exits at once leaves nothing in /proc. The
    // executable's open-for-exec (same pid, just before) names it reliably.
    if (Wants("exec")) mask |= FAN_OPEN_EXEC;
    // Scoped: only the given directories (their files, FAN_EVENT_ON_CHILD) instead of every mount.
    if (!paths_.empty()) {
      for (const auto& p : paths_)
        if (fanotify_mark(fan_, FAN_MARK_ADD, mask | FAN_EVENT_ON_CHILD, AT_FDCWD, p.c_str()) != 0) Fail(env, "fanotify_mark (path)");
      return;
    }
    // Every mount of a real file system; pseudo file systems would only add noise.
    static const std::set<std::string> kSkip = {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "securityfs",
                                                "debugfs", "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs",
                                                "autofs", "binfmt_misc", "nsfs", "efivarfs", "rpc_pipefs", "devtmpfs"};
    std::ifstream f("/proc/self/mounts");
    std::string dev, dir, type, rest;
    int marked = 0;
    while (f >> dev >> dir >> type && std::getline(f, rest)) {
      if (kSkip.count(type)) continue;
      if (fanotify_mark(fan_, FAN_MARK_ADD | FAN_MARK_MOUNT, mask, AT_FDCWD, dir.c_str()) == 0) marked++;
    }
    if (marked == 0) Fail(env, "fanotify_mark (no mount could be marked)");
  }

  // Directory-entry events (create, unlink, rename) need a group that reports directory file
  // handles and names (Linux 5.9+; FAN_RENAME 5.17+). Where the kernel lacks them this is skipped
  // and the names are reported as unsupported, not an error.
  void OpenDirEvents() {
    fid_ = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME | FAN_UNLIMITED_QUEUE,
                         O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fid_ < 0)
      fid_ = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
    if (fid_ < 0) return;
    uint64_t mask = FAN_ONDIR;
    if (Wants("create")) mask |= FAN_CREATE;
    if (Wants("unlink")) mask |= FAN_DELETE;
#ifdef FAN_RENAME
    if (Wants("rename")) mask |= FAN_RENAME;
#endif
    static const std::set<std::string> kSkip = {"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "securityfs",
                                                "debugfs", "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs",
                                                "autofs", "binfmt_misc", "nsfs", "efivarfs", "rpc_pipefs", "devtmpfs"};
    std::ifstream f("/proc/self/mounts");
    std::string dev, dir, type, rest;
    while (f >> dev >> dir >> type && std::getline(f, rest)) {
      if (kSkip.count(type)) continue;
      struct statfs sf;
      if (statfs(dir.c_str(), &sf) != 0) continue;
      uint64_t key = FsidKey(sf.f_fsid.__val[0], sf.f_fsid.__val[1]);
      if (mountFds_.count(key)) continue;
      if (fanotify_mark(fid_, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, AT_FDCWD, dir.c_str()) != 0) continue;
      int mfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (mfd >= 0) mountFds_[key] = mfd;
    }
    if (mountFds_.empty()) {
      close(fid_);
      fid_ = -1;
    }
  }

  static uint64_t FsidKey(int a, int b) { return ((uint64_t)(uint32_t)a << 32) | (uint32_t)b; }

  // Directory path of a file handle from a dir-entry event, or "" when it cannot be resolved.
  std::string DirPath(const struct fanotify_event_info_fid* fid) {
    auto it = mountFds_.find(FsidKey(fid->fsid.val[0], fid->fsid.val[1]));
    if (it == mountFds_.end()) return "";
    auto* fh = (struct file_handle*)fid->handle;
    int fd = open_by_handle_at(it->second, fh, O_PATH | O_CLOEXEC);
    if (fd < 0) return "";
    std::string p = ReadLink("/proc/self/fd/" + std::to_string(fd));
    close(fd);
    return p;
  }

  static const char* NameAfter(const struct fanotify_event_info_fid* fid) {
    auto* fh = (const struct file_handle*)fid->handle;
    return (const char*)(fh->f_handle + fh->handle_bytes);
  }

  void ReadDirEvents() {
    alignas(struct fanotify_event_metadata) char buf[65536];
    for (;;) {
      ssize_t n = read(fid_, buf, sizeof buf);
      if (n <= 0) return;
      auto* md = (struct fanotify_event_metadata*)buf;
      for (; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
        if (md->mask & FAN_Q_OVERFLOW) {
          Overflow();
          continue;
        }
        uint32_t pid = (uint32_t)md->pid;
        if (pid == self_) continue;
        if (Saturated()) {
          if ((md->mask & FAN_CREATE) && Wants("create")) Drop(ES_EVENT_TYPE_NOTIFY_CREATE);
          if ((md->mask & FAN_DELETE) && Wants("unlink")) Drop(ES_EVENT_TYPE_NOTIFY_UNLINK);
#ifdef FAN_RENAME
          if ((md->mask & FAN_RENAME) && Wants("rename")) Drop(ES_EVENT_TYPE_NOTIFY_RENAME);
#endif
          continue;
        }
        std::string dir, name, oldDir, oldName;
        for (char* p = (char*)(md + 1); p < (char*)md + md->event_len;) {
          auto* hdr = (struct fanotify_event_info_header*)p;
          if (hdr->len == 0) break;
          auto* fid = (struct fanotify_event_info_fid*)p;
          if (hdr->info_type == FAN_EVENT_INFO_TYPE_DFID_NAME
#ifdef FAN_EVENT_INFO_TYPE_NEW_DFID_NAME
              || hdr->info_type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME
#endif
          ) {
            dir = DirPath(fid);
            name = NameAfter(fid);
          }
#ifdef FAN_EVENT_INFO_TYPE_OLD_DFID_NAME
          if (hdr->info_type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME) {
            oldDir = DirPath(fid);
            oldName = NameAfter(fid);
          }
#endif
          p += hdr->len;
        }
        const ProcInfo& actor = Known(pid);
        if ((md->mask & FAN_CREATE) && Wants("create") && !dir.empty()) {
          auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_CREATE, actor);
          m->msg.event.create.destination_type = ES_DESTINATION_TYPE_EXISTING_FILE;
          m->msg.event.create.destination.existing_file = PathFile(*m, dir + "/" + name);
          Emit(std::move(m));
        }
        if ((md->mask & FAN_DELETE) && Wants("unlink") && !dir.empty()) {
          auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_UNLINK, actor);
          m->msg.event.unlink.target = PathFile(*m, dir + "/" + name);  // gone: no stat
          m->msg.event.unlink.parent_dir = PathFile(*m, dir);
          Emit(std::move(m));
        }
#ifdef FAN_RENAME
        if ((md->mask & FAN_RENAME) && Wants("rename") && !oldDir.empty() && !dir.empty()) {
          // Linux does not say whether the destination replaced a file: always NEW_PATH.
          auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_RENAME, actor);
          m->msg.event.rename.source = PathFile(*m, oldDir + "/" + oldName);
          m->msg.event.rename.destination_type = ES_DESTINATION_TYPE_NEW_PATH;
          m->msg.event.rename.destination.new_path.dir = PathFile(*m, dir);
          m->msg.event.rename.destination.new_path.filename = m->Tok(name);
          Emit(std::move(m));
        }
#endif
      }
    }
  }

  void Fail(Napi::Env env, const char* what) {
    int e = errno;
    std::string msg = std::string(what) + ": " + strerror(e);
    CloseFds();
    if (e == EPERM || e == EACCES)
      ThrowCoded(env, "NJ_SOURCE_NOT_ROOT", msg + " (the linux backend needs root with CAP_SYS_ADMIN and CAP_NET_ADMIN)");
    ThrowCoded(env, "NJ_SOURCE_FAILED", msg);
  }

  void CloseFds() {
    if (nl_ >= 0) close(nl_);
    if (fan_ >= 0) close(fan_);
    if (fid_ >= 0) close(fid_);
    if (stopFd_ >= 0) close(stopFd_);
    for (auto& kv : mountFds_) close(kv.second);
    mountFds_.clear();
    nl_ = fan_ = fid_ = stopFd_ = -1;
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  void Shutdown() {
    if (!running_) return;
    running_ = false;
    uint64_t one = 1;
    if (write(stopFd_, &one, sizeof one) < 0) { /* the loop also polls running_ */ }
    if (thread_.joinable()) thread_.join();
    handoff_.Close();
    CloseFds();
    cache_.clear();
    execImage_.clear();
    // A storm's messages were built on the backend thread and freed on the JS thread: glibc keeps
    // the freed blocks in the thread's arena; give them back to the system.
    malloc_trim(0);
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("messages", Napi::Number::New(env, (double)messages_.load()));
    o.Set("kernelOverflows", Napi::Number::New(env, (double)overflows_.load()));
    // Proc connector messages the kernel dropped, measured by the per-CPU sequence numbers.
    o.Set("kernelLost", Napi::Number::New(env, (double)kernelLost_.load()));
    HandoffStats h = handoff_.Stats();
    o.Set("drops", Napi::Number::New(env, (double)(h.droppedMessages + nativeDrops_.load())));
    o.Set("pendingBytes", Napi::Number::New(env, (double)h.pendingBytes));
    {
      std::lock_guard<std::mutex> lk(errMu_);
      if (!error_.empty()) o.Set("error", Napi::String::New(env, error_));
    }
    o.Set("droppedBatches", Napi::Number::New(env, (double)h.droppedBatches));
    o.Set("batches", Napi::Number::New(env, (double)h.batches));
    o.Set("pending", Napi::Number::New(env, (double)h.pending));
    o.Set("dirEvents", Napi::Boolean::New(env, fid_ >= 0));
    return o;
  }

  // The processes running now, as ES process objects (for the lineage cache).
  Napi::Value Backfill(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env);
    DIR* d = opendir("/proc");
    if (d == nullptr) return out;
    uint32_t n = 0;
    while (struct dirent* e = readdir(d)) {
      char* end;
      unsigned long pid = strtoul(e->d_name, &end, 10);
      if (*end != '\0' || pid == 0) continue;
      ProcInfo p = ReadProc((uint32_t)pid, true);
      if (!p.valid) continue;
      OwnedMessage m;
      es_process_t* proc = MakeProc(m, p);
      Napi::Object o = TranslateProcess(env, proc, kVersion);
      // argv from /proc/<pid>/cmdline, as the macOS backfill gives it (kernel threads have none:
      // no key, like an unreadable cmdline).
      if (!p.args.empty()) {
        Napi::Array a = Napi::Array::New(env, p.args.size());
        for (uint32_t k = 0; k < p.args.size(); k++) a.Set(k, Napi::String::New(env, p.args[k]));
        o.Set("args", a);
      }
      out.Set(n++, o);
    }
    closedir(d);
    return out;
  }

  // --- backend thread ---

  es_process_t* MakeProc(OwnedMessage& m, const ProcInfo& p) {
    es_process_t* proc = m.Proc();
    Token(proc->audit_token, p);
    proc->ppid = (int32_t)p.ppid;
    proc->original_ppid = (int32_t)p.ppid;
    proc->group_id = (int32_t)p.pgid;
    proc->session_id = (int32_t)p.sid;
    proc->nj_no_codesigning = true;  // Linux has no code signing: signing_id, team_id, cdhash left out
    proc->executable = m.File(p.exe);
    if (p.exeStatOk) FillStat(proc->executable, p.exeStat);
    else proc->executable->nj_no_stat = true;
    proc->tty = nullptr;
    uint64_t startUs = kBoot * 1000000ull + (kTicks > 0 ? p.startTicks * 1000000ull / (uint64_t)kTicks : 0);
    proc->start_time = {(int64_t)(startUs / 1000000), (int64_t)(startUs % 1000000)};
    Token(proc->responsible_audit_token, p);
    ParentToken(proc->parent_audit_token, p.ppid);
    return proc;
  }

  // The parent's token, from the cache when it is there: no copy of its ProcInfo (path, argv) per event.
  void ParentToken(audit_token_t& t, uint32_t ppid) {
    auto it = cache_.find(ppid);
    if (it != cache_.end()) {
      Token(t, it->second);
      return;
    }
    ProcInfo p = ppid ? ReadProc(ppid, false) : ProcInfo{};
    p.pid = ppid;
    Token(t, p);
  }

  const ProcInfo& Known(uint32_t pid) {
    auto it = cache_.find(pid);
    if (it != cache_.end()) return it->second;
    ProcInfo p = ReadProc(pid, true);
    if (!p.valid) p.pid = pid;
    return cache_[pid] = std::move(p);
  }

  std::unique_ptr<OwnedMessage> NewMessage(uint32_t type, const ProcInfo& actor) {
    std::unique_ptr<OwnedMessage> m = spare_ ? std::move(spare_) : std::make_unique<OwnedMessage>();
    struct timespec ts, mono;
    clock_gettime(CLOCK_REALTIME, &ts);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    m->msg.version = kVersion;
    m->msg.time = {ts.tv_sec, ts.tv_nsec};
    m->msg.mach_time = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
    m->msg.action_type = ES_ACTION_TYPE_NOTIFY;
    m->msg.event_type = type;
    m->msg.thread = nullptr;
    m->msg.process = MakeProc(*m, actor);
    return m;
  }

  // Muted by the acting process? (Inverted: everything but what the lists match is muted.)
  bool Muted(const es_message_t& msg) const {
    if (mutePaths_.empty() && mutePrefixes_.empty() && mutePids_.empty()) return false;
    const es_process_t* p = msg.process;
    bool hit = false;
    if (p != nullptr) {
      hit = mutePids_.count(p->audit_token.val[5]) != 0;
      std::string exe = p->executable ? std::string(p->executable->path.data, p->executable->path.length) : "";
      for (const auto& x : mutePaths_) hit = hit || exe == x;
      for (const auto& x : mutePrefixes_) hit = hit || exe.compare(0, x.size(), x) == 0;
    }
    return hit != invertMuting_;
  }

  // Numbers are given here, after muting: a muted event is no event (no gap), as in ES.
  void Emit(std::unique_ptr<OwnedMessage> m) {
    if (Muted(m->msg)) return Recycle(std::move(m));
    m->msg.seq_num = seq_[m->msg.event_type]++;
    m->msg.global_seq_num = globalSeq_++;
    messages_++;
    if (wire_ == Wire::kJson) {
      // Written at once, while the message is still in cache, and the message reused: a batch of
      // 512 built messages (each a handful of containers) was written only when the batch was sent.
      AppendJsonLine(&m->msg, jsonText_);
      jsonCount_++;
      batchBytes_ = jsonText_.capacity();
      Recycle(std::move(m));
    } else {
      batchBytes_ += m->Bytes();
      batch_.push_back(std::move(m));
    }
    if (BatchSize() >= kBatchMax) Flush();
  }

  void Recycle(std::unique_ptr<OwnedMessage> m) {
    m->Reset();
    spare_ = std::move(m);
  }

  size_t BatchSize() const { return wire_ == Wire::kJson ? jsonCount_ : batch_.size(); }

  void Flush() {
    if (wire_ == Wire::kJson) {
      if (jsonCount_ == 0) return;
      const size_t sent = jsonText_.size();
      handoff_.SendText(std::move(jsonText_), jsonCount_);  // a drop is counted there
      // Room for a batch like the last one: a storm's batches do not grow by doubling, and a quiet
      // host's few lines every 50 ms do not reserve a storm's.
      jsonText_ = std::string();
      jsonText_.reserve(sent + sent / 8);
      jsonCount_ = 0;
      batchBytes_ = 0;
      return;
    }
    if (batch_.empty()) return;
    handoff_.Send(std::make_unique<OwnedBatch>(std::move(batch_), batchBytes_));  // a drop is counted there
    batch_.clear();
    batchBytes_ = 0;
  }

  // True when the messages built and not yet taken by JS reach a bound (count or bytes).
  bool Saturated() const {
    HandoffStats h = handoff_.Stats();
    return h.pending + BatchSize() >= kMaxPendingMessages || h.pendingBytes + batchBytes_ >= kMaxPendingBytes;
  }

  // An event not built because the queue is full: its numbers are spent (the engine sees the gap).
  void Drop(uint32_t type) {
    seq_[type]++;
    globalSeq_++;
    nativeDrops_++;
  }

  void SetError(const std::string& e) {
    std::lock_guard<std::mutex> lk(errMu_);
    if (error_.empty()) error_ = e;
  }

  void OnProcEvent(const struct proc_event* ev) {
    if (Saturated()) {
      switch (ev->what) {
        case proc_event::PROC_EVENT_FORK:
          if (ev->event_data.fork.child_pid != ev->event_data.fork.child_tgid) return;
          // Known by pid only, so its exit is still reported (or counted).
          cache_.emplace((uint32_t)ev->event_data.fork.child_tgid, ProcInfo{}).first->second.pid =
              (uint32_t)ev->event_data.fork.child_tgid;
          if (Wants("fork")) Drop(ES_EVENT_TYPE_NOTIFY_FORK);
          return;
        case proc_event::PROC_EVENT_EXEC:
          if (Wants("exec")) Drop(ES_EVENT_TYPE_NOTIFY_EXEC);
          return;
        case proc_event::PROC_EVENT_EXIT:
          if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid) return;
          if (Wants("exit") && cache_.erase((uint32_t)ev->event_data.exit.process_tgid) > 0) Drop(ES_EVENT_TYPE_NOTIFY_EXIT);
          return;
        default:
          return;
      }
    }
    switch (ev->what) {
      case proc_event::PROC_EVENT_FORK: {
        const auto& f = ev->event_data.fork;
        if (f.child_pid != f.child_tgid) return;  // a thread, not a process
        uint32_t child = (uint32_t)f.child_tgid, parent = (uint32_t)f.parent_tgid;
        ProcInfo c = ReadProc(child, true);
        const ProcInfo& pp = Known(parent);
        if (!c.valid) {  // already gone: inherit the parent's image
          c = pp;
          c.pid = child;
          c.ppid = parent;
        }
        cache_[child] = c;
        if (child == self_ || !Wants("fork")) return;
        auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_FORK, Known(parent));
        m->msg.event.fork.child = MakeProc(*m, c);
        Emit(std::move(m));
        break;
      }
      case proc_event::PROC_EVENT_EXEC: {
        uint32_t pid = (uint32_t)ev->event_data.exec.process_tgid;
        ProcInfo before = Known(pid);  // the image before exec (ES: message.process)
        ProcInfo after = ReadProc(pid, true);
        std::string image;
        auto img = execImage_.find(pid);
        if (img == execImage_.end() && fan_ >= 0 && (!after.valid || after.exe.empty())) {
          ReadFanotify();  // its open-for-exec may still be unread
          img = execImage_.find(pid);
        }
        if (img != execImage_.end()) {
          image = img->second;
          execImage_.erase(img);
        }
        if (!after.valid) {
          // Already reaped: keep the identity we knew, the image from open-for-exec (may be
          // unknown, then the path is empty), and no args. Reported, not dropped.
          after = before;
          after.pid = pid;
          SetExe(after, image);
          after.args.clear();
          after.cwd.clear();
        } else if (after.exe.empty()) {
          SetExe(after, image);  // a zombie: /proc has no exe any more
        }
        cache_[pid] = after;
        if (!Wants("exec")) return;
        auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_EXEC, before.valid ? before : after);
        es_event_exec_t& e = m->msg.event.exec;
        e.target = MakeProc(*m, after);
        e.nj_args = m->List(after.args);
        e.script = nullptr;
        e.cwd = PathFile(*m, after.cwd);
        e.last_fd = LastFd(pid);
        Emit(std::move(m));
        break;
      }
      case proc_event::PROC_EVENT_EXIT: {
        const auto& x = ev->event_data.exit;
        if (x.process_pid != x.process_tgid) return;
        uint32_t pid = (uint32_t)x.process_tgid;
        auto it = cache_.find(pid);
        if (Wants("exit") && it != cache_.end() && pid != self_) {
          auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_EXIT, it->second);
          m->msg.event.exit.stat = (int32_t)x.exit_code;
          Emit(std::move(m));
        }
        if (it != cache_.end()) cache_.erase(it);
        break;
      }
      default:
        break;
    }
  }

  static void SetExe(ProcInfo& p, const std::string& path) {
    p.exe = path;
    p.exeStatOk = !path.empty() && stat(path.c_str(), &p.exeStat) == 0;
  }

  static int32_t LastFd(uint32_t pid) {
    int32_t last = -1;
    DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
    if (!d) return last;
    while (struct dirent* e = readdir(d)) {
      int v = atoi(e->d_name);
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && v > last) last = v;
    }
    closedir(d);
    return last;
  }

  void ReadConnector() {
    alignas(struct nlmsghdr) char buf[16384];
    for (;;) {
      ssize_t n = recv(nl_, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // the kernel dropped connector messages: counted by the per-CPU seq below
          overflows_++;
          continue;
        }
        return;
      }
      for (struct nlmsghdr* h = (struct nlmsghdr*)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP) continue;
        auto* cn = (struct cn_msg*)NLMSG_DATA(h);
        if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
        const auto* pe = (const struct proc_event*)cn->data;
        CountConnectorGap(pe->cpu, cn->seq);
        OnProcEvent(pe);
      }
    }
  }

  // The kernel numbers connector messages per CPU (cn_msg.seq): a jump is exactly the messages
  // lost on that CPU. They may include messages we would not have turned into events (threads,
  // comm, uid changes), so the gap is an upper bound; it is added to global_seq_num, where the
  // engine counts it once.
  void CountConnectorGap(uint32_t cpu, uint32_t seq) {
    if (cpu >= 4096) return;
    if (cpuSeq_.size() <= cpu) cpuSeq_.resize(cpu + 1, -1);
    int64_t last = cpuSeq_[cpu];
    if (last >= 0 && seq > (uint64_t)last + 1) {
      uint64_t lost = seq - (uint64_t)last - 1;
      kernelLost_ += lost;
      globalSeq_ += lost;
    }
    cpuSeq_[cpu] = seq;
  }

  // A fanotify queue overflow (only without FAN_UNLIMITED_QUEUE): at least one event is gone, how
  // many is unknown; the global sequence shows a gap of one and the overflow counter says "at least".
  void Overflow() {
    overflows_++;
    globalSeq_++;
  }

  void ReadFanotify() {
    alignas(struct fanotify_event_metadata) char buf[65536];
    for (;;) {
      ssize_t n = read(fan_, buf, sizeof buf);
      if (n <= 0) return;
      auto* md = (struct fanotify_event_metadata*)buf;
      for (; FAN_EVENT_OK(md, n); md = FAN_EVENT_NEXT(md, n)) {
        if (md->mask & FAN_Q_OVERFLOW) {
          Overflow();
          continue;
        }
        if (md->fd < 0) continue;
        uint32_t pid = (uint32_t)md->pid;
        if (pid != self_ && Saturated()) {  // dropped before any /proc read or copy
          if ((md->mask & FAN_OPEN) && Wants("open")) Drop(ES_EVENT_TYPE_NOTIFY_OPEN);
          if ((md->mask & FAN_MODIFY) && Wants("write")) Drop(ES_EVENT_TYPE_NOTIFY_WRITE);
          if ((md->mask & FAN_CLOSE_WRITE) && Wants("close")) Drop(ES_EVENT_TYPE_NOTIFY_CLOSE);
        } else if (pid != self_) {  // self-muting: our own reads are not events
          std::string path = ReadLink("/proc/self/fd/" + std::to_string(md->fd));
          struct stat st;
          bool haveStat = fstat(md->fd, &st) == 0;
          auto file = [&](OwnedMessage& m) {
            es_file_t* f = m.File(path);
            if (haveStat) FillStat(f, st);
            else f->nj_no_stat = true;
            return f;
          };
          if (md->mask & FAN_OPEN_EXEC) {
            // First wins: the binary is opened before its ELF interpreter (ld.so).
            execImage_.emplace(pid, path);
            if (execImage_.size() > 4096) execImage_.clear();  // bound: exec events consume them
          }
          const ProcInfo& actor = Known(pid);
          if ((md->mask & FAN_OPEN) && Wants("open")) {
            auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_OPEN, actor);
            m->msg.event.open.file = file(*m);
            m->msg.event.open.nj_no_fflag = true;
            Emit(std::move(m));
          }
          if ((md->mask & FAN_MODIFY) && Wants("write")) {
            auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_WRITE, actor);
            m->msg.event.write.target = file(*m);
            Emit(std::move(m));
          }
          if ((md->mask & FAN_CLOSE_WRITE) && Wants("close")) {
            auto m = NewMessage(ES_EVENT_TYPE_NOTIFY_CLOSE, actor);
            m->msg.event.close.modified = true;
            m->msg.event.close.target = file(*m);
            Emit(std::move(m));
          }
        }
        close(md->fd);
      }
    }
  }

  void Loop() {
    // Seed the cache so exec/exit of processes started before us have their pre-exec image.
    if (DIR* d = opendir("/proc")) {
      while (struct dirent* e = readdir(d)) {
        char* end;
        unsigned long pid = strtoul(e->d_name, &end, 10);
        if (*end == '\0' && pid != 0) {
          ProcInfo p = ReadProc((uint32_t)pid, true);
          if (p.valid) cache_[(uint32_t)pid] = std::move(p);
        }
      }
      closedir(d);
    }
    struct pollfd fds[4];
    int nfds = 0;
    fds[nfds++] = {stopFd_, POLLIN, 0};
    int nlIdx = -1, fanIdx = -1, fidIdx = -1;
    if (nl_ >= 0) { nlIdx = nfds; fds[nfds++] = {nl_, POLLIN, 0}; }
    if (fan_ >= 0) { fanIdx = nfds; fds[nfds++] = {fan_, POLLIN, 0}; }
    if (fid_ >= 0) { fidIdx = nfds; fds[nfds++] = {fid_, POLLIN, 0}; }
    auto last = std::chrono::steady_clock::now();
    while (running_) {
      int r = poll(fds, (nfds_t)nfds, kFlushMs);
      if (r < 0 && errno != EINTR) {
        SetError(std::string("poll: ") + strerror(errno));
        break;
      }
      bool broken = false;
      for (int i = 1; i < nfds; i++) broken |= (fds[i].revents & (POLLNVAL | POLLHUP)) != 0;
      if (broken) {
        SetError("a kernel event descriptor failed (POLLNVAL/POLLHUP)");
        break;
      }
      if (fds[0].revents) break;
      // fanotify first: an exec's open-for-exec must be seen before the connector's exec event.
      if (fanIdx >= 0 && (fds[fanIdx].revents & POLLIN)) ReadFanotify();
      if (nlIdx >= 0 && (fds[nlIdx].revents & (POLLIN | POLLERR))) {
        if (fanIdx >= 0) ReadFanotify();
        ReadConnector();
      }
      if (fidIdx >= 0 && (fds[fidIdx].revents & POLLIN)) ReadDirEvents();
      auto now = std::chrono::steady_clock::now();
      if (now - last >= std::chrono::milliseconds(kFlushMs) || BatchSize() >= kBatchMax) {
        Flush();
        last = now;
      }
      if (cache_.size() > 200000) cache_.clear();  // bound: a leak of missed exits must not grow forever

    }
    Flush();
  }

  std::set<std::string> events_;
  std::vector<std::string> paths_;  // file events only under these directories (empty: every mount)
  std::vector<std::string> mutePaths_, mutePrefixes_;
  std::set<uint32_t> mutePids_;
  bool invertMuting_ = false;
  Wire wire_ = Wire::kObjects;
  Napi::FunctionReference onBatch_;
  BatchHandoff handoff_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  int nl_ = -1, fan_ = -1, fid_ = -1, stopFd_ = -1;
  std::unordered_map<uint64_t, int> mountFds_;  // fsid → an fd on that file system (open_by_handle_at)
  uint32_t self_ = 0;
  // Backend-thread state.
  std::unordered_map<uint32_t, ProcInfo> cache_;
  std::unordered_map<uint32_t, uint64_t> seq_;
  std::unordered_map<uint32_t, std::string> execImage_;  // pid → executable from FAN_OPEN_EXEC
  uint64_t globalSeq_ = 0;
  Batch batch_;                        // objects wire: the messages of the batch being built
  std::string jsonText_;               // JSON wire: the lines of the batch being built
  size_t jsonCount_ = 0;
  std::unique_ptr<OwnedMessage> spare_;  // a message to build the next one in (JSON wire)
  uint64_t batchBytes_ = 0;
  std::vector<int64_t> cpuSeq_;  // last connector seq seen per CPU (-1: none yet)
  std::atomic<uint64_t> messages_{0}, overflows_{0}, kernelLost_{0}, nativeDrops_{0};
  std::mutex errMu_;
  std::string error_;  // set when the backend thread stopped on its own
};

}  // namespace

void InitBackend(Napi::Env env, Napi::Object exports) {
  exports.Set("backend", Napi::String::New(env, "linux"));
  exports.Set("LinuxBackend", LinuxBackend::Define(env));
}

}  // namespace njes
