// es_message_t → one eslogger JSON line (translate_json.cc), on any thread.
#pragma once
#include <string>
#include "es_types.h"

namespace njes {

// Appends the message as one JSON line (with its '\n') to `out`.
void AppendJsonLine(const es_message_t* m, std::string& out);

}  // namespace njes
