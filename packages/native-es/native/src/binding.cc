// Module entry of the shipped addon (nightjar_es.node): the platform's live backend only. Test
// hooks and doubles live in the separate test addon (native/testing/), which never ships.
#include <napi.h>
#include "common/backend.h"

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  njes::InitBackend(env, exports);
  return exports;
}
NODE_API_MODULE(nightjar_es, InitModule)
