#pragma once
// A still image of a recording: decode one keyframe (libavcodec) and encode it as JPEG.
#include <optional>
#include <string>
#include <string_view>

#include "video/mp4.h"

namespace watchfloor::video {

// JPEG bytes of one keyframe (4-byte-length-prefixed NAL units) of a stream with `entry`'s
// parameter sets; nullopt (with `error` set) when it cannot be decoded.
std::optional<std::string> keyframe_to_jpeg(const mp4::SampleEntry& entry, std::string_view sample, std::string& error);

}  // namespace watchfloor::video
