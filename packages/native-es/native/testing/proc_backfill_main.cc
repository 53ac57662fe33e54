// The macOS process backfill (macos/proc_backfill_apple.cc, unmodified) over Nightjar's fake
// libproc (macos/fake_libproc) on Linux, with the real translator over src/common/json/napi.h. The scripted
// table has a process that vanishes between the listing and its info, one whose task port is
// refused (no pidversion), an executable path longer than PROC_PIDPATHINFO_MAXSIZE, a pid reused
// while it is being read, a zombie, argv over the per-process cap, a child of a process without a
// token; then 300 processes that appear between proc_listpids' estimate and its listing. Prints one
// JSON line per run (full, grown, capped at 3 processes, empty) for test/native/proc-backfill.test.ts, then
// "ok"; checks that every task name port was deallocated.
#include <libproc.h>

#include <cstdio>
#include <string>
#include <vector>
#include "../src/macos/proc_backfill.h"

#include "check.h"

static NjFakeProc P(int pid, int ppid, uint32_t pidversion, uint64_t start, const char* path, std::vector<std::string> args,
                    uid_t uid = 0) {
  NjFakeProc p;
  p.pid = pid;
  p.ppid = ppid;
  p.pgid = pid;
  p.sid = ppid <= 1 ? pid : 300;
  p.euid = p.ruid = p.svuid = uid;
  p.egid = p.rgid = p.svgid = uid == 0 ? 0 : 20;
  p.auid = uid == 0 ? 0xffffffffu : uid;
  p.asid = 100000 + (uint32_t)pid;
  p.pidversion = pidversion;
  p.start_sec = start;
  p.start_usec = 250000;
  p.path = path;
  p.comm = path;
  p.args = std::move(args);
  p.env = {"PATH=/usr/bin:/bin", "SECRET=never-in-args"};
  return p;
}

static std::vector<NjFakeProc> Table() {
  std::vector<NjFakeProc> t;
  t.push_back(P(1, 0, 1, 1700000000, "/sbin/launchd", {"/sbin/launchd"}));
  t.push_back(P(300, 1, 3000, 1700000100, "/usr/sbin/sshd", {"sshd: alice [priv]"}));
  t.push_back(P(400, 300, 4000, 1700000200, "/bin/zsh", {"-zsh"}, 501));
  NjFakeProc gone = P(450, 400, 4500, 1700000210, "/usr/bin/true", {"true"}, 501);
  gone.vanish_after_list = true;
  t.push_back(gone);
  NjFakeProc denied = P(500, 1, 5000, 1700000220, "/usr/libexec/protected", {"protected"});
  denied.deny_task = true;
  denied.deny_args = true;
  t.push_back(denied);
  t.push_back(P(600, 400, 6000, 1700000230, "", {"deep"}, 501));
  t.back().path = "/Users/alice/" + std::string(5000, 'd') + "/deep";
  NjFakeProc reused = P(700, 400, 7000, 1700000240, "/usr/bin/old", {"old"}, 501);
  reused.reused_by.push_back(P(700, 400, 7100, 1700000900, "/usr/bin/new", {"new", "--fresh"}, 501));
  t.push_back(reused);
  std::vector<std::string> many;
  for (int i = 0; i < 40; i++) many.push_back(std::string(500, (char)('a' + i % 26)));
  t.push_back(P(800, 400, 8000, 1700000250, "/usr/bin/python3", many, 501));
  NjFakeProc zombie = P(900, 400, 9000, 1700000260, "/usr/bin/zombie", {"zombie"}, 501);
  zombie.status = SZOMB;
  t.push_back(zombie);
  t.push_back(P(950, 500, 9500, 1700000270, "/usr/libexec/helper", {"helper"}));
  // Its ppid names a process that started after it: the parent slot was reused, no parent token.
  t.push_back(P(960, 970, 9600, 1700000280, "/usr/bin/orphaned", {"orphaned"}, 501));
  t.push_back(P(970, 1, 9700, 1700000990, "/usr/bin/later", {"later"}, 501));
  return t;
}

int main() {
  Napi::Env env;
  nj_fake_proc_set_argmax(64 * 1024);

  nj_fake_proc_set_table(Table());
  njes::BackfillLimits lim;
  lim.maxArgBytes = 8 * 1024;
  Napi::Object full = njes::BackfillProcesses(env, lim);
  CHECK(nj_fake_proc_open_ports() == 0);
  printf("%s\n", full.Json().c_str());

  // 300 processes start between the size estimate and the listing (more than the slack).
  std::vector<NjFakeProc> steady = {P(1, 0, 1, 1700000000, "/sbin/launchd", {"/sbin/launchd"})};
  nj_fake_proc_set_table(steady);
  nj_fake_proc_set_growth(300);
  Napi::Object grown = njes::BackfillProcesses(env, lim);
  CHECK(nj_fake_proc_open_ports() == 0);
  printf("%s\n", grown.Json().c_str());

  nj_fake_proc_set_table(Table());
  njes::BackfillLimits small;
  small.maxProcesses = 3;
  small.maxArgBytes = 0;
  Napi::Object capped = njes::BackfillProcesses(env, small);
  CHECK(nj_fake_proc_open_ports() == 0);
  printf("%s\n", capped.Json().c_str());

  // Nothing listed at all: an empty result, not a failure.
  nj_fake_proc_set_table({});
  Napi::Object empty = njes::BackfillProcesses(env, lim);
  printf("%s\n", empty.Json().c_str());

  if (g_failures != 0) return 1;
  printf("ok\n");
  return 0;
}
