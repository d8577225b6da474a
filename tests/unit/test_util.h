#pragma once
// Helpers shared by the unit tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.h"
#include "core/json_body.h"
#include "http/message.h"

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

namespace test {
// A response's whole body, read from its source when it streams one.
inline std::string body_of(const http::Response& r) {
  if (!r.source) return r.body;
  std::string out(r.source->size(), '\0');
  for (size_t at = 0; at < out.size();) {
    size_t n = r.source->read(at, out.data() + at, std::min<size_t>(256 * 1024, out.size() - at));
    if (n == 0) break;
    at += n;
  }
  return out;
}
}  // namespace test

}  // namespace watchfloor
