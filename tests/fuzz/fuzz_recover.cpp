// fuzz_recover (docs/formats.md §10): video::mp4::scan_segment, the recovery walk over a whole file.
// L ≤ size; scanning [0, L) gives L and the same fragments again; every fragment is complete and
// where the index (sample_index + fragment_bytes, §4) will say it is.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "video/h264.h"
#include "video/mp4.h"

namespace mp4 = watchfloor::video::mp4;
namespace h264 = watchfloor::video::h264;

namespace {

bool same_samples(const std::vector<mp4::Sample>& a, const std::vector<mp4::Sample>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].duration != b[i].duration || a[i].size != b[i].size || a[i].key != b[i].key || a[i].cts_offset != b[i].cts_offset)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto scan = mp4::scan_segment(in);
  if (!scan) return 0;
  const uint64_t L = scan->valid_length;
  FUZZ_CHECK(L <= size);
  FUZZ_CHECK(scan->init.length > 0 && scan->init.length <= L);

  // Fragments tile [init, L) without holes, each complete within L.
  uint64_t at = scan->init.length;
  std::vector<mp4::IndexedFragment> indexed;
  for (const auto& f : scan->fragments) {
    FUZZ_CHECK(f.offset == at);
    FUZZ_CHECK(f.offset < f.data_offset && f.data_offset <= f.end);
    FUZZ_CHECK(f.end <= L);
    FUZZ_CHECK(f.base_dts >= 0);
    FUZZ_CHECK(!f.samples.empty());
    uint64_t sum = 0, s_at = f.data_offset;
    for (const auto& s : f.samples) {
      FUZZ_CHECK(s.size > 0 && s.duration > 0);
      // Each sample is length-prefixed NAL units exactly filling its size.
      FUZZ_CHECK(h264::split_avcc(in.substr(s_at, s.size)));
      sum += s.size;
      s_at += s.size;
    }
    FUZZ_CHECK(sum == f.end - f.data_offset);
    // The layout the index assumes (formats.md §4): prft 32 + moof + mdat header 8 + payload.
    FUZZ_CHECK(f.wall_90k.has_value());
    FUZZ_CHECK(f.data_offset == f.offset + mp4::kPrftSize + f.moof_size + 8);
    mp4::IndexedFragment x{f.moof_size, f.samples};
    FUZZ_CHECK(mp4::fragment_bytes(x) == f.end - f.offset);
    indexed.push_back(std::move(x));
    at = f.end;
  }
  FUZZ_CHECK(at == L);
  if (!scan->fragments.empty()) FUZZ_CHECK(scan->fragments.front().samples.front().key);

  // The index recovery would write decodes to the same fragments.
  auto idx = mp4::decode_sample_index(mp4::encode_sample_index(indexed));
  FUZZ_CHECK(idx && idx->size() == indexed.size());
  for (size_t i = 0; i < indexed.size(); ++i)
    FUZZ_CHECK((*idx)[i].moof_size == indexed[i].moof_size && same_samples((*idx)[i].samples, indexed[i].samples));

  // Recovery truncates to L; scanning the truncated file finds exactly the same.
  auto again = mp4::scan_segment(in.substr(0, L));
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->valid_length == L);
  FUZZ_CHECK(again->init.length == scan->init.length);
  FUZZ_CHECK(again->fragments.size() == scan->fragments.size());
  for (size_t i = 0; i < scan->fragments.size(); ++i) {
    const auto &a = scan->fragments[i], &b = again->fragments[i];
    FUZZ_CHECK(a.offset == b.offset && a.moof_size == b.moof_size && a.data_offset == b.data_offset && a.end == b.end);
    FUZZ_CHECK(a.base_dts == b.base_dts && a.wall_90k == b.wall_90k && same_samples(a.samples, b.samples));
  }
  return 0;
}
