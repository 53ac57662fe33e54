// macOS live backend: EsClientSet over the real EsApi, exposed to JS as EsBackend. The same
// batching as the fake harness (fake_binding.cc), which is what the tests run.
// Not linked in this project's CI (needs node + the macOS SDK); syntax-checked on Linux against
// fake_libes/ (test/native/apple-fake-libes.test.ts).
#include <napi.h>
#include <unistd.h>
#include <algorithm>
#include <memory>
#include "../common/backend.h"
#include "../common/translate.h"
#include "es_client_set.h"
#include "proc_backfill.h"

namespace njes {

EsApi* NewAppleEsApi();

namespace {

MutePathType ParseMute(const std::string& s) {
  if (s == "literal") return MutePathType::kLiteral;
  if (s == "target_prefix") return MutePathType::kTargetPrefix;
  if (s == "target_literal") return MutePathType::kTargetLiteral;
  return MutePathType::kPrefix;
}

class EsBackend : public Napi::ObjectWrap<EsBackend> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EsBackend",
                       {InstanceMethod("start", &EsBackend::Start), InstanceMethod("stop", &EsBackend::Stop),
                        InstanceMethod("counters", &EsBackend::Counters)});
  }

  // new EsBackend({ clients: [{ events: number[], mutePaths?, invertPaths?, invertTargetPaths? }], queueCapacity? }, onBatch(msgs, clients))
  explicit EsBackend(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EsBackend>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
      ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "new EsBackend(config, onBatch)");
    Napi::Object cfg = info[0].As<Napi::Object>();
    Napi::Array clients = cfg.Get("clients").As<Napi::Array>();
    for (uint32_t i = 0; i < clients.Length(); i++) {
      Napi::Object c = clients.Get(i).As<Napi::Object>();
      ClientSpec s;
      Napi::Array ev = c.Get("events").As<Napi::Array>();
      for (uint32_t j = 0; j < ev.Length(); j++) s.events.push_back(ev.Get(j).As<Napi::Number>().Uint32Value());
      if (c.Get("mutePaths").IsArray()) {
        Napi::Array mp = c.Get("mutePaths").As<Napi::Array>();
        for (uint32_t j = 0; j < mp.Length(); j++) {
          Napi::Array pair = mp.Get(j).As<Napi::Array>();
          s.mutePaths.push_back({pair.Get(0u).ToString().Utf8Value(), ParseMute(pair.Get(1u).ToString().Utf8Value())});
        }
      }
      s.invertPaths = c.Get("invertPaths").ToBoolean().Value();
      s.invertTargetPaths = c.Get("invertTargetPaths").ToBoolean().Value();
      specs_.push_back(std::move(s));
    }
    capacity_ = cfg.Get("queueCapacity").IsNumber() ? cfg.Get("queueCapacity").As<Napi::Number>().Uint32Value() : 65536;
    api_.reset(NewAppleEsApi());
    onBatch_ = Napi::Persistent(info[1].As<Napi::Function>());
  }

  ~EsBackend() override {
    if (set_) set_->Stop();
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    tsfn_ = Napi::ThreadSafeFunction::New(env, onBatch_.Value(), "nightjar-es", 256, 1);
    audit_token_t self{};
    self.val[5] = (uint32_t)getpid();
    EsApi* api = api_.get();
    set_ = std::make_unique<EsClientSet>(api, self, capacity_, 512, 50, [this, api](std::vector<EsClientSet::Queued>&& b) {
      auto* batch = new std::vector<EsClientSet::Queued>(std::move(b));
      napi_status st = tsfn_.NonBlockingCall(batch, [api](Napi::Env env, Napi::Function cb, std::vector<EsClientSet::Queued>* q) {
        Napi::Array msgs = Napi::Array::New(env, q->size());
        Napi::Array clients = Napi::Array::New(env, q->size());
        for (size_t i = 0; i < q->size(); i++) {
          msgs.Set((uint32_t)i, TranslateMessage(env, (*q)[i].msg));
          clients.Set((uint32_t)i, Napi::Number::New(env, (*q)[i].client));
          api->ReleaseMessage((*q)[i].msg);
        }
        delete q;
        cb.Call({msgs, clients});
      });
      if (st != napi_ok) {
        for (auto& q : *batch) api->ReleaseMessage(q.msg);
        delete batch;
      }
    });
    StartError err;
    if (!set_->Start(specs_, &err)) {
      set_.reset();
      tsfn_.Release();
      ThrowCoded(env, err.code.c_str(), err.message);
    }
    return env.Undefined();
  }

  Napi::Value Counters(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env);
    if (!set_) return out;
    auto cs = set_->Counters();
    for (size_t i = 0; i < cs.size(); i++) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("messages", (double)cs[i].messages);
      o.Set("seqGaps", (double)cs[i].seqGaps);
      o.Set("seqMissing", (double)cs[i].seqMissing);
      o.Set("globalGaps", (double)cs[i].globalGaps);
      o.Set("globalMissing", (double)cs[i].globalMissing);
      o.Set("queueDrops", (double)cs[i].queueDrops);
      out.Set((uint32_t)i, o);
    }
    return out;
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (set_) {
      set_->Stop();
      set_.reset();
      tsfn_.Release();
    }
    return info.Env().Undefined();
  }

  std::vector<ClientSpec> specs_;
  std::unique_ptr<EsApi> api_;
  std::unique_ptr<EsClientSet> set_;
  Napi::FunctionReference onBatch_;
  Napi::ThreadSafeFunction tsfn_;
  uint32_t capacity_ = 65536;
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
