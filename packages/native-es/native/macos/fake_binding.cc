// JS harness for the macOS backend logic (EsClientSet) over FakeEsApi: the same code the real
// backend runs, driven by tests on any platform. Messages reach JS as the real backend's would:
// retained in the handler, queued, one thread-safe-function call per batch, translated and
// released on the JS thread.
#include <napi.h>
#include <unistd.h>
#include <atomic>
#include <memory>
#include "../common/backend.h"
#include "../common/translate.h"
#include "es_client_set.h"
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

MutePathType ParseMute(const std::string& s) {
  if (s == "literal") return MutePathType::kLiteral;
  if (s == "target_prefix") return MutePathType::kTargetPrefix;
  if (s == "target_literal") return MutePathType::kTargetLiteral;
  return MutePathType::kPrefix;
}

class EsFakeBackend : public Napi::ObjectWrap<EsFakeBackend> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "EsFakeBackend",
                       {InstanceMethod("start", &EsFakeBackend::Start), InstanceMethod("deliver", &EsFakeBackend::Deliver),
                        InstanceMethod("drain", &EsFakeBackend::Drain), InstanceMethod("counters", &EsFakeBackend::Counters),
                        InstanceMethod("calls", &EsFakeBackend::Calls), InstanceMethod("outstanding", &EsFakeBackend::Outstanding),
                        InstanceMethod("stop", &EsFakeBackend::Stop)});
  }

  // new EsFakeBackend({ clients: [{ events, mutePaths: [[path, kind]], invertPaths, invertTargetPaths }],
  //                     newClientResult?, defaultMutes?: string[], queueCapacity?, selfPid? }, onBatch(msgs, clients))
  explicit EsFakeBackend(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EsFakeBackend>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
      ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "new EsFakeBackend(config, onBatch)");
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
    std::vector<std::string> defaults;
    if (cfg.Get("defaultMutes").IsArray()) {
      Napi::Array d = cfg.Get("defaultMutes").As<Napi::Array>();
      for (uint32_t j = 0; j < d.Length(); j++) defaults.push_back(d.Get(j).ToString().Utf8Value());
    }
    std::string result = cfg.Get("newClientResult").IsString() ? cfg.Get("newClientResult").ToString().Utf8Value() : "";
    capacity_ = cfg.Get("queueCapacity").IsNumber() ? cfg.Get("queueCapacity").As<Napi::Number>().Uint32Value() : 65536;
    selfPid_ = cfg.Get("selfPid").IsNumber() ? cfg.Get("selfPid").As<Napi::Number>().Uint32Value() : (uint32_t)getpid();
    api_ = std::make_unique<FakeEsApi>(ParseResult(result), defaults);
    onBatch_ = Napi::Persistent(info[1].As<Napi::Function>());
  }

  ~EsFakeBackend() override {
    if (set_) set_->Stop();
  }

 private:
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    tsfn_ = Napi::ThreadSafeFunction::New(env, onBatch_.Value(), "nightjar-es-fake", 256, 1);
    audit_token_t self{};
    self.val[5] = selfPid_;
    self.val[7] = 1;
    FakeEsApi* api = api_.get();
    set_ = std::make_unique<EsClientSet>(api, self, capacity_, 64, 20, [this, api](std::vector<EsClientSet::Queued>&& b) {
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

  Napi::Value Calls(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto calls = api_->Calls();
    Napi::Array out = Napi::Array::New(env, calls.size());
    for (size_t i = 0; i < calls.size(); i++) out.Set((uint32_t)i, calls[i]);
    return out;
  }

  Napi::Value Outstanding(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), (double)api_->Outstanding()); }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (set_) {
      set_->Stop();
      tsfn_.Release();
    }
    return info.Env().Undefined();
  }

  std::vector<ClientSpec> specs_;
  std::unique_ptr<FakeEsApi> api_;
  std::unique_ptr<EsClientSet> set_;
  Napi::FunctionReference onBatch_;
  Napi::ThreadSafeFunction tsfn_;
  uint32_t capacity_ = 65536;
  uint32_t selfPid_ = 0;
};

}  // namespace

void InitEsFake(Napi::Env env, Napi::Object exports) { exports.Set("EsFakeBackend", EsFakeBackend::Define(env)); }

}  // namespace njes
