// The test addon's EsFakeBackend: the shipped EsSession (../src/macos/es_session.h: client set,
// batch hand-off, counters) over FakeEsApi, so tests on any platform drive the code the macOS
// backend runs. Messages reach JS as the real backend's do: retained in the handler, queued, one
// thread-safe-function call per batch, translated and released on the JS thread.
#include <napi.h>
#include <unistd.h>
#include <memory>
#include "../src/common/backend.h"
#include "../src/macos/es_session.h"
#include "fake_es.h"

namespace njes {
namespace {

NewClientResult ParseResult(const std::string& s) {
  if (s == "ERR_NOT_ENTITLED") return NewClientResult::kErrNotEntitled;
  if (s == "ERR_NOT_PERMITTED") return NewClientResult::kErrNotPermitted;
  if (s == "ERR_NOT_PRIVILEGED") return NewClientResult::kErrNotPrivileged;
  if (s == "ERR_TOO_MANY_CLIENTS") return NewClientResult::kErrTooManyClients;
  if (s == "ERR_INTERNAL") return NewClientResult::kErrInternal;
  if (s == "ERR_INVALID_ARGUMENT") return NewClientResult::kErrInvalidArgument;
  return NewClientResult::kSuccess;
}

uint32_t U32(Napi::Object o, const char* key, uint32_t dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Uint32Value() : dflt;
}

class EsFakeBackend : public Napi::ObjectWrap<EsFakeBackend> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EsFakeBackend",
                       {InstanceMethod("start", &EsFakeBackend::Start), InstanceMethod("deliver", &EsFakeBackend::Deliver),
                        InstanceMethod("drain", &EsFakeBackend::Drain), InstanceMethod("counters", &EsFakeBackend::Counters),
                        InstanceMethod("unavailable", &EsFakeBackend::Unavailable),
                        InstanceMethod("handoff", &EsFakeBackend::Handoff), InstanceMethod("calls", &EsFakeBackend::Calls),
                        InstanceMethod("outstanding", &EsFakeBackend::Outstanding), InstanceMethod("stop", &EsFakeBackend::Stop)});
  }

  // new EsFakeBackend({ clients: [{ events, mutePaths: [[path, kind]], invertPaths, invertTargetPaths }],
  //                     newClientResult?, defaultMutes?: string[], queueCapacity?, selfPid?, selfPidversion?,
  //                     selfTokenFails?, osVersion?, refuseTypes?: number[], running?: [pid, pidversion][],
  //                     batchMax?, maxQueuedBatches? }, onBatch(msgs, clients))
  explicit EsFakeBackend(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EsFakeBackend>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
      ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "new EsFakeBackend(config, onBatch)");
    Napi::Object cfg = info[0].As<Napi::Object>();
    std::vector<std::string> defaults;
    if (cfg.Get("defaultMutes").IsArray()) {
      Napi::Array d = cfg.Get("defaultMutes").As<Napi::Array>();
      for (uint32_t j = 0; j < d.Length(); j++) defaults.push_back(d.Get(j).ToString().Utf8Value());
    }
    std::string result = cfg.Get("newClientResult").IsString() ? cfg.Get("newClientResult").ToString().Utf8Value() : "";
    FakeOs os;
    if (cfg.Get("osVersion").IsString()) os.version = cfg.Get("osVersion").ToString().Utf8Value();
    if (cfg.Get("refuseTypes").IsArray()) {
      Napi::Array r = cfg.Get("refuseTypes").As<Napi::Array>();
      for (uint32_t j = 0; j < r.Length(); j++) os.refusedTypes.insert(r.Get(j).As<Napi::Number>().Uint32Value());
    }
    os.selfPid = U32(cfg, "selfPid", (uint32_t)getpid());
    os.selfPidversion = U32(cfg, "selfPidversion", 1);
    os.selfTokenFails = cfg.Get("selfTokenFails").ToBoolean().Value();
    if (cfg.Get("running").IsArray()) {
      Napi::Array r = cfg.Get("running").As<Napi::Array>();
      for (uint32_t j = 0; j < r.Length(); j++) {
        Napi::Array pv = r.Get(j).As<Napi::Array>();
        os.running[pv.Get(0u).As<Napi::Number>().Uint32Value()] = pv.Get(1u).As<Napi::Number>().Uint32Value();
      }
    }
    api_ = std::make_shared<FakeEsApi>(ParseResult(result), defaults, os);
    EsSessionOptions o;
    o.batchMax = U32(cfg, "batchMax", 64);
    o.flushMs = 20;
    o.maxQueuedBatches = U32(cfg, "maxQueuedBatches", (uint32_t)BatchHandoff::kMaxQueuedBatches);
    session_ = std::make_unique<EsSession>(env, cfg, info[1].As<Napi::Function>(), api_, o);
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    session_->Start(info.Env(), "nightjar-es-fake");
    return info.Env().Undefined();
  }

  Napi::Value Deliver(const Napi::CallbackInfo& info) {
    Napi::Array arr = info[0].As<Napi::Array>();
    std::vector<FakeEvent> evs;
    for (uint32_t i = 0; i < arr.Length(); i++) {
      Napi::Object o = arr.Get(i).As<Napi::Object>();
      FakeEvent e;
      e.type = o.Get("type").As<Napi::Number>().Uint32Value();
      e.pid = o.Get("pid").As<Napi::Number>().Uint32Value();
      e.pidversion = o.Get("pidversion").IsNumber() ? o.Get("pidversion").As<Napi::Number>().Uint32Value() : 1;
      e.exe = o.Get("exe").ToString().Utf8Value();
      if (o.Get("target").IsString()) e.target = o.Get("target").ToString().Utf8Value();
      if (o.Get("dropFor").IsArray()) {
        Napi::Array d = o.Get("dropFor").As<Napi::Array>();
        for (uint32_t j = 0; j < d.Length(); j++) e.dropForClient.insert(d.Get(j).As<Napi::Number>().Uint32Value());
      }
      evs.push_back(std::move(e));
    }
    api_->Deliver(evs);
    return info.Env().Undefined();
  }

  Napi::Value Drain(const Napi::CallbackInfo& info) {
    api_->Drain();
    return info.Env().Undefined();
  }

  Napi::Value Counters(const Napi::CallbackInfo& info) { return session_->Counters(info.Env()); }
  Napi::Value Unavailable(const Napi::CallbackInfo& info) { return session_->Unavailable(info.Env()); }

  // The hand-off's own numbers: batches delivered and dropped, messages dropped and pending.
  Napi::Value Handoff(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    HandoffStats h = session_->Handoff();
    Napi::Object o = Napi::Object::New(env);
    o.Set("batches", (double)h.batches);
    o.Set("droppedBatches", (double)h.droppedBatches);
    o.Set("droppedMessages", (double)h.droppedMessages);
    o.Set("pending", (double)h.pending);
    return o;
  }

  Napi::Value Calls(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto calls = api_->Calls();
    Napi::Array out = Napi::Array::New(env, calls.size());
    for (size_t i = 0; i < calls.size(); i++) out.Set((uint32_t)i, calls[i]);
    return out;
  }

  Napi::Value Outstanding(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), (double)api_->Outstanding()); }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    session_->Stop();
    return info.Env().Undefined();
  }

  // Declared first: the session (whose batches hold the api) goes before it.
  std::shared_ptr<FakeEsApi> api_;
  std::unique_ptr<EsSession> session_;
};

}  // namespace

void InitEsFake(Napi::Env env, Napi::Object exports) { exports.Set("EsFakeBackend", EsFakeBackend::Define(env)); }

}  // namespace njes
