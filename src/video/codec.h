#pragma once
// The video codecs the recorder stores (docs/formats.md §2): H.264 in `avc1`/`avcC` sample entries,
// H.265 in `hvc1`/`hvcC`. Both travel as 4-byte-length-prefixed NAL units in MP4 samples.
#include <cstdint>

namespace watchfloor::video {

enum class VideoCodec : uint8_t { h264, h265 };

}  // namespace watchfloor::video
