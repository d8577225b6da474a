// fuzz_json: the request-body reader every route and the WebSocket use (core::parse_json and
// core::JsonBody, src/core/json_body.h). Properties: the only thing thrown is a 400 Problem (or the
// validation Problem of finish()); what parses is nested at most kMaxJsonDepth deep, prints and
// reads back to the same value, and its fields read through JsonBody without a crash; an integer
// read for an "*_id" field is positive; a string read is within its bound.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json_body.h"
#include "fuzz_check.h"

namespace {

size_t depth_of(const nlohmann::json& j) {
  size_t d = 0;
  if (j.is_structured())
    for (const auto& x : j) d = std::max(d, depth_of(x));
  return j.is_structured() ? d + 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace watchfloor::core;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json value;
  try {
    value = parse_json(text);
  } catch (const Problem& p) {
    FUZZ_CHECK(p.status() == 400);
    FUZZ_CHECK(p.slug() == "malformed-json");
    FUZZ_CHECK(std::string(p.what()).size() < 2000);  // the offending token is not echoed whole
    return 0;
  } catch (...) {
    FUZZ_CHECK(!"parse_json threw something other than a 400 Problem");
  }
  FUZZ_CHECK(depth_of(value) <= kMaxJsonDepth);
  FUZZ_CHECK(depth_of(value) <= json_depth(text));  // equal unless a duplicate key dropped a deeper value
  auto printed = value.dump();
  FUZZ_CHECK(parse_json(printed) == value);
  try {
    JsonBody b(value, {"id", "case_id", "text", "flag", "links"});
    if (auto id = b.integer("id", Need::optional)) FUZZ_CHECK(*id > 0);
    if (auto id = b.nullable_integer("case_id"); id && *id) FUZZ_CHECK(**id > 0);
    if (auto t = b.string("text", Need::optional, 10)) {
      size_t chars = 0;
      for (unsigned char c : *t) chars += (c & 0xC0) != 0x80;
      FUZZ_CHECK(chars <= 10);
    }
    b.boolean("flag", Need::optional);
    if (const auto* l = b.raw("links")) {
      JsonBody lb(*l, {"camera_id"}, "links");
      if (auto id = lb.integer("camera_id", Need::optional)) FUZZ_CHECK(*id > 0);
      b.adopt(lb);
    }
    b.finish();
  } catch (const Problem& p) {
    FUZZ_CHECK(p.status() == 400);
  } catch (...) {
    FUZZ_CHECK(!"JsonBody threw something other than a Problem");
  }
  return 0;
}
