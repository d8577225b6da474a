// fuzz_range (docs/formats.md §10): http::parse_byte_range(header, size). The first 8 bytes of the
// input are the body size (big-endian), the rest the Range header value. The result lies within
// the body, or is nullopt (serve it whole), or a 416 Problem; nothing else is thrown.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "fuzz_check.h"
#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t body = 0;
  for (int i = 0; i < 8; ++i) body = (body << 8) | data[i];
  std::string header(reinterpret_cast<const char*>(data) + 8, size - 8);
  try {
    auto r = watchfloor::http::parse_byte_range(header, body);
    if (!r) return 0;
    auto [first, length] = *r;
    FUZZ_CHECK(length > 0);
    FUZZ_CHECK(first < body);
    FUZZ_CHECK(length <= body - first);  // first + length ≤ size, without overflow
    FUZZ_CHECK(header.rfind("bytes=", 0) == 0);
  } catch (const watchfloor::core::Problem& p) {
    FUZZ_CHECK(p.status() == 416);
  } catch (...) {
    FUZZ_CHECK(!"parse_byte_range threw something other than a 416 Problem");
  }
  return 0;
}
