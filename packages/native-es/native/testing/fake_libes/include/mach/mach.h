// Fake <mach/mach.h> for the Linux build of the macOS ES backend (test only): the Mach calls
// es_api_apple.cc makes, task_info(TASK_AUDIT_TOKEN) of this task (the token
// nj_fake_es_set_self_token scripted) or of another process's task name port (task_name_for_pid,
// answered for the processes nj_fake_es_set_process_token registered), and mach_port_deallocate.
#pragma once
#include <EndpointSecurity/EndpointSecurity.h>

typedef int kern_return_t;
typedef unsigned int natural_t;
typedef natural_t mach_port_t;
typedef natural_t mach_port_name_t;
typedef natural_t task_flavor_t;
typedef natural_t mach_msg_type_number_t;
typedef int* task_info_t;
#define KERN_SUCCESS 0
#define KERN_INVALID_ARGUMENT 4
#define KERN_FAILURE 5
#define MACH_PORT_NULL 0
#define TASK_AUDIT_TOKEN 15
#define TASK_AUDIT_TOKEN_COUNT (sizeof(audit_token_t) / sizeof(natural_t))

extern "C" {
mach_port_t nj_fake_mach_task_self(void);
kern_return_t task_info(mach_port_t task, task_flavor_t flavor, task_info_t out, mach_msg_type_number_t* cnt);
kern_return_t task_name_for_pid(mach_port_t target, int pid, mach_port_name_t* out);
kern_return_t mach_port_deallocate(mach_port_t task, mach_port_name_t name);
}
#define mach_task_self() nj_fake_mach_task_self()
