// es_message_t (the mirror in es_types.h) → a JS object in eslogger's JSON shape, with every
// field gated on the message version (reference/esf.md §2.2). Runs on the JS thread only.
#pragma once
#include <napi.h>
#include "es_types.h"

namespace njes {

Napi::Object TranslateMessage(Napi::Env env, const es_message_t* msg);
Napi::Object TranslateProcess(Napi::Env env, const es_process_t* p, uint32_t version);
// eslogger's name for an event type (`exec`, `open`, …), or null for types the translator does not render.
const char* EventName(uint32_t event_type);

}  // namespace njes
