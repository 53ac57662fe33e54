// Fake <mach/mach.h> for the Linux build of the macOS ES backend (test only): the one Mach call
// es_api_apple.cc makes, task_info(mach_task_self(), TASK_AUDIT_TOKEN), answered by the fake
// libEndpointSecurity with the token nj_fake_es_set_self_token scripted.
#pragma once
#include <EndpointSecurity/EndpointSecurity.h>

typedef int kern_return_t;
typedef unsigned int natural_t;
typedef natural_t mach_port_t;
typedef natural_t task_flavor_t;
typedef natural_t mach_msg_type_number_t;
typedef int* task_info_t;
#define KERN_SUCCESS 0
#define KERN_INVALID_ARGUMENT 4
#define TASK_AUDIT_TOKEN 15
#define TASK_AUDIT_TOKEN_COUNT (sizeof(audit_token_t) / sizeof(natural_t))

extern "C" {
mach_port_t nj_fake_mach_task_self(void);
kern_return_t task_info(mach_port_t task, task_flavor_t flavor, task_info_t out, mach_msg_type_number_t* cnt);
}
#define mach_task_self() nj_fake_mach_task_self()
