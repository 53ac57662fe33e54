// The macOS backend's own logic, portable: several ES clients, each with its own event types
// (the answer to one client's queue overflowing), self-muting, process/path/target-path muting and
// inverted muting, seq-gap counting in the handler before hand-off, and a bounded queue of retained
// messages drained by a flusher thread in batches. Compiled on every platform; tested on Linux
// against FakeEsApi.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>
#include "es_api.h"

namespace njes {

struct ClientSpec {
  std::vector<uint32_t> events;
  // Per event (parallel to events, may be empty): the first macOS with it ("15.4"), from core's table.
  std::vector<std::string> minMacos;
  std::vector<std::pair<std::string, MutePathType>> mutePaths;
  // Inverted muting (macOS 13+): only what matches the (target) path list is delivered.
  bool invertPaths = false;
  bool invertTargetPaths = false;
  // Processes muted by their whole audit token (read at start: a later process reusing the pid is not muted).
  std::vector<int> mutePids;
  // Paths muted for some event types only (es_mute_path_events, macOS 12+).
  struct PathEvents {
    std::string path;
    MutePathType type;
    std::vector<uint32_t> events;
  };
  std::vector<PathEvents> mutePathEvents;
};

struct ClientCounters {
  uint64_t messages = 0;
  uint64_t seqGaps = 0;        // gaps in seq_num (per event type)
  uint64_t seqMissing = 0;     // messages missing by seq_num
  uint64_t globalGaps = 0;
  uint64_t globalMissing = 0;  // messages missing by global_seq_num
  uint64_t queueDrops = 0;     // dropped here: the queue was full, or the JS side was behind at the hand-off
};

// An event type a client asked for and does not get, and why ("needs macOS 15.4 (this is 14.6)",
// "refused by es_subscribe", "not translated"): the caller reports each one by name.
struct Unsubscribed {
  size_t client;
  uint32_t type;
  std::string reason;
};

// An es_new_client failure, with the stable code and the fix.
struct StartError {
  std::string code;
  std::string message;
};

// Maps es_new_client's result to a typed error (code + what to do).
StartError MapNewClientResult(NewClientResult r);

class EsClientSet {
 public:
  struct Queued {
    EsClientId client;
    const es_message_t* msg;  // retained
    size_t index = 0;         // the client's position in the spec list
  };
  // Takes the batch (and the release of its messages); false when it was dropped, which the
  // clients' queueDrops then count.
  using BatchSink = std::function<bool(std::vector<Queued>&&)>;

  EsClientSet(EsApi* api, size_t queueCapacity, size_t batchMax, int flushMs, BatchSink sink);
  ~EsClientSet();

  // Creates every client; on failure deletes those made and returns false with `err` set.
  bool Start(const std::vector<ClientSpec>& specs, StartError* err);
  void Stop();
  std::vector<ClientCounters> Counters();
  // What Start() did not subscribe (types the OS lacks, or es_subscribe refused), per client.
  std::vector<Unsubscribed> Unavailable();

 private:
  void Handle(size_t index, const es_message_t* m);
  void SubscribeAvailable(size_t index, const ClientSpec& s);
  void FlushLoop();

  struct Client {
    EsClientId id = 0;
    // Handler-thread state (ES delivers serially per client).
    std::unordered_map<uint32_t, uint64_t> lastSeq;
    bool haveGlobal = false;
    uint64_t lastGlobal = 0;
    ClientCounters counters;
  };

  EsApi* api_;
  std::vector<Unsubscribed> unavailable_;  // written by Start() only
  size_t capacity_, batchMax_;
  int flushMs_;
  BatchSink sink_;
  std::vector<Client> clients_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  bool running_ = false;
  std::thread flusher_;
};

}  // namespace njes
