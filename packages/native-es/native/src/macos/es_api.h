// The Endpoint Security calls the macOS backend makes, behind one C++ interface (Santa's
// EndpointSecurityAPI pattern). The real implementation wraps libEndpointSecurity (macOS only,
// the handler std::function inside a block); FakeEsApi (fake_es.cc) implements the same
// behaviour in-process so the backend's own code runs in tests on Linux.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "../common/es_types.h"

namespace njes {

// es_new_client_result_t (ESTypes.h).
enum class NewClientResult {
  kSuccess = 0,
  kErrInvalidArgument,
  kErrInternal,
  kErrNotEntitled,
  kErrNotPermitted,
  kErrNotPrivileged,
  kErrTooManyClients,
};

enum class MutePathType { kPrefix = 0, kLiteral = 1, kTargetPrefix = 2, kTargetLiteral = 3 };
enum class MuteInversionType { kProcess = 0, kPath = 1, kTargetPath = 2 };

using EsClientId = uint32_t;
// Called serially per client, on the API's thread, with a message valid until it returns
// unless retained.
using EsHandler = std::function<void(EsClientId, const es_message_t*)>;

class EsApi {
 public:
  virtual ~EsApi() = default;
  virtual NewClientResult NewClient(EsClientId* out, EsHandler handler) = 0;
  // es_subscribe: false when ES refused the call (Apple subscribes nothing then).
  virtual bool Subscribe(EsClientId c, const std::vector<uint32_t>& events) = 0;
  virtual bool MuteProcess(EsClientId c, const audit_token_t& token) = 0;
  virtual bool MutePath(EsClientId c, const std::string& path, MutePathType type) = 0;
  // es_mute_path_events (macOS 12+): the path is muted for these event types only.
  virtual bool MutePathEvents(EsClientId c, const std::string& path, MutePathType type,
                              const std::vector<uint32_t>& events) = 0;
  virtual bool UnmuteAllPaths(EsClientId c) = 0;
  virtual bool UnmuteAllTargetPaths(EsClientId c) = 0;
  virtual bool InvertMuting(EsClientId c, MuteInversionType type) = 0;
  virtual void RetainMessage(const es_message_t* m) = 0;
  virtual void ReleaseMessage(const es_message_t* m) = 0;
  virtual void DeleteClient(EsClientId c) = 0;
  // This process's own audit token (task_info(TASK_AUDIT_TOKEN)): every field (auid, asid,
  // pidversion …) must match for es_mute_process to mute us. False when it cannot be read.
  virtual bool SelfToken(audit_token_t* out) = 0;
  // The audit token of a running process (task_name_for_pid + TASK_AUDIT_TOKEN, root only), to
  // mute it by its whole token. False when it cannot be read (not running, not permitted).
  virtual bool ProcessToken(int pid, audit_token_t* out) = 0;
  // The running macOS version ("15.4.1"), or "" when unknown (then nothing is filtered by version).
  virtual std::string OsVersion() = 0;
};

// "15.4.1" → 150401, for comparisons; 0 for an empty or unparsable string.
uint32_t MacosVersionNumber(const std::string& v);

}  // namespace njes
