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

// The message version argument of a synthetic hook (`name` says which, in the error).
uint32_t SyntheticVersion(const Napi::CallbackInfo& info, const char* name) {
  if (info.Length() < 1 || !info[0].IsNumber())
    ThrowCoded(info.Env(), "NJ_SOURCE_BAD_OPTIONS", std::string(name) + "(version: number)");
  return info[0].As<Napi::Number>().Uint32Value();
}

// The messages as the JSON wire writes them, one line each, in order.
Napi::Array JsonLines(Napi::Env env, const std::vector<std::unique_ptr<OwnedMessage>>& msgs) {
  Napi::Array out = Napi::Array::New(env, msgs.size());
  for (size_t i = 0; i < msgs.size(); i++) {
    std::string line;
    AppendJsonLine(&msgs[i]->msg, line);
    out.Set((uint32_t)i, Napi::String::New(env, line));
  }
  return out;
}

// translateSynthetic(version) → the translator's output for one synthetic message of each type.
Napi::Value TranslateSynthetic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto msgs = SyntheticMessages(SyntheticVersion(info, "translateSynthetic"));
  Napi::Array out = Napi::Array::New(env, msgs.size());
  for (size_t i = 0; i < msgs.size(); i++) out.Set((uint32_t)i, TranslateMessage(env, &msgs[i]->msg));
  return out;
}

// translateSyntheticJson(version) → the same messages as the JSON wire writes them (one line each).
Napi::Value TranslateSyntheticJson(const Napi::CallbackInfo& info) {
  return JsonLines(info.Env(), SyntheticMessages(SyntheticVersion(info, "translateSyntheticJson")));
}

// processVariants(version) → { objects, lines }: ProcessVariants through both wires, in order.
Napi::Value ProcessVariantsBothWires(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto msgs = ProcessVariants(SyntheticVersion(info, "processVariants"));
  Napi::Array objects = Napi::Array::New(env, msgs.size());
  for (size_t i = 0; i < msgs.size(); i++) objects.Set((uint32_t)i, TranslateMessage(env, &msgs[i]->msg));
  Napi::Object out = Napi::Object::New(env);
  out.Set("objects", objects);
  out.Set("lines", JsonLines(env, msgs));
  return out;
}

}  // namespace
}  // namespace njes

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("translateSynthetic", Napi::Function::New(env, njes::TranslateSynthetic));
  exports.Set("translateSyntheticJson", Napi::Function::New(env, njes::TranslateSyntheticJson));
  exports.Set("processVariants", Napi::Function::New(env, njes::ProcessVariantsBothWires));
  njes::InitEsFake(env, exports);
  return exports;
}
NODE_API_MODULE(nightjar_es_testing, InitModule)
