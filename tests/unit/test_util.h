#pragma once
// Helpers shared by the unit tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.h"
#include "core/json_body.h"

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

// A shipped organisation preset (presets/NAME) from the repository.
inline nlohmann::json read_preset(const std::string& name) {
  std::ifstream in(std::filesystem::path(WATCHFLOOR_SOURCE_DIR) / "presets" / name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return core::parse_json(text);
}

}  // namespace watchfloor
