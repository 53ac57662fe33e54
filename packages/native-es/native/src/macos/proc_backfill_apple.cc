// The macOS process backfill (binding.gyp OS=="mac"): every running process, as an ES process
// object, so the lineage cache knows the processes that started before the source. libproc gives
// the BSD info (pid, ppid, uids/gids, pgid, start time, status) and the executable path; the task's
// audit token (task_name_for_pid + TASK_AUDIT_TOKEN, root only) gives auid, asid and the pidversion
// that ES identifies a process by (esf.md §4); KERN_PROCARGS2 gives argv where permitted.
// What cannot be read is left out, never invented. On Linux CI this file is compiled and run
// against fake_libproc/ (test/native/proc-backfill.test.ts); only the link with Apple's real
// libproc is untested.
#include <libproc.h>
#include <mach/mach.h>
#include <sys/proc.h>  // SZOMB
#include <sys/sysctl.h>
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/owned.h"
#include "../common/translate.h"
#include "proc_backfill.h"

namespace njes {
namespace {

// The message version whose process fields the backfill renders (the Linux backfill's too).
constexpr uint32_t kVersion = 4;

struct Counters {
  double listed = 0, vanished = 0, reused = 0, exited = 0, capped = 0, noPidversion = 0, pathTooLong = 0, noPath = 0,
         noArgs = 0, argsTruncated = 0;
};

struct Proc {
  proc_bsdinfo bsd{};
  std::string path;
  bool pathTooLong = false;
  bool hasToken = false;
  unsigned int token[8] = {};
  pid_t sid = -1;
  bool hasArgs = false;
  std::vector<std::string> args;
};

enum class Read { kOk, kGone, kExited, kChanged };

bool BsdInfo(int pid, proc_bsdinfo& out) {
  return proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &out, PROC_PIDTBSDINFO_SIZE) == PROC_PIDTBSDINFO_SIZE;
}

// The task's audit token; false when the caller may not have the task name port (not root,
// or a process that exited).
bool TaskToken(int pid, unsigned int (&val)[8]) {
  mach_port_name_t name = MACH_PORT_NULL;
  if (task_name_for_pid(mach_task_self(), pid, &name) != KERN_SUCCESS) return false;
  ::audit_token_t t;  // Apple's (mach), not the mirror's njes::audit_token_t
  mach_msg_type_number_t n = TASK_AUDIT_TOKEN_COUNT;
  kern_return_t kr = task_info(name, TASK_AUDIT_TOKEN, (task_info_t)&t, &n);
  mach_port_deallocate(mach_task_self(), name);
  if (kr != KERN_SUCCESS || n < TASK_AUDIT_TOKEN_COUNT) return false;
  // A token for another pid would be a different process: not this one's identity.
  if ((int)t.val[5] != pid) return false;
  memcpy(val, t.val, sizeof val);
  return true;
}

// argv from KERN_PROCARGS2 (int argc, exec path, NUL padding, argv…, env…), at most maxBytes.
void Args(int pid, std::vector<char>& buf, size_t maxBytes, Proc& p, Counters& c) {
  if (buf.empty()) return;
  int mib[3] = {CTL_KERN, KERN_PROCARGS2, pid};
  size_t len = buf.size();
  if (sysctl(mib, 3, buf.data(), &len, nullptr, 0) != 0 || len < sizeof(int)) return;  // EINVAL: not permitted
  int argc;
  memcpy(&argc, buf.data(), sizeof argc);
  const char* cur = buf.data() + sizeof(int);
  const char* end = buf.data() + len;
  cur = static_cast<const char*>(memchr(cur, '\0', (size_t)(end - cur)));  // skip the exec path
  if (cur == nullptr) return;
  while (cur < end && *cur == '\0') cur++;
  p.hasArgs = true;
  size_t used = 0;
  for (int i = 0; i < argc && cur < end; i++) {
    const char* z = static_cast<const char*>(memchr(cur, '\0', (size_t)(end - cur)));
    size_t n = z != nullptr ? (size_t)(z - cur) : (size_t)(end - cur);
    if (used + n + 1 > maxBytes || z == nullptr) {
      c.argsTruncated++;
      return;
    }
    p.args.emplace_back(cur, n);
    used += n + 1;
    cur = z + 1;
  }
  if ((int)p.args.size() < argc) c.argsTruncated++;  // the kernel's copy ended early
}

// One consistent read of a pid: BSD info, path, token, args, then the BSD info again. A start
// time that changed means the pid was reused while being read (the parts may describe two
// processes), and the read is discarded.
Read ReadProc(int pid, const BackfillLimits& lim, std::vector<char>& argBuf, Proc& p, Counters& c) {
  if (!BsdInfo(pid, p.bsd)) return Read::kGone;
  // A zombie or exiting process has already exited: not running, no task to ask.
  if (p.bsd.pbi_status == SZOMB || (p.bsd.pbi_flags & PROC_FLAG_INEXIT)) return Read::kExited;
  char path[PROC_PIDPATHINFO_MAXSIZE];
  int n = proc_pidpath(pid, path, sizeof path);
  if (n > 0) p.path.assign(path, (size_t)n);
  else if (errno == ENOSPC || errno == ENAMETOOLONG) p.pathTooLong = true;
  else if (errno == ESRCH) return Read::kGone;
  p.hasToken = TaskToken(pid, p.token);
  p.sid = getsid(pid);
  Counters scratch;  // args counters only count for the read that is kept
  Args(pid, argBuf, lim.maxArgBytes, p, scratch);
  proc_bsdinfo again{};
  if (!BsdInfo(pid, again)) return Read::kGone;
  if (again.pbi_start_tvsec != p.bsd.pbi_start_tvsec || again.pbi_start_tvusec != p.bsd.pbi_start_tvusec) return Read::kChanged;
  c.argsTruncated += scratch.argsTruncated;
  return Read::kOk;
}

std::vector<int> ListPids(size_t maxProcesses, Counters& c) {
  std::vector<int> pids;
  int bytes = proc_listpids(PROC_ALL_PIDS, 0, nullptr, 0);
  if (bytes <= 0) return pids;
  // Processes start between the estimate and the listing: leave room, and grow while the
  // listing fills the buffer (bounded).
  size_t cap = (size_t)bytes / sizeof(int) + 256;
  for (int attempt = 0; attempt < 4; attempt++) {
    pids.assign(cap, 0);
    int got = proc_listpids(PROC_ALL_PIDS, 0, pids.data(), (int)(cap * sizeof(int)));
    if (got <= 0) {
      pids.clear();
      return pids;
    }
    size_t n = (size_t)got / sizeof(int);
    if (n < cap || attempt == 3) {
      pids.resize(n);
      break;
    }
    cap *= 2;
  }
  // pid 0 is kernel_task: not a process ES reports. Lowest pids first when capping: long-lived
  // ancestors (launchd, daemons, login sessions) matter most to lineage.
  pids.erase(std::remove_if(pids.begin(), pids.end(), [](int p) { return p <= 0; }), pids.end());
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  c.listed = (double)pids.size();
  if (pids.size() > maxProcesses) {
    c.capped = (double)(pids.size() - maxProcesses);
    pids.resize(maxProcesses);
  }
  return pids;
}

size_t ArgMax() {
  int mib[2] = {CTL_KERN, KERN_ARGMAX};
  int argmax = 0;
  size_t len = sizeof argmax;
  if (sysctl(mib, 2, &argmax, &len, nullptr, 0) != 0 || argmax <= 0) return 256 * 1024;
  return std::min<size_t>((size_t)argmax, 4u << 20);
}

void FillToken(njes::audit_token_t& out, const Proc& p) {
  if (p.hasToken) {
    memcpy(out.val, p.token, sizeof out.val);
  } else {
    // The BSD info's credentials; auid, asid and pidversion stay unset (left out when rendered).
    const uint32_t v[8] = {0, p.bsd.pbi_uid, p.bsd.pbi_gid, p.bsd.pbi_ruid, p.bsd.pbi_rgid, p.bsd.pbi_pid, 0, 0};
    memcpy(out.val, v, sizeof v);
  }
}

}  // namespace

