// fuzz_init (docs/formats.md §10): video::mp4::parse_init on any bytes (a segment head, an index
// `init`; avc1/avcC or hvc1/hvcC). Never crashes; an accepted init is self-delimiting, and parse → write → parse gives the
// same entry, with the writer's bytes a fixed point.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "video/mp4.h"

namespace mp4 = watchfloor::video::mp4;

namespace {

bool same_entry(const mp4::SampleEntry& a, const mp4::SampleEntry& b) {
  return a.kind == b.kind && a.width == b.width && a.height == b.height && a.ps.sps == b.ps.sps &&
         a.ps.pps == b.ps.pps && a.ps.vps == b.ps.vps && a.codec == b.codec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto init = mp4::parse_init(in);
  if (!init) return 0;
  FUZZ_CHECK(init->length > 0 && init->length <= size);
  FUZZ_CHECK(init->entry.width > 0 && init->entry.width <= 0xffff);
  FUZZ_CHECK(init->entry.height > 0 && init->entry.height <= 0xffff);
  FUZZ_CHECK(!init->entry.ps.sps.empty() && !init->entry.ps.pps.empty());

  // What follows the init does not change it (recovery reads a whole segment, the index the init alone).
  auto head = mp4::parse_init(in.substr(0, init->length));
  FUZZ_CHECK(head && head->length == init->length && same_entry(head->entry, init->entry));

  // parse → write → parse: the same entry, and writing it again gives the same bytes.
  auto bytes = mp4::make_init(init->entry);
  auto back = mp4::parse_init(bytes);
  FUZZ_CHECK(back);
  FUZZ_CHECK(back->length == bytes.size());
  FUZZ_CHECK(same_entry(back->entry, init->entry));
  FUZZ_CHECK(mp4::make_init(back->entry) == bytes);
  return 0;
}
