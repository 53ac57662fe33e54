// The one interface every live backend implements. A backend thread builds (or retains) messages
// and hands them to the JS thread in batches through BatchHandoff (batch_handoff.h).
#pragma once
#include <napi.h>
#include <memory>
#include <string>
#include <vector>
#include "owned.h"

namespace njes {

using Batch = std::vector<std::unique_ptr<OwnedMessage>>;

// Throws a JS Error carrying a stable `code` (mapped to typed errors in TypeScript).
[[noreturn]] void ThrowCoded(Napi::Env env, const char* code, const std::string& message);

// Registers the platform's backend class on `exports` (linux/, macos/ or stub/).
void InitBackend(Napi::Env env, Napi::Object exports);

}  // namespace njes
