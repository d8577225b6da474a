#pragma once
// The SPS reader's properties, checked by fuzz_rtsp (an SDP's sprop, any bytes) and fuzz_rtp (in-band SPS).
#include <string_view>

#include "fuzz_check.h"
#include "video/h264.h"

inline void check_sps(std::string_view nal) {
  namespace h264 = watchfloor::video::h264;
  auto info = h264::parse_sps(nal);
  if (!info) return;
  FUZZ_CHECK(h264::nal_type(nal) == h264::kSps && nal.size() >= 4);
  FUZZ_CHECK(info->width >= 1 && info->width <= 16384);
  FUZZ_CHECK(info->height >= 1 && info->height <= 16384);
  FUZZ_CHECK(info->fps == 0 || (info->fps > 0 && info->fps <= 1000));
}
