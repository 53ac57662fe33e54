// Fake <sys/sysctl.h> for the Linux build of the macOS ES backend (test only): sysctlbyname for
// "kern.osproductversion", answered by the fake libEndpointSecurity (nj_fake_es_set_os_version).
#pragma once
#include <stddef.h>

extern "C" int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
