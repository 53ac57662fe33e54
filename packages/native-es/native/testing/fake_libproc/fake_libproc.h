// Nightjar's fake libproc + the few Mach / sysctl calls the macOS process backfill makes, with
// Apple's C signatures and constants (<libproc.h>, <sys/proc_info.h>, <mach/mach.h>,
// <sys/sysctl.h>), over a scripted process table. Used ONLY on Linux to compile and run the
// unmodified native/macos/proc_backfill_apple.cc (test/native/proc-backfill.test.ts). Layouts of
// proc_bsdinfo and audit_token_t follow Apple's headers. The nj_fake_proc_* functions at the end
// are the test's control surface.
#pragma once
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

// ---- <sys/proc_info.h> / <libproc.h> ----
#define MAXCOMLEN 16
#define MAXPATHLEN 1024
#define PROC_ALL_PIDS 1
#define PROC_PIDTBSDINFO 3
#define PROC_PIDPATHINFO_SIZE (MAXPATHLEN)
#define PROC_PIDPATHINFO_MAXSIZE (4 * MAXPATHLEN)
#define PROC_FLAG_SYSTEM 0x1
#define PROC_FLAG_INEXIT 0x4
#define SIDL 1
#define SRUN 2
#define SZOMB 5

struct proc_bsdinfo {
  uint32_t pbi_flags;
  uint32_t pbi_status;
  uint32_t pbi_xstatus;
  uint32_t pbi_pid;
  uint32_t pbi_ppid;
  uid_t pbi_uid;
  gid_t pbi_gid;
  uid_t pbi_ruid;
  gid_t pbi_rgid;
  uid_t pbi_svuid;
  gid_t pbi_svgid;
  uint32_t rfu_1;
  char pbi_comm[MAXCOMLEN];
  char pbi_name[2 * MAXCOMLEN];
  uint32_t pbi_nfiles;
  uint32_t pbi_pgid;
  uint32_t pbi_pjobc;
  uint32_t e_tdev;
  uint32_t e_tpgid;
  int32_t pbi_nice;
  uint64_t pbi_start_tvsec;
  uint64_t pbi_start_tvusec;
};
#define PROC_PIDTBSDINFO_SIZE ((int)sizeof(struct proc_bsdinfo))

// Byte counts, 0 (errno set) on failure, as libproc returns them.
int proc_listpids(uint32_t type, uint32_t typeinfo, void* buffer, int buffersize);
int proc_pidinfo(int pid, int flavor, uint64_t arg, void* buffer, int buffersize);
int proc_pidpath(int pid, void* buffer, uint32_t buffersize);

// ---- <mach/mach.h> ----
typedef int kern_return_t;
typedef unsigned int natural_t;
typedef natural_t mach_port_name_t;
typedef mach_port_name_t mach_port_t;
typedef mach_port_t task_name_t;
typedef mach_port_t ipc_space_t;
typedef natural_t task_flavor_t;
typedef natural_t mach_msg_type_number_t;
typedef int* task_info_t;
#define KERN_SUCCESS 0
#define KERN_INVALID_ARGUMENT 4
#define KERN_FAILURE 5
#define MACH_PORT_NULL 0
#define TASK_AUDIT_TOKEN 15
typedef struct {
  unsigned int val[8];
} audit_token_t;
#define TASK_AUDIT_TOKEN_COUNT (sizeof(audit_token_t) / sizeof(natural_t))

extern mach_port_t mach_task_self_;
#define mach_task_self() mach_task_self_
kern_return_t task_name_for_pid(mach_port_name_t target_tport, int pid, mach_port_name_t* tn);
kern_return_t task_info(task_name_t target_task, task_flavor_t flavor, task_info_t task_info_out,
                        mach_msg_type_number_t* task_info_outCnt);
kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name);

// ---- <sys/sysctl.h> ----
#define CTL_KERN 1
#define KERN_ARGMAX 8
#define KERN_PROCARGS2 49
int sysctl(int* name, unsigned int namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);

// getsid(2) over the scripted table (the real one would ask Linux about Linux pids).
pid_t nj_fake_getsid(pid_t pid);
#define getsid nj_fake_getsid

// ---- control surface (tests) ----
struct NjFakeProc {
  int pid = 0, ppid = 0, pgid = 0, sid = 0;
  uid_t euid = 0, ruid = 0, svuid = 0;
  gid_t egid = 0, rgid = 0, svgid = 0;
  uint32_t auid = 0xffffffffu, asid = 0, pidversion = 0;
  uint64_t start_sec = 0, start_usec = 0;
  uint32_t flags = 0, status = SRUN;
  std::string comm, path;
  std::vector<std::string> args, env;
  bool vanish_after_list = false;  // listed, then gone before proc_pidinfo (ESRCH)
  bool deny_task = false;          // task_name_for_pid fails (not root, or a protected task)
  bool deny_args = false;          // KERN_PROCARGS2 refused (EINVAL, as for another user's process)
  // When task_name_for_pid is called for this pid, the process exits and a new one takes its pid
  // (the scripted replacement below): pid reuse in the middle of reading one process.
  std::vector<NjFakeProc> reused_by;
};

void nj_fake_proc_set_table(std::vector<NjFakeProc> table);
// Name ports handed out by task_name_for_pid and not yet deallocated.
int nj_fake_proc_open_ports();
// Extra pids proc_listpids reports beyond its own size estimate (the table grew between the calls).
void nj_fake_proc_set_growth(int extra);
// KERN_ARGMAX as the fake reports it.
void nj_fake_proc_set_argmax(int argmax);
