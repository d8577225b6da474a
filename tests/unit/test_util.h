#pragma once
// Helpers shared by the unit tests.
#include <gtest/gtest.h>

#include "core/error.h"

namespace watchfloor {

// The Problem that `f` throws; a test failure when it throws none.
template <typename F>
core::Problem problem_of(F&& f) {
  try {
    f();
  } catch (const core::Problem& p) {
    return p;
  }
  ADD_FAILURE() << "expected a Problem";
  return core::Problem::internal();
}

}  // namespace watchfloor
