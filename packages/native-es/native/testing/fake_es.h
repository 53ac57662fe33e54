// A fake libEndpointSecurity for tests on any platform (Santa's MockEndpointSecurityAPI idea, but
// behavioural): per-client serial delivery on its own thread, subscriptions, process/path/target
// muting with inversion, a default mute set that inversion does not clear, per-type and global
// sequence numbers, kernel drops as seq gaps, retain/release accounting, es_new_client failures.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include "../src/common/owned.h"
#include "../src/macos/es_api.h"

namespace njes {

// One event as a test describes it; the fake builds a message per receiving client.
struct FakeEvent {
  uint32_t type = 0;
  uint32_t pid = 0, pidversion = 0;
  std::string exe;
  std::string target;               // open/close/write/exec target path ("" = none)
  std::set<uint32_t> dropForClient;  // simulate the kernel dropping it for these client indexes
};

// The "machine" the fake runs on: its macOS version, the types its es_subscribe refuses, and the
// process's own audit token (all eight fields; the same layout Deliver gives every event's process).
struct FakeOs {
  std::string version = "26.0";
  std::set<uint32_t> refusedTypes;
  uint32_t selfPid = 0, selfPidversion = 1;
  bool selfTokenFails = false;
  // Other running processes (pid → pidversion): what ProcessToken can read.
  std::map<uint32_t, uint32_t> running;
};

// The audit token the fake gives a process (auid 501, euid 501, egid 20, ruid 501, rgid 20, pid, asid 1, pidversion).
void FakeToken(uint32_t pid, uint32_t pidversion, audit_token_t* out);

class FakeEsApi : public EsApi {
 public:
  explicit FakeEsApi(NewClientResult result, std::vector<std::string> defaultMutedPaths, FakeOs os = {})
      : result_(result), defaultMuted_(std::move(defaultMutedPaths)), os_(std::move(os)) {}
  ~FakeEsApi() override;

  NewClientResult NewClient(EsClientId* out, EsHandler handler) override;
  bool Subscribe(EsClientId c, const std::vector<uint32_t>& events) override;
  bool MuteProcess(EsClientId c, const audit_token_t& token) override;
  bool MutePath(EsClientId c, const std::string& path, MutePathType type) override;
  bool MutePathEvents(EsClientId c, const std::string& path, MutePathType type,
                      const std::vector<uint32_t>& events) override;
  bool UnmuteAllPaths(EsClientId c) override;
  bool UnmuteAllTargetPaths(EsClientId c) override;
  bool InvertMuting(EsClientId c, MuteInversionType type) override;
  void RetainMessage(const es_message_t* m) override;
  void ReleaseMessage(const es_message_t* m) override;
  void DeleteClient(EsClientId c) override;
  bool SelfToken(audit_token_t* out) override;
  bool ProcessToken(int pid, audit_token_t* out) override;
  std::string OsVersion() override { return os_.version; }

  // Test side: hand events to every client (in client-id order), as the kernel would.
  void Deliver(const std::vector<FakeEvent>& events);
  // Blocks until every client's delivery queue is empty and its handler returned.
  void Drain();
  std::vector<std::string> Calls();
  size_t Outstanding();

 private:
  struct Client {
    EsClientId id;
    EsHandler handler;
    std::set<uint32_t> subscribed;
    std::vector<audit_token_t> mutedProcs;  // compared whole, as ES does
    std::vector<std::pair<std::string, MutePathType>> mutedPaths;
    // Muted for some event types only (es_mute_path_events).
    std::vector<std::tuple<std::string, MutePathType, std::set<uint32_t>>> mutedPathEvents;
    // The system's default mute set: it spares NOTIFY events, but an inverted path mute turns it
    // into a selection unless es_unmute_all_paths cleared it first (esf.md §4).
    std::vector<std::string> defaultMuted;
    bool invertProcess = false, invertPath = false, invertTarget = false;
    std::map<uint32_t, uint64_t> seq;
    uint64_t global = 0;
    std::deque<OwnedMessage*> pending;
    bool busy = false;
    bool stop = false;
    std::thread thread;
  };
  bool Muted(const Client& c, const FakeEvent& e) const;
  void Run(Client* c);
  void Log(std::string s);

  NewClientResult result_;
  std::vector<std::string> defaultMuted_;
  FakeOs os_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<EsClientId, std::unique_ptr<Client>> clients_;
  std::map<const es_message_t*, std::pair<OwnedMessage*, int>> refs_;
  std::vector<std::string> calls_;
  EsClientId next_ = 1;
};

}  // namespace njes
