#pragma once
// A visible watermark burned into exported footage (Art. 16.3: what leaves for another unit carries who asked
// for it, under which grant, and when): several lines of text (Vietnamese, shaped by pango) on a
// semi-transparent dark box in the picture's top-left corner. A clip is decoded (libavcodec), marked frame by
// frame and re-encoded as H.264 (libx264) into an MP4 (libavformat); a still is decoded, marked and encoded
// as JPEG again. The rest of the picture is left as the decoder gave it (only re-encoding touches it).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "video/zip.h"

namespace watchfloor::video {

struct WatermarkOptions {
  std::string preset = "veryfast";  // libx264's speed preset
  int crf = 23;
};

// Reads the MP4 in `src`, writes the watermarked MP4 to `out` (created; it must not exist). `progress` gets the
// share of frames done (0..1) now and then. False with `error` set when the input does not decode or the
// output cannot be written.
bool watermark_mp4(ByteSource& src, const std::filesystem::path& out, const std::string& text, const WatermarkOptions& opt,
                   const std::function<void(double)>& progress, std::string& error);

// The JPEG `jpeg` with the watermark; nullopt with `error` set when it does not decode.
std::optional<std::string> watermark_jpeg(std::string_view jpeg, const std::string& text, std::string& error);

// The box the watermark covers in a picture of this size (even coordinates): what tests compare.
struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};
Rect watermark_box(const std::string& text, int width, int height);

}  // namespace watchfloor::video
