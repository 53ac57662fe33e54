// Fake <bsm/libbsm.h> for the Linux build of the macOS backend (test only): audit_token_t comes
// from EndpointSecurity.h; nothing else from libbsm is used.
#pragma once
#include <EndpointSecurity/EndpointSecurity.h>
