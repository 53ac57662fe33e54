// The node-free test drivers' assertion: report the failed condition with its place, count it, go on
// (so one run lists every failure). Each driver returns g_failures == 0 ? 0 : 1.
#pragma once
#include <cstdio>

static int g_failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      g_failures++;                                                            \
    }                                                                          \
  } while (0)
