// Platforms without a live backend: the addon still loads (translator tests), backend = none.
#include "../common/backend.h"

namespace njes {
void InitBackend(Napi::Env env, Napi::Object exports) { exports.Set("backend", Napi::String::New(env, "none")); }
}  // namespace njes
