// Module entry: the translator's test hook (synthetic messages) and the platform backend.
#include <napi.h>
#include "common/backend.h"
#include "common/synthetic.h"
#include "common/translate.h"

namespace njes {

void InitEsFake(Napi::Env env, Napi::Object exports);

void ThrowCoded(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  throw e;
}

namespace {

// translateSynthetic(version) → the translator's output for one synthetic message of each type.
Napi::Value TranslateSynthetic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "translateSynthetic(version: number)");
  uint32_t v = info[0].As<Napi::Number>().Uint32Value();
  auto msgs = SyntheticMessages(v);
  Napi::Array out = Napi::Array::New(env, msgs.size());
  for (size_t i = 0; i < msgs.size(); i++) out.Set((uint32_t)i, TranslateMessage(env, &msgs[i]->msg));
  return out;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("translateSynthetic", Napi::Function::New(env, TranslateSynthetic));
  InitBackend(env, exports);
  InitEsFake(env, exports);
  return exports;
}

}  // namespace njes

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return njes::Init(env, exports); }
NODE_API_MODULE(nightjar_es, InitModule)
