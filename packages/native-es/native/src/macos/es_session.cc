#include "es_session.h"

#include "../common/backend.h"
#include "../common/translate.h"

namespace njes {
namespace {

MutePathType ParseMute(const std::string& s) {
  if (s == "literal") return MutePathType::kLiteral;
  if (s == "target_prefix") return MutePathType::kTargetPrefix;
  if (s == "target_literal") return MutePathType::kTargetLiteral;
  return MutePathType::kPrefix;
}

// Messages retained in ES's handler, released once translated (or dropped).
class RetainedBatch : public HandoffBatch {
 public:
  RetainedBatch(std::shared_ptr<EsApi> api, std::vector<EsClientSet::Queued>&& q) : api_(std::move(api)), q_(std::move(q)) {}
  ~RetainedBatch() override {
    for (auto& q : q_) api_->ReleaseMessage(q.msg);
  }
  size_t Size() const override { return q_.size(); }
  const es_message_t* Message(size_t i) const override { return q_[i].msg; }
  bool HasClients() const override { return true; }
  uint32_t Client(size_t i) const override { return q_[i].client; }

 private:
  std::shared_ptr<EsApi> api_;
  std::vector<EsClientSet::Queued> q_;
};

}  // namespace

EsSession::EsSession(Napi::Env env, Napi::Object cfg, Napi::Function onBatch, std::shared_ptr<EsApi> api, EsSessionOptions options)
    : api_(std::move(api)), options_(options), onBatch_(Napi::Persistent(onBatch)) {
  if (!cfg.Get("clients").IsArray()) ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "ES backend config: clients must be an array");
  Napi::Array clients = cfg.Get("clients").As<Napi::Array>();
  for (uint32_t i = 0; i < clients.Length(); i++) {
    Napi::Object c = clients.Get(i).As<Napi::Object>();
    ClientSpec s;
    if (!c.Get("events").IsArray()) ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "ES backend config: clients[].events must be an array");
    Napi::Array ev = c.Get("events").As<Napi::Array>();
    Napi::Value mm = c.Get("minMacos");
    for (uint32_t j = 0; j < ev.Length(); j++) {
      uint32_t t = ev.Get(j).As<Napi::Number>().Uint32Value();
      // A type the translator cannot render would arrive as `event: {}`: refuse it here, by name.
      if (EventName(t) == nullptr) {
        untranslated_.push_back({(size_t)i, t, "not translated by this addon"});
        continue;
      }
      s.events.push_back(t);
      s.minMacos.push_back(mm.IsArray() ? mm.As<Napi::Array>().Get(j).ToString().Utf8Value() : std::string());
    }
    if (c.Get("mutePaths").IsArray()) {
      Napi::Array mp = c.Get("mutePaths").As<Napi::Array>();
      for (uint32_t j = 0; j < mp.Length(); j++) {
        Napi::Array pair = mp.Get(j).As<Napi::Array>();
        s.mutePaths.push_back({pair.Get(0u).ToString().Utf8Value(), ParseMute(pair.Get(1u).ToString().Utf8Value())});
      }
    }
    if (c.Get("mutePids").IsArray()) {
      Napi::Array mp = c.Get("mutePids").As<Napi::Array>();
      for (uint32_t j = 0; j < mp.Length(); j++) {
        Napi::Value v = mp.Get(j);
        double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
        if (!(d >= 1 && d <= 2147483647 && d == (double)(int)d))
          ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "ES backend config: clients[].mutePids must hold pids (positive integers)");
        s.mutePids.push_back((int)d);
      }
    }
    if (c.Get("mutePathEvents").IsArray()) {
      // [[path, kind, eventTypeNumbers[]], …]
      Napi::Array mp = c.Get("mutePathEvents").As<Napi::Array>();
      for (uint32_t j = 0; j < mp.Length(); j++) {
        Napi::Array t = mp.Get(j).As<Napi::Array>();
        if (t.Length() < 3 || !t.Get(2u).IsArray())
          ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "ES backend config: clients[].mutePathEvents holds [path, kind, events[]]");
        ClientSpec::PathEvents pe{t.Get(0u).ToString().Utf8Value(), ParseMute(t.Get(1u).ToString().Utf8Value()), {}};
        Napi::Array ev = t.Get(2u).As<Napi::Array>();
        for (uint32_t k = 0; k < ev.Length(); k++) pe.events.push_back(ev.Get(k).As<Napi::Number>().Uint32Value());
        s.mutePathEvents.push_back(std::move(pe));
      }
    }
    s.invertPaths = c.Get("invertPaths").ToBoolean().Value();
    s.invertTargetPaths = c.Get("invertTargetPaths").ToBoolean().Value();
    specs_.push_back(std::move(s));
  }
  if (cfg.Get("wire").IsString() && cfg.Get("wire").ToString().Utf8Value() == "json") wire_ = Wire::kJson;
  if (cfg.Get("queueCapacity").IsNumber()) options_.queueCapacity = cfg.Get("queueCapacity").As<Napi::Number>().Uint32Value();
}

EsSession::~EsSession() {
  if (set_) set_->Stop();
  handoff_.Close();
}

void EsSession::Start(Napi::Env env, const char* name) {
  if (set_) return;
  handoff_.Open(env, onBatch_.Value(), name, options_.maxQueuedBatches, wire_);
  std::shared_ptr<EsApi> api = api_;
  set_ = std::make_unique<EsClientSet>(api.get(), options_.queueCapacity, options_.batchMax, options_.flushMs,
                                       [this, api](std::vector<EsClientSet::Queued>&& b) {
                                         return handoff_.Send(std::make_unique<RetainedBatch>(api, std::move(b)));
                                       });
  StartError err;
  if (!set_->Start(specs_, &err)) {
    set_.reset();
    handoff_.Close();
    ThrowCoded(env, err.code.c_str(), err.message);
  }
}

void EsSession::Stop() {
  if (!set_ || stopped_) return;
  stopped_ = true;
  set_->Stop();  // joins the flusher: nothing is sent after this
  handoff_.Close();
}

Napi::Value EsSession::Unavailable(Napi::Env env) {
  std::vector<Unsubscribed> all = untranslated_;
  if (set_) {
    auto more = set_->Unavailable();
    all.insert(all.end(), more.begin(), more.end());
  }
  Napi::Array out = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("client", (double)all[i].client);
    o.Set("type", (double)all[i].type);
    o.Set("reason", all[i].reason);
    out.Set((uint32_t)i, o);
  }
  return out;
}

Napi::Value EsSession::Counters(Napi::Env env) {
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

}  // namespace njes
