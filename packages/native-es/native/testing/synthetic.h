#pragma once
#include <memory>
#include <vector>
#include "../src/common/owned.h"

namespace njes {
// One message of each rendered event type (and the null/absent variants), as `version` would carry.
std::vector<std::unique_ptr<OwnedMessage>> SyntheticMessages(uint32_t version);
}
