// fuzz_h265 (docs/formats.md §10): what we read of H.265 — h265::parse_sps on the whole input, the
// hvcC record (parse_hvcc_record) and the hvc1 init segment built from it (make_init, parse_init).
//
// Properties, not only "no crash":
//  - parse_sps: see fuzz_sps.h (size 1..16384, reorder 0..15, codec string "hvc1.…").
//  - an SPS that parses makes an hvcC record (with any VPS and PPS) that parses back to the same
//    three sets and re-encodes to the same bytes; the hvc1 init from it parses back as H.265 with the
//    same sets, size and codec string.
//  - parse_hvcc_record on the input: on success the three sets have their types, the SPS parses, and
//    the record re-encoded parses back to the same sets.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "fuzz_sps.h"
#include "video/h265.h"
#include "video/mp4.h"

namespace h264 = watchfloor::video::h264;
namespace h265 = watchfloor::video::h265;
namespace mp4 = watchfloor::video::mp4;
using watchfloor::video::VideoCodec;

namespace {

void check_sets(const h264::ParameterSets& ps) {
  auto rec = h265::hvcc_record(ps);
  FUZZ_CHECK(rec.has_value());
  auto back = h265::parse_hvcc_record(*rec);
  FUZZ_CHECK(back && back->vps == ps.vps && back->sps == ps.sps && back->pps == ps.pps);
  FUZZ_CHECK(h265::hvcc_record(*back) == *rec);
  auto e = mp4::sample_entry(VideoCodec::h265, ps);
  FUZZ_CHECK(e.has_value());
  auto init = mp4::parse_init(mp4::make_init(*e));
  FUZZ_CHECK(init && init->entry.kind == VideoCodec::h265);
  FUZZ_CHECK(init->entry.ps.vps == ps.vps && init->entry.ps.sps == ps.sps && init->entry.ps.pps == ps.pps);
  FUZZ_CHECK(init->entry.codec == e->codec && init->entry.width == e->width && init->entry.height == e->height);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);  // exactly `size` bytes on the heap
  check_h265_sps(in);
  if (h265::parse_sps(in) && in.size() <= h264::kMaxParameterSet) {
    static const std::string vps("\x40\x01\x0c\x01\xff\xff", 6), pps("\x44\x01\xc1\x72", 4);
    check_sets({in, pps, vps});
  }
  if (auto ps = h265::parse_hvcc_record(in)) {
    FUZZ_CHECK(h265::nal_type(ps->vps) == h265::kVps && h265::nal_type(ps->sps) == h265::kSps &&
               h265::nal_type(ps->pps) == h265::kPps);
    check_sets(*ps);
  }
  return 0;
}
