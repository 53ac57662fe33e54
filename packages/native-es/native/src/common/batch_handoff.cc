#include "batch_handoff.h"

#include "translate.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace njes {

BatchHandoff::BatchHandoff() : counters_(std::make_shared<Counters>()) {}

BatchHandoff::~BatchHandoff() { Close(); }

void BatchHandoff::Open(Napi::Env env, Napi::Function onBatch, const char* name, size_t maxQueuedBatches) {
  if (open_) return;
  tsfn_ = Napi::ThreadSafeFunction::New(env, onBatch, name, maxQueuedBatches, 1);
  open_ = true;
}

bool BatchHandoff::Send(std::unique_ptr<HandoffBatch> batch) {
  const size_t n = batch->Size();
  const size_t bytes = batch->Bytes();
  if (n == 0) return true;
  if (open_) {
    if ((counters_->pending += n) > 4096) counters_->burst = true;
    counters_->pendingBytes += bytes;
    std::shared_ptr<Counters> c = counters_;
    HandoffBatch* raw = batch.release();
    napi_status st = tsfn_.NonBlockingCall(raw, [c](Napi::Env env, Napi::Function cb, HandoffBatch* data) {
      std::unique_ptr<HandoffBatch> b(data);
      const size_t size = b->Size();
      c->pending -= size;
      c->pendingBytes -= b->Bytes();
      Napi::Array msgs = Napi::Array::New(env, size);
      for (size_t i = 0; i < size; i++) msgs.Set((uint32_t)i, TranslateMessage(env, b->Message(i)));
      Napi::Array clients;
      if (b->HasClients()) {
        clients = Napi::Array::New(env, size);
        for (size_t i = 0; i < size; i++) clients.Set((uint32_t)i, Napi::Number::New(env, b->Client(i)));
      }
      b.reset();  // release the messages before JS runs
      c->batches++;
#ifdef __GLIBC__
      // A burst is over once everything was taken: glibc keeps what the producer thread's arena
      // freed; give it back so the process shrinks after a storm.
      if (c->pending == 0 && (c->burst.exchange(false) || c->closed)) malloc_trim(0);
#endif
      if (clients.IsEmpty()) cb.Call({msgs});
      else cb.Call({msgs, clients});
    });
    if (st == napi_ok) return true;
    counters_->pending -= n;
    counters_->pendingBytes -= bytes;
    batch.reset(raw);
  }
  counters_->droppedBatches++;
  counters_->droppedMessages += n;
  return false;  // `batch` releases its messages here
}

void BatchHandoff::Close() {
  if (!open_.exchange(false)) return;
  counters_->closed = true;
  tsfn_.Release();
#ifdef __GLIBC__
  malloc_trim(0);  // the source is done: return what its messages used (again after the last delivery)
#endif
}

HandoffStats BatchHandoff::Stats() const {
  HandoffStats s;
  s.batches = counters_->batches;
  s.droppedBatches = counters_->droppedBatches;
  s.droppedMessages = counters_->droppedMessages;
  s.pending = counters_->pending;
  s.pendingBytes = counters_->pendingBytes;
  return s;
}

}  // namespace njes
