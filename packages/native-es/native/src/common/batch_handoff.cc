#include "batch_handoff.h"

#include "translate.h"
#include "translate_json.h"

#include <algorithm>
#include <cstring>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace njes {

BatchHandoff::BatchHandoff() : counters_(std::make_shared<Counters>()) {}

BatchHandoff::~BatchHandoff() { Close(); }

// JS thread, after a batch was taken. A burst is over once everything was taken: glibc keeps what
// the producer thread's arena freed; give it back so the process shrinks after a storm.
void BatchHandoff::Delivered(Counters& c) {
  c.batches++;
#ifdef __GLIBC__
  if (c.pending == 0 && (c.burst.exchange(false) || c.closed)) malloc_trim(0);
#endif
}

// The call could not be queued: take back what was counted as pending, count the drop.
void BatchHandoff::Undo(size_t n, size_t bytes) {
  counters_->pending -= n;
  counters_->pendingBytes -= bytes;
}
void BatchHandoff::Dropped(size_t n) {
  counters_->droppedBatches++;
  counters_->droppedMessages += n;
}

// A batch already written as JSON lines; its messages were released when it was written.
struct JsonBatch {
  std::string text;
  std::vector<uint32_t> clients;
  size_t count;
};

namespace {
// onBatch as a callback from the event loop (napi_make_callback), not a plain call: the promise
// jobs it queued (the consumer's `for await` waiting on the source) run before the next batch.
// Node runs queued thread-safe calls back to back (up to 1,000 per wake-up); with plain calls a
// producer faster than the consumer starved it: the source's queue filled with decoded batches
// the consumer never got a turn to take, and dropped them.
void Deliver(Napi::Env env, const Napi::Function& cb, const std::initializer_list<napi_value>& args) {
  cb.MakeCallback(env.Global(), args);
}

// A JS string of 128 KiB or more is a large object in V8: a mapping of its own, a page fault on
// every page written, for a string that is garbage a moment later. A batch of 512 JSON lines is
// ~0.5-1 MB; made into one string it cost the JS thread ~3.4 ms per MB, in pieces of at most
// kPieceBytes (cut at line ends, so each piece holds whole lines) ~0.15.
constexpr size_t kPieceBytes = 48 * 1024;

// onBatch(text[, clients]) once per piece, with the clients of that piece's lines. A callback that
// throws ends the delivery there (MakeCallback throws), as it did with one string.
void DeliverPieces(Napi::Env env, const Napi::Function& cb, const JsonBatch& b) {
  const std::string& t = b.text;
  size_t at = 0, line = 0;
  while (at < t.size()) {
    size_t end = t.size();
    if (end - at > kPieceBytes) {
      size_t cut = t.rfind('\n', at + kPieceBytes - 1);
      // A line longer than a piece is a piece of its own.
      if (cut == std::string::npos || cut < at) cut = t.find('\n', at + kPieceBytes);
      if (cut != std::string::npos) end = cut + 1;
    }
    const size_t lines = static_cast<size_t>(std::count(t.begin() + at, t.begin() + end, '\n')) +
                         (end == t.size() && t.back() != '\n' ? 1 : 0);
    Napi::String text = Napi::String::New(env, t.data() + at, end - at);
    if (b.clients.empty()) {
      Deliver(env, cb, {text});
    } else {
      const size_t n = std::min(lines, b.clients.size() - std::min(line, b.clients.size()));
      Napi::Uint32Array a = Napi::Uint32Array::New(env, n);
      if (n > 0) memcpy(a.Data(), b.clients.data() + line, n * sizeof(uint32_t));
      Deliver(env, cb, {text, a});
    }
    line += lines;
    at = end;
  }
}
}  // namespace

void BatchHandoff::Open(Napi::Env env, Napi::Function onBatch, const char* name, size_t maxQueuedBatches, Wire wire) {
  if (open_) return;
  wire_ = wire;
  tsfn_ = Napi::ThreadSafeFunction::New(env, onBatch, name, maxQueuedBatches, 1);
  open_ = true;
}

bool BatchHandoff::Send(std::unique_ptr<HandoffBatch> batch) {
  const size_t n = batch->Size();
  if (n == 0) return true;
  if (open_ && wire_ == Wire::kJson) return SendJson(std::move(batch));
  const size_t bytes = batch->Bytes();
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
      Delivered(*c);
      if (clients.IsEmpty()) Deliver(env, cb, {msgs});
      else Deliver(env, cb, {msgs, clients});
    });
    if (st == napi_ok) return true;
    Undo(n, bytes);
    batch.reset(raw);
  }
  Dropped(n);
  return false;  // `batch` releases its messages here
}

// The JSON wire: the text is written here, on the producer's thread, and the messages released at
// once; the JS thread makes strings of it (DeliverPieces).
bool BatchHandoff::SendJson(std::unique_ptr<HandoffBatch> batch) {
  const size_t n = batch->Size();
  auto* jb = new JsonBatch{std::string(), {}, n};
  jb->text.reserve(n * 768);
  for (size_t i = 0; i < n; i++) AppendJsonLine(batch->Message(i), jb->text);
  if (batch->HasClients()) {
    jb->clients.resize(n);
    for (size_t i = 0; i < n; i++) jb->clients[i] = batch->Client(i);
  }
  batch.reset();
  return EnqueueJson(jb);
}

bool BatchHandoff::SendText(std::string text, size_t count) {
  if (count == 0) return true;
  if (!open_ || wire_ != Wire::kJson) {
    Dropped(count);
    return false;
  }
  return EnqueueJson(new JsonBatch{std::move(text), {}, count});
}

bool BatchHandoff::EnqueueJson(JsonBatch* jb) {
  const size_t n = jb->count;
  const size_t bytes = jb->text.capacity() + jb->clients.capacity() * sizeof(uint32_t);
  if ((counters_->pending += n) > 4096) counters_->burst = true;
  counters_->pendingBytes += bytes;
  std::shared_ptr<Counters> c = counters_;
  napi_status st = tsfn_.NonBlockingCall(jb, [c, bytes](Napi::Env env, Napi::Function cb, JsonBatch* data) {
    std::unique_ptr<JsonBatch> b(data);
    c->pending -= b->count;
    c->pendingBytes -= bytes;
    Delivered(*c);
    DeliverPieces(env, cb, *b);
  });
  if (st == napi_ok) return true;
  Undo(n, bytes);
  delete jb;
  Dropped(n);
  return false;
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
