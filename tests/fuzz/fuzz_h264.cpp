// fuzz_h264 (docs/formats.md §10): the H.264 framing of camera packets and extradata — to_sample,
// split_annexb, split_avcc, parameter_sets, parse_avcc_record — each run on the whole input.
// No crash; NAL splitting is lossless; a converted sample is valid length-prefixed NAL units holding
// exactly the packet's NAL units minus AUD and filler; parameter sets survive avcC build → parse.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "video/h264.h"

namespace h264 = watchfloor::video::h264;

namespace {

std::string join_annexb(const std::vector<std::string_view>& nals) {
  std::string out;
  for (auto n : nals) out.append("\0\0\0\1", 4).append(n);
  return out;
}

std::string join_avcc(const std::vector<std::string_view>& nals) {
  std::string out;
  for (auto n : nals) {
    uint32_t v = uint32_t(n.size());
    out.push_back(char(v >> 24)), out.push_back(char(v >> 16)), out.push_back(char(v >> 8)), out.push_back(char(v));
    out.append(n);
  }
  return out;
}

bool within(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// The round trip through an avcC record, for parameter sets the record can hold (16-bit lengths).
void check_record_round_trip(const h264::ParameterSets& ps) {
  FUZZ_CHECK(ps.sps.size() >= 4 && h264::nal_type(ps.sps) == h264::kSps);
  FUZZ_CHECK(!ps.pps.empty() && h264::nal_type(ps.pps) == h264::kPps);
  FUZZ_CHECK(h264::codec_string(ps.sps).size() == 11);  // "avc1.PPCCLL"
  if (ps.sps.size() > 0xffff || ps.pps.size() > 0xffff) return;
  auto rec = h264::avcc_record(ps);
  auto back = h264::parse_avcc_record(rec);
  FUZZ_CHECK(back);
  FUZZ_CHECK(back->sps == ps.sps && back->pps == ps.pps);
  FUZZ_CHECK(h264::avcc_record(*back) == rec);
  FUZZ_CHECK(h264::parameter_sets(rec) && h264::parameter_sets(rec)->sps == ps.sps);  // avcC extradata
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  // Annex B: NAL units are non-empty, in order, inside the input, without trailing zeros; joining
  // them with 4-byte start codes and splitting again gives the same units.
  auto annexb = h264::split_annexb(in);
  {
    size_t total = 0;
    const char* prev_end = in.data();
    for (auto n : annexb) {
      FUZZ_CHECK(!n.empty() && within(n, in) && n.back() != 0);
      FUZZ_CHECK(n.data() >= prev_end);
      prev_end = n.data() + n.size();
      total += n.size();
    }
    FUZZ_CHECK(total <= size);
    const std::string joined = join_annexb(annexb);
    auto again = h264::split_annexb(joined);
    FUZZ_CHECK(again.size() == annexb.size());
    for (size_t i = 0; i < annexb.size(); ++i) FUZZ_CHECK(again[i] == annexb[i]);
  }

  // Length-prefixed: accepted input is exactly its NAL units re-joined.
  auto avcc = h264::split_avcc(in);
  if (avcc) {
    for (auto n : *avcc) FUZZ_CHECK(!n.empty() && within(n, in));
    FUZZ_CHECK(join_avcc(*avcc) == in);
  }

  // to_sample: what the writer stores as one MP4 sample.
  if (auto au = h264::to_sample(in)) {
    auto nals = h264::split_avcc(au->avcc);
    FUZZ_CHECK(nals && !nals->empty());
    size_t payload = 0;
    bool idr = false;
    std::optional<std::string_view> sps, pps;
    for (auto n : *nals) {
      auto t = h264::nal_type(n);
      FUZZ_CHECK(t != h264::kAud && t != h264::kFiller);
      idr |= t == h264::kIdr;
      if (t == h264::kSps && !sps) sps = n;
      if (t == h264::kPps && !pps) pps = n;
      payload += n.size();
    }
    FUZZ_CHECK(payload <= size);
    FUZZ_CHECK(au->idr == idr);
    FUZZ_CHECK(au->sps.has_value() == sps.has_value() && (!sps || *au->sps == *sps));
    FUZZ_CHECK(au->pps.has_value() == pps.has_value() && (!pps || *au->pps == *pps));
    // Exactly the packet's NAL units (as its own framing splits them), AUD and filler dropped.
    std::vector<std::string_view> src = h264::is_annexb(in) ? annexb : avcc.value_or(std::vector<std::string_view>{});
    std::vector<std::string_view> kept;
    for (auto n : src)
      if (h264::nal_type(n) != h264::kAud && h264::nal_type(n) != h264::kFiller) kept.push_back(n);
    FUZZ_CHECK(kept.size() == nals->size());
    for (size_t i = 0; i < kept.size(); ++i) FUZZ_CHECK(kept[i] == (*nals)[i]);
  } else {
    // Rejected only when nothing is left: no framing, or only AUD/filler units.
    std::vector<std::string_view> src = h264::is_annexb(in) ? annexb : avcc.value_or(std::vector<std::string_view>{});
    for (auto n : src) FUZZ_CHECK(h264::nal_type(n) == h264::kAud || h264::nal_type(n) == h264::kFiller);
  }

  if (auto ps = h264::parameter_sets(in)) check_record_round_trip(*ps);
  if (auto ps = h264::parse_avcc_record(in)) check_record_round_trip(*ps);
  return 0;
}
