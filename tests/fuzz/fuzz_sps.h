#pragma once
// The SPS readers' properties, checked by fuzz_rtsp (an SDP's sprop, any bytes), fuzz_rtp (in-band SPS)
// and fuzz_h265.
#include <string_view>

#include "fuzz_check.h"
#include "video/h264.h"
#include "video/h265.h"

inline void check_sps(std::string_view nal) {
  namespace h264 = watchfloor::video::h264;
  auto info = h264::parse_sps(nal);
  if (!info) return;
  FUZZ_CHECK(h264::nal_type(nal) == h264::kSps && nal.size() >= 4);
  FUZZ_CHECK(info->width >= 1 && info->width <= 16384);
  FUZZ_CHECK(info->height >= 1 && info->height <= 16384);
  FUZZ_CHECK(info->fps == 0 || (info->fps > 0 && info->fps <= 1000));
  FUZZ_CHECK(info->reorder_frames >= -1 && info->reorder_frames <= 16);
}

inline void check_h265_sps(std::string_view nal) {
  namespace h265 = watchfloor::video::h265;
  auto info = h265::parse_sps(nal);
  if (!info) return;
  FUZZ_CHECK(h265::nal_type(nal) == h265::kSps);
  FUZZ_CHECK(info->width >= 1 && info->width <= 16384);
  FUZZ_CHECK(info->height >= 1 && info->height <= 16384);
  FUZZ_CHECK(info->reorder_frames >= 0 && info->reorder_frames <= 15);
  FUZZ_CHECK(info->sub_layers >= 1 && info->sub_layers <= 7);
  FUZZ_CHECK(h265::codec_string(nal).rfind("hvc1.", 0) == 0);
}
