// Module entry of the test addon (nightjar_es_testing.node, built from native/testing/binding.gyp,
// never shipped): the translator's synthetic-message hook and the fake-ES-backed EsFakeBackend,
// over the same production sources the shipped addon compiles.
#include <napi.h>
#include "../src/common/backend.h"
#include "../src/common/translate.h"
#include "../src/common/translate_json.h"
#include "synthetic.h"

namespace njes {

void InitEsFake(Napi::Env env, Napi::Object exports);

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

// translateSyntheticJson(version) → the same messages as the JSON wire writes them (one line each).
Napi::Value TranslateSyntheticJson(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber())
    ThrowCoded(env, "NJ_SOURCE_BAD_OPTIONS", "translateSyntheticJson(version: number)");
  uint32_t v = info[0].As<Napi::Number>().Uint32Value();
  auto msgs = SyntheticMessages(v);
  Napi::Array out = Napi::Array::New(env, msgs.size());
  for (size_t i = 0; i < msgs.size(); i++) {
    std::string line;
    AppendJsonLine(&msgs[i]->msg, line);
    out.Set((uint32_t)i, Napi::String::New(env, line));
  }
  return out;
}

}  // namespace
}  // namespace njes

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("translateSynthetic", Napi::Function::New(env, njes::TranslateSynthetic));
  exports.Set("translateSyntheticJson", Napi::Function::New(env, njes::TranslateSyntheticJson));
  njes::InitEsFake(env, exports);
  return exports;
}
NODE_API_MODULE(nightjar_es_testing, InitModule)
