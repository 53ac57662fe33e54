// The fake libproc's behaviour (see fake_libproc.h): a scripted process table read the way xnu
// answers libproc — byte counts and errno, ESRCH for a pid that is gone, ENOSPC for a path that
// does not fit, EINVAL for args of a process the caller may not read, KERN_FAILURE for a task
// name port the caller may not have, name ports that must be deallocated (counted).
#include "fake_libproc.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

mach_port_t mach_task_self_ = 0x103;

namespace {

std::mutex g_mu;
std::vector<NjFakeProc> g_table;
std::map<mach_port_name_t, NjFakeProc> g_ports;  // a name port names one task, even after pid reuse
mach_port_name_t g_nextPort = 0x1000;
int g_growth = 0;
int g_argmax = 64 * 1024;

NjFakeProc* Find(int pid) {
  for (auto& p : g_table)
    if (p.pid == pid) return &p;
  return nullptr;
}

}  // namespace

void nj_fake_proc_set_table(std::vector<NjFakeProc> table) {
  std::lock_guard<std::mutex> l(g_mu);
  g_table = std::move(table);
  g_ports.clear();
  g_growth = 0;
}

int nj_fake_proc_open_ports() {
  std::lock_guard<std::mutex> l(g_mu);
  return (int)g_ports.size();
}

void nj_fake_proc_set_growth(int extra) {
  std::lock_guard<std::mutex> l(g_mu);
  g_growth = extra;
}

void nj_fake_proc_set_argmax(int argmax) {
  std::lock_guard<std::mutex> l(g_mu);
  g_argmax = argmax;
}

int proc_listpids(uint32_t type, uint32_t, void* buffer, int buffersize) {
  std::lock_guard<std::mutex> l(g_mu);
  if (type != PROC_ALL_PIDS) {
    errno = EINVAL;
    return 0;
  }
  // Like xnu: with no buffer, an estimate of the bytes needed; the table may then grow.
  if (buffer == nullptr) return (int)(g_table.size() * sizeof(int));
  // The table grows between the estimate and the listing: pids appear past the estimate.
  for (int i = 0; i < g_growth; i++) {
    NjFakeProc p;
    p.pid = 20000 + i;
    p.ppid = 1;
    p.pidversion = 90000 + (uint32_t)i;
    p.start_sec = 1700000500;
    p.path = "/usr/libexec/grown";
    p.comm = "grown";
    g_table.push_back(p);
  }
  g_growth = 0;
  int cap = buffersize / (int)sizeof(int);
  int n = 0;
  int* out = static_cast<int*>(buffer);
  // xnu lists newest first.
  for (auto it = g_table.rbegin(); it != g_table.rend() && n < cap; ++it) out[n++] = it->pid;
  // Processes that exit right after being listed.
  g_table.erase(std::remove_if(g_table.begin(), g_table.end(), [](const NjFakeProc& p) { return p.vanish_after_list; }),
                g_table.end());
  return n * (int)sizeof(int);
}

int proc_pidinfo(int pid, int flavor, uint64_t, void* buffer, int buffersize) {
  std::lock_guard<std::mutex> l(g_mu);
  if (flavor != PROC_PIDTBSDINFO || buffer == nullptr || buffersize < PROC_PIDTBSDINFO_SIZE) {
    errno = EINVAL;
    return 0;
  }
  NjFakeProc* p = Find(pid);
  if (p == nullptr) {
    errno = ESRCH;
    return 0;
  }
  proc_bsdinfo b{};
  b.pbi_flags = p->flags;
  b.pbi_status = p->status;
  b.pbi_pid = (uint32_t)p->pid;
  b.pbi_ppid = (uint32_t)p->ppid;
  b.pbi_uid = p->euid;
  b.pbi_gid = p->egid;
  b.pbi_ruid = p->ruid;
  b.pbi_rgid = p->rgid;
  b.pbi_svuid = p->svuid;
  b.pbi_svgid = p->svgid;
  strncpy(b.pbi_comm, p->comm.c_str(), MAXCOMLEN - 1);
  strncpy(b.pbi_name, p->comm.c_str(), 2 * MAXCOMLEN - 1);
  b.pbi_pgid = (uint32_t)p->pgid;
  b.pbi_start_tvsec = p->start_sec;
  b.pbi_start_tvusec = p->start_usec;
  memcpy(buffer, &b, sizeof b);
  return PROC_PIDTBSDINFO_SIZE;
}

