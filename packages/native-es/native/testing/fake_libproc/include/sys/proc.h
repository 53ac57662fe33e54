// Linux-only stand-in (tests): the declarations live in fake_libproc.h.
#pragma once
#include "../../fake_libproc.h"
