// macOS live backend: an EsSession (es_session.h: the client set and the batch hand-off) over the
// real EsApi, exposed to JS as EsBackend. The test addon's EsFakeBackend wraps the same EsSession
// over the fake library, so everything here but NewAppleEsApi runs in the tests; this file itself
// is compiled against fake_libes/ on Linux (test/native/apple-fake-libes.test.ts).
#include <napi.h>
#include <unistd.h>
#include <algorithm>
#include <memory>
#include "../common/backend.h"
#include "es_session.h"
#include "proc_backfill.h"

namespace njes {

EsApi* NewAppleEsApi();

namespace {

class EsBackend : public Napi::ObjectWrap<EsBackend> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EsBackend",
                       {InstanceMethod("start", &EsBackend::Start), InstanceMethod("stop", &EsBackend::Stop),
                        InstanceMethod("counters", &EsBackend::Counters),
                        InstanceMethod("unavailable", &EsBackend::Unavailable)});
  }

  // new EsBackend({ clients: [{ events: number[], mutePaths?, invertPaths?, invertTargetPaths? }], queueCapacity? }, onBatch(msgs, clients))
  explicit EsBackend(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EsBackend>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
      ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "new EsBackend(config, onBatch)");
    EsSessionOptions o;
    session_ = std::make_unique<EsSession>(env, info[0].As<Napi::Object>(), info[1].As<Napi::Function>(),
                                           std::shared_ptr<EsApi>(NewAppleEsApi()), o);
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    session_->Start(info.Env(), "nightjar-es");
    return info.Env().Undefined();
  }
  Napi::Value Stop(const Napi::CallbackInfo& info) {
    session_->Stop();
    return info.Env().Undefined();
  }
  Napi::Value Counters(const Napi::CallbackInfo& info) { return session_->Counters(info.Env()); }
  Napi::Value Unavailable(const Napi::CallbackInfo& info) { return session_->Unavailable(info.Env()); }

  std::unique_ptr<EsSession> session_;
};

// backfillProcesses({ maxProcesses?, maxArgBytes? }) → the running processes (proc_backfill.h).
// Synchronous: one pass over the process table, a few ms per hundred processes.
Napi::Value BackfillJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BackfillLimits lim;
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value mp = o.Get("maxProcesses"), ma = o.Get("maxArgBytes");
    if (mp.IsNumber()) lim.maxProcesses = (size_t)std::max(1.0, mp.As<Napi::Number>().DoubleValue());
    if (ma.IsNumber()) lim.maxArgBytes = (size_t)std::max(0.0, ma.As<Napi::Number>().DoubleValue());
  }
  return BackfillProcesses(env, lim);
}

}  // namespace

void InitBackend(Napi::Env env, Napi::Object exports) {
  exports.Set("backend", Napi::String::New(env, "es"));
  exports.Set("EsBackend", EsBackend::Define(env));
  exports.Set("backfillProcesses", Napi::Function::New(env, BackfillJs));
}

}  // namespace njes