int proc_pidpath(int pid, void* buffer, uint32_t buffersize) {
  std::lock_guard<std::mutex> l(g_mu);
  if (buffer == nullptr || buffersize < PROC_PIDPATHINFO_SIZE) {
    errno = EINVAL;
    return 0;
  }
  NjFakeProc* p = Find(pid);
  if (p == nullptr) {
    errno = ESRCH;
    return 0;
  }
  if (p->path.size() + 1 > buffersize) {  // vn_getpath: the path does not fit
    errno = ENOSPC;
    return 0;
  }
  memcpy(buffer, p->path.c_str(), p->path.size() + 1);
  return (int)p->path.size();
}

kern_return_t task_name_for_pid(mach_port_name_t target_tport, int pid, mach_port_name_t* tn) {
  std::lock_guard<std::mutex> l(g_mu);
  if (target_tport != mach_task_self_ || tn == nullptr) return KERN_INVALID_ARGUMENT;
  NjFakeProc* p = Find(pid);
  if (p == nullptr) return KERN_FAILURE;
  if (!p->reused_by.empty()) {
    // The process exits now and its pid is reused: the port names the new task.
    NjFakeProc next = p->reused_by.front();
    *p = next;
  }
  if (p->deny_task) return KERN_FAILURE;
  mach_port_name_t port = g_nextPort++;
  g_ports[port] = *p;
  *tn = port;
  return KERN_SUCCESS;
}

kern_return_t task_info(task_name_t task, task_flavor_t flavor, task_info_t out, mach_msg_type_number_t* cnt) {
  std::lock_guard<std::mutex> l(g_mu);
  auto it = g_ports.find(task);
  if (it == g_ports.end() || out == nullptr || cnt == nullptr) return KERN_INVALID_ARGUMENT;
  if (flavor != TASK_AUDIT_TOKEN || *cnt < TASK_AUDIT_TOKEN_COUNT) return KERN_INVALID_ARGUMENT;
  const NjFakeProc& p = it->second;
  audit_token_t t{};
  const unsigned int v[8] = {p.auid, p.euid, p.egid, p.ruid, p.rgid, (unsigned)p.pid, p.asid, p.pidversion};
  memcpy(t.val, v, sizeof v);
  memcpy(out, &t, sizeof t);
  *cnt = TASK_AUDIT_TOKEN_COUNT;
  return KERN_SUCCESS;
}

kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name) {
  std::lock_guard<std::mutex> l(g_mu);
  if (task != mach_task_self_) return KERN_INVALID_ARGUMENT;
  return g_ports.erase(name) == 1 ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
}

int sysctl(int* name, unsigned int namelen, void* oldp, size_t* oldlenp, void*, size_t) {
  std::lock_guard<std::mutex> l(g_mu);
  if (name == nullptr || namelen < 2 || name[0] != CTL_KERN || oldlenp == nullptr) {
    errno = EINVAL;
    return -1;
  }
  if (name[1] == KERN_ARGMAX && namelen == 2) {
    if (oldp == nullptr || *oldlenp < sizeof(int)) {
      errno = ENOMEM;
      return -1;
    }
    memcpy(oldp, &g_argmax, sizeof(int));
    *oldlenp = sizeof(int);
    return 0;
  }
  if (name[1] == KERN_PROCARGS2 && namelen == 3) {
    NjFakeProc* p = Find(name[2]);
    if (p == nullptr) {
      errno = ESRCH;
      return -1;
    }
    if (p->deny_args || p->status == SZOMB) {
      errno = EINVAL;
      return -1;
    }
    // xnu's layout: int argc, the exec path, NUL padding, argv strings, env strings.
    std::string b;
    int argc = (int)p->args.size();
    b.append(reinterpret_cast<const char*>(&argc), sizeof argc);
    b += p->path;
    b.append(4, '\0');
    for (const auto& a : p->args) b += a, b += '\0';
    for (const auto& e : p->env) b += e, b += '\0';
    if (b.size() > (size_t)g_argmax) b.resize((size_t)g_argmax);
    if (oldp == nullptr) {
      *oldlenp = b.size();
      return 0;
    }
    size_t n = std::min(b.size(), *oldlenp);  // a short buffer gets the start only
    memcpy(oldp, b.data(), n);
    *oldlenp = n;
    return 0;
  }
  errno = ENOTSUP;
  return -1;
}

pid_t nj_fake_getsid(pid_t pid) {
  std::lock_guard<std::mutex> l(g_mu);
  NjFakeProc* p = Find(pid);
  if (p == nullptr) {
    errno = ESRCH;
    return -1;
  }
  return p->sid;
}
