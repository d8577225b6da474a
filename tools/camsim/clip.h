// watchfloor-camsim: pre-encoded H.264 or H.265 test clips (encode once with x264 or x265, cache on disk,
// serve forever).
#pragma once

#include <gst/gst.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace camsim {

/// Everything that determines the bytes of an encoded clip. Each field is part of the cache key.
struct ClipParams {
  int index = 1;           ///< 1-based clip number; selects the look and is burnt in as "CLIP <index>"
  int width = 1280;
  int height = 720;
  int fps = 25;
  int bitrate_kbps = 2000; ///< CBR with filler data, so the stream really runs at this rate
  int gop = 50;            ///< frames from one IDR to the next
  int frames = 250;        ///< loop length, a whole number of GOPs
  std::string preset = "veryfast";
  std::string codec = "h264";  ///< "h264" (x264) or "h265" (x265)
  int bframes = 0;             ///< B-frames between references; > 0 makes presentation order differ from decode order

  /// File name (without directory) of the cache entry for these parameters.
  [[nodiscard]] std::string cache_name() const;
  /// Short human description for log lines.
  [[nodiscard]] std::string describe() const;
};

/// One encoded access unit (one frame) inside Clip::memory.
struct AccessUnit {
  std::size_t offset = 0;
  std::uint32_t size = 0;
  bool keyframe = false;
  /// Presentation index minus decode index, in frames (0 without B-frames; negative for a B-frame).
  std::int32_t pts_offset = 0;
};

/// An encoded clip held in one read-only GstMemory (normally the mmapped cache file). Buffers handed to
/// GStreamer are sub-memories of it (gst_memory_share), so every camera that uses the clip shares the
/// same bytes and the memory stays valid for as long as any buffer still references it.
class Clip {
 public:
  Clip(ClipParams params, GstMemory* memory, std::vector<AccessUnit> units)
      : params_(std::move(params)), memory_(memory), units_(std::move(units)) {}
  ~Clip() { gst_memory_unref(memory_); }
  Clip(const Clip&) = delete;
  Clip& operator=(const Clip&) = delete;

  [[nodiscard]] const ClipParams& params() const { return params_; }
  [[nodiscard]] const std::vector<AccessUnit>& units() const { return units_; }
  [[nodiscard]] std::size_t total_bytes() const { return gst_memory_get_sizes(memory_, nullptr, nullptr); }
  /// The largest −pts_offset (0 without B-frames): frames by which presentation must trail decode so
  /// that no frame is presented before it is decoded.
  [[nodiscard]] std::int32_t reorder_delay() const {
    std::int32_t d = 0;
    for (const auto& u : units_) d = std::max(d, -u.pts_offset);
    return d;
  }

  /// A new buffer (no copy) holding access unit `i`; timestamps are left to the caller.
  [[nodiscard]] GstBuffer* buffer_for(std::size_t i) const;

 private:
  ClipParams params_;
  GstMemory* memory_;
  std::vector<AccessUnit> units_;
};

struct ClipResult {
  std::shared_ptr<const Clip> clip;
  bool from_cache = false;
  double encode_seconds = 0.0;
  std::string error;    ///< set when clip is null
  std::string warning;  ///< e.g. the cache could not be written (the clip is then kept in memory only)
};

/// Loads the clip from `cache_dir` if a valid entry exists, otherwise encodes it and stores it there
/// (temporary file + rename, so concurrent or interrupted runs never leave a torn entry).
/// Thread-safe; may be called from several threads for different clips.
ClipResult load_or_encode(const ClipParams& params, const std::string& cache_dir);

}  // namespace camsim
