#pragma once
// Playback (docs/formats.md §9): a standard, non-fragmented MP4 of [from, to) built on the fly from
// the index — header in memory, sample data read from the segment files as the client asks for it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "video/index.h"

namespace watchfloor::video {

// A byte run of the output: in-memory bytes, or a run of a segment file.
struct Slice {
  std::string mem;
  std::filesystem::path file;
  uint64_t offset = 0, length = 0;
};

struct Clip {
  std::vector<Slice> slices;
  uint64_t size = 0;
  std::string etag;                    // strong, quoted
  int64_t first_frame_90k = 0;         // wall time of the first presented frame
  int64_t start_90k = 0, end_90k = 0;  // span presented
  int64_t frames = 0;
  std::vector<int64_t> segment_ids;
};

// nullopt when nothing is recorded in [from, to). `open` is the segment being written (instant
// replay): its fragments already in the file are played after the committed segments.
std::optional<Clip> build_clip(Index& index, int64_t stream_id, int64_t from_90k, int64_t to_90k,
                               const std::optional<SegmentRow>& open = std::nullopt);

// Reads `n` bytes at `offset` of the clip into `out`; throws on a short read (a file changed under us).
size_t read_clip(const Clip& clip, uint64_t offset, char* out, size_t n, Fs& fs = posix_fs());

// The keyframe nearest `at` (within ±window) of a stream: its segment file, byte run and wall time.
struct KeyframeRef {
  std::filesystem::path file;
  uint64_t offset = 0, length = 0;
  int64_t at_90k = 0;
  int64_t sample_entry_id = 0;
};
std::optional<KeyframeRef> nearest_keyframe(Index& index, int64_t stream_id, int64_t at_90k, int64_t window_90k);

}  // namespace watchfloor::video
