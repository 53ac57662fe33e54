#pragma once
#include <memory>
#include <vector>
#include "../src/common/owned.h"

namespace njes {
// One message of each rendered event type (and the null/absent variants), as `version` would carry.
std::vector<std::unique_ptr<OwnedMessage>> SyntheticMessages(uint32_t version);
// Exit messages of one pid in pairs: the base process, then the base with one field changed (the
// JSON wire's reuse of a process's text must see every field).
std::vector<std::unique_ptr<OwnedMessage>> ProcessVariants(uint32_t version);
}
