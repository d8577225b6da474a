// fuzz_sample_index (docs/formats.md §10): video::mp4::decode_sample_index on any blob (the index's
// `sample_index` column). Never overruns; what it accepts re-encodes to a blob that decodes equal,
// and that re-encoding is canonical (a fixed point).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "video/mp4.h"

namespace mp4 = watchfloor::video::mp4;

namespace {

bool same(const std::vector<mp4::IndexedFragment>& a, const std::vector<mp4::IndexedFragment>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].moof_size != b[i].moof_size || a[i].samples.size() != b[i].samples.size()) return false;
    for (size_t j = 0; j < a[i].samples.size(); ++j) {
      const auto &x = a[i].samples[j], &y = b[i].samples[j];
      if (x.duration != y.duration || x.size != y.size || x.key != y.key || x.cts_offset != y.cts_offset) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto frags = mp4::decode_sample_index(in);
  if (!frags) return 0;
  uint64_t samples = 0;
  for (const auto& f : *frags) {
    FUZZ_CHECK(!f.samples.empty());
    for (const auto& s : f.samples) FUZZ_CHECK(s.duration > 0 && s.size > 0);
    samples += f.samples.size();
    (void)mp4::fragment_bytes(f);
  }
  FUZZ_CHECK(2 * samples <= size);  // every sample costs at least two bytes of blob

  auto blob = mp4::encode_sample_index(*frags);
  auto back = mp4::decode_sample_index(blob);
  FUZZ_CHECK(back);
  FUZZ_CHECK(same(*back, *frags));
  FUZZ_CHECK(mp4::encode_sample_index(*back) == blob);
  return 0;
}
