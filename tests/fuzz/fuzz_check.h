#pragma once
// Shared by the fuzz targets: a property check that stays on in release builds. A violation prints
// where and what, then aborts, which libFuzzer reports as a crash (and saves the input) and the
// replay driver turns into a failing test.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond);     \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
