// Linux-only stand-in for <EndpointSecurity/EndpointSecurity.h>: the fake_libes include dir (-I)
// makes the unmodified apple files find it. The declarations live in ../../EndpointSecurity.h.
#pragma once
#include "../../EndpointSecurity.h"