Napi::Object BackfillProcesses(Napi::Env env, const BackfillLimits& limits) {
  Counters c;
  std::vector<int> pids = ListPids(std::max<size_t>(1, limits.maxProcesses), c);
  // One buffer of KERN_ARGMAX bytes for every process: the kernel copies from the top of the
  // argument area, so a shorter buffer would not give argv reliably; the per-process cap is applied
  // while parsing.
  std::vector<char> argBuf(limits.maxArgBytes > 0 ? ArgMax() : 0);
  std::vector<Proc> procs;
  procs.reserve(pids.size());
  for (int pid : pids) {
    Read r = Read::kChanged;
    Proc p;
    // A pid reused mid-read is read again once: the new process is running too.
    for (int attempt = 0; attempt < 2 && r == Read::kChanged; attempt++) {
      p = Proc{};
      r = ReadProc(pid, limits, argBuf, p, c);
      if (r == Read::kChanged) c.reused++;
    }
    if (r == Read::kGone || r == Read::kChanged) c.vanished++;
    else if (r == Read::kExited) c.exited++;
    else procs.push_back(std::move(p));
  }

  std::unordered_map<uint32_t, const Proc*> byPid;
  for (const Proc& p : procs) byPid[p.bsd.pbi_pid] = &p;

  Napi::Array out = Napi::Array::New(env, procs.size());
  uint32_t i = 0;
  for (const Proc& p : procs) {
    OwnedMessage m;
    es_process_t* proc = m.Proc();
    FillToken(proc->audit_token, p);
    proc->ppid = (int32_t)p.bsd.pbi_ppid;
    proc->group_id = (int32_t)p.bsd.pbi_pgid;
    proc->session_id = (int32_t)p.sid;
    proc->nj_no_codesigning = true;  // csops could give them; not read here
    // original_ppid (the parent before reparenting) and the responsible process are not in
    // libproc's public info; tty would need the device's path: all left out.
    proc->nj_omit = NJ_OMIT_ORIGINAL_PPID | NJ_OMIT_TTY | NJ_OMIT_RESPONSIBLE_TOKEN;
    if (p.sid < 0) proc->nj_omit |= NJ_OMIT_SESSION_ID;
    if (!p.hasToken) {
      proc->nj_omit |= NJ_OMIT_TASK_TOKEN;
      c.noPidversion++;
    }
    // The parent's token, when the parent was read with one and was running before this process
    // started (a parent pid reused after this process was read would have started later).
    auto par = byPid.find(p.bsd.pbi_ppid);
    const Proc* parent = par != byPid.end() ? par->second : nullptr;
    bool parentOk = parent != nullptr && parent->hasToken &&
                    (parent->bsd.pbi_start_tvsec < p.bsd.pbi_start_tvsec ||
                     (parent->bsd.pbi_start_tvsec == p.bsd.pbi_start_tvsec && parent->bsd.pbi_start_tvusec <= p.bsd.pbi_start_tvusec));
    if (parentOk) FillToken(proc->parent_audit_token, *parent);
    else proc->nj_omit |= NJ_OMIT_PARENT_TOKEN;
    // The path of the running image; its stat is left out (a stat of the path now may describe a
    // file that replaced the image since it was executed).
    proc->executable = m.File(p.path);
    proc->executable->nj_no_stat = true;
    proc->executable->path_truncated = p.pathTooLong;
    if (p.pathTooLong) c.pathTooLong++;
    else if (p.path.empty()) c.noPath++;
    proc->start_time = {(int64_t)p.bsd.pbi_start_tvsec, (int64_t)p.bsd.pbi_start_tvusec};
    Napi::Object o = TranslateProcess(env, proc, kVersion);
    if (p.hasArgs) {
      Napi::Array a = Napi::Array::New(env, p.args.size());
      for (uint32_t k = 0; k < p.args.size(); k++) a.Set(k, Napi::String::New(env, p.args[k]));
      o.Set("args", a);
    } else {
      c.noArgs++;
    }
    if (!p.hasToken) o.Set("nj_no_pidversion", Napi::Boolean::New(env, true));
    out.Set(i++, o);
  }

  Napi::Object res = Napi::Object::New(env);
  res.Set("processes", out);
  res.Set("listed", Napi::Number::New(env, c.listed));
  res.Set("returned", Napi::Number::New(env, (double)procs.size()));
  res.Set("vanished", Napi::Number::New(env, c.vanished));
  res.Set("reused", Napi::Number::New(env, c.reused));
  res.Set("exited", Napi::Number::New(env, c.exited));
  res.Set("capped", Napi::Number::New(env, c.capped));
  res.Set("noPidversion", Napi::Number::New(env, c.noPidversion));
  res.Set("pathTooLong", Napi::Number::New(env, c.pathTooLong));
  res.Set("noPath", Napi::Number::New(env, c.noPath));
  res.Set("noArgs", Napi::Number::New(env, c.noArgs));
  res.Set("argsTruncated", Napi::Number::New(env, c.argsTruncated));
  res.Set("maxProcesses", Napi::Number::New(env, (double)limits.maxProcesses));
  res.Set("maxArgBytes", Napi::Number::New(env, (double)limits.maxArgBytes));
  return res;
}

}  // namespace njes
