// The one hand-off of event batches from a backend's native thread to the JS thread, used by every
// live backend: linux/, macos/ over Apple's library, and the test addon's fake ES library (so the
// tests run the hand-off that ships on macOS). One thread-safe-function call per batch; the batch
// is translated on the JS thread, its messages released, then onBatch(msgs) — or
// onBatch(msgs, clients) when the batch carries client numbers — is called once. A producer never
// blocks: when the JS side is maxQueuedBatches batches behind, the batch is dropped, released and
// counted (the seq numbers it carried were assigned, so the engine also sees the loss as a gap).
#pragma once
#include <napi.h>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>
#include "owned.h"

namespace njes {

// A batch that owns (or holds retained) messages; its destructor releases them, on whichever
// thread delivers or drops it.
class HandoffBatch {
 public:
  virtual ~HandoffBatch() = default;
  virtual size_t Size() const = 0;
  virtual const es_message_t* Message(size_t i) const = 0;
  // Memory held until delivered (0: not measured).
  virtual size_t Bytes() const { return 0; }
  // Batches from several ES clients say which client each message came from.
  virtual bool HasClients() const { return false; }
  virtual uint32_t Client(size_t) const { return 0; }
};

// Messages a backend thread built itself (linux/).
class OwnedBatch : public HandoffBatch {
 public:
  OwnedBatch(std::vector<std::unique_ptr<OwnedMessage>>&& msgs, size_t bytes) : msgs_(std::move(msgs)), bytes_(bytes) {}
  size_t Size() const override { return msgs_.size(); }
  const es_message_t* Message(size_t i) const override { return &msgs_[i]->msg; }
  size_t Bytes() const override { return bytes_; }

 private:
  std::vector<std::unique_ptr<OwnedMessage>> msgs_;
  size_t bytes_;
};

struct HandoffStats {
  uint64_t batches = 0;          // delivered to JS
  uint64_t droppedBatches = 0;   // not delivered: the JS side was behind (or the hand-off closed)
  uint64_t droppedMessages = 0;  // the messages in those batches
  uint64_t pending = 0;          // messages handed off and not yet delivered
  uint64_t pendingBytes = 0;     // their Bytes()
};

// What crosses to JS: JS objects built field by field on the JS thread (kObjects: onBatch(msgs,
// clients?)), or eslogger JSON lines written on the producer's thread (kJson: onBatch(text,
// clients?) per piece of a batch, each piece whole lines and under 48 KiB, clients a Uint32Array
// of that piece's lines), which JS decodes with core's decoder.
enum class Wire { kObjects, kJson };

class BatchHandoff {
 public:
  // Small: Node drains every queued call in one wake-up of the JS thread, so a long queue is a long stall.
  static constexpr size_t kMaxQueuedBatches = 64;

  BatchHandoff();
  ~BatchHandoff();
  // JS thread. `name` shows in async diagnostics.
  void Open(Napi::Env env, Napi::Function onBatch, const char* name, size_t maxQueuedBatches = kMaxQueuedBatches,
            Wire wire = Wire::kObjects);
  // Any thread. True when queued for the JS thread; false when dropped (already released and counted).
  bool Send(std::unique_ptr<HandoffBatch> batch);
  // Any thread, JSON wire only: `count` messages already written as eslogger JSON lines (a backend
  // that translates each message as it is built). True when queued; false when dropped (counted).
  bool SendText(std::string text, size_t count);
  // JS thread, once the producers have stopped. Batches already queued are still delivered.
  void Close();
  bool IsOpen() const { return open_; }
  HandoffStats Stats() const;

 private:
  bool SendJson(std::unique_ptr<HandoffBatch> batch);
  bool EnqueueJson(struct JsonBatch* jb);
  struct Counters;
  static void Delivered(Counters& c);
  void Undo(size_t n, size_t bytes);
  void Dropped(size_t n);
  struct Counters {
    std::atomic<uint64_t> batches{0}, droppedBatches{0}, droppedMessages{0}, pending{0}, pendingBytes{0};
    std::atomic<bool> burst{false};   // many messages were pending since the last trim
    std::atomic<bool> closed{false};  // Close() was called: the last delivery trims
  };
  // Shared with queued calls, which may run after the owner is gone.
  std::shared_ptr<Counters> counters_;
  Napi::ThreadSafeFunction tsfn_;
  std::atomic<bool> open_{false};
  Wire wire_ = Wire::kObjects;
};

}  // namespace njes
