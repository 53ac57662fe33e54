// The macOS process backfill: the processes running now, as ES process objects for the lineage
// cache (proc_backfill_apple.cc; macOS only, and on Linux against fake_libproc/ in tests).
#pragma once
#include <napi.h>
#include <cstddef>

namespace njes {

struct BackfillLimits {
  size_t maxProcesses = 32768;  // kern.maxproc is a few thousand on a stock Mac
  size_t maxArgBytes = 64 * 1024;  // per process, NULs included
};

// { processes: EsProcess-shaped objects (message version 4 fields), and counters: listed,
//   returned, vanished, reused, exited, capped, noPidversion, pathTooLong, noPath, noArgs,
//   argsTruncated, maxProcesses, maxArgBytes }. A process without a task audit token carries
//   `nj_no_pidversion: true` (its audit_token has no auid, asid or pidversion); the TS side
//   removes that key and counts it.
Napi::Object BackfillProcesses(Napi::Env env, const BackfillLimits& limits);

}  // namespace njes
