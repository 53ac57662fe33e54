// What the JS-facing ES backend classes share: the config they parse, the client set over an
// EsApi, the batch hand-off to JS and the counters. The shipped EsBackend (es_backend_apple.cc,
// over Apple's library) and the test addon's EsFakeBackend (over the fake library) each own one,
// so the tests drive the same start/stop/hand-off code that ships.
#pragma once
#include <napi.h>
#include <memory>
#include <string>
#include <vector>
#include "../common/batch_handoff.h"
#include "es_client_set.h"

namespace njes {

struct EsSessionOptions {
  size_t queueCapacity = 65536;  // retained messages waiting for the flusher
  size_t batchMax = 512;
  int flushMs = 50;
  size_t maxQueuedBatches = BatchHandoff::kMaxQueuedBatches;
};

class EsSession {
 public:
  // config: { clients: [{ events: number[], minMacos?: string[], mutePaths?: [path, kind][], invertPaths?,
  //           invertTargetPaths? }], queueCapacity? }; throws NJ_SOURCE_BAD_OPTIONS on a malformed one.
  // Event types the translator does not render are not subscribed (Unavailable() names them).
  EsSession(Napi::Env env, Napi::Object config, Napi::Function onBatch, std::shared_ptr<EsApi> api, EsSessionOptions options);
  ~EsSession();

  void Start(Napi::Env env, const char* name);
  void Stop();
  // Per client: messages, seqGaps, seqMissing, globalGaps, globalMissing, queueDrops. Still
  // readable after stop (the final numbers).
  Napi::Value Counters(Napi::Env env);
  HandoffStats Handoff() const { return handoff_.Stats(); }
  // [{ client, type, reason }]: each requested event type not subscribed, and why.
  Napi::Value Unavailable(Napi::Env env);

 private:
  std::vector<ClientSpec> specs_;
  std::vector<Unsubscribed> untranslated_;
  Wire wire_ = Wire::kObjects;
  std::shared_ptr<EsApi> api_;
  EsSessionOptions options_;
  Napi::FunctionReference onBatch_;
  BatchHandoff handoff_;
  std::unique_ptr<EsClientSet> set_;  // after handoff_: destroyed (its flusher joined) first
  bool stopped_ = false;
};

}  // namespace njes
