// The translator (translate.cc) compiled a second time over the JSON stand-in for napi.h
// (json/napi.h): the same code, field for field, writes an eslogger JSON line instead of building
// JS objects. Runs on a backend's own thread, so the JS thread only decodes text (core's decoder,
// the replay path). The stand-in's namespace is renamed so it cannot clash with node-addon-api's.
#define SRC_NAPI_H_  // the real <napi.h> (node-addon-api's include guard) stays out of this unit
#define Napi NjJsonNapi
#define EventName EventNameJsonUnit  // the one translate.cc function without a Napi type in its signature
#include "json/napi.h"
#include "translate.cc"
#undef EventName
#undef Napi

#include "translate_json.h"

namespace njes {

void AppendJsonLine(const es_message_t* m, std::string& out) {
  out += TranslateMessage(NjJsonNapi::Env(), m).Text();
  out += '\n';
}

}  // namespace njes
