#include "video/playback.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <stdexcept>

#include "core/hash.h"
#include "video/mp4.h"

namespace watchfloor::video {

namespace {

struct Picked {
  size_t file = 0;  // index into files
  uint64_t offset = 0;
  mp4::Sample s;
  int64_t wall = 0;
  size_t chunk = 0;  // global fragment number
};

// Every sample of a segment with its file offset and wall time.
template <class F>
void walk(const SegmentRow& seg, const std::vector<mp4::IndexedFragment>& frags, uint64_t init_len, F&& each) {
  uint64_t at = init_len;
  int64_t media = 0;
  long double scale = seg.media_duration_90k ? (long double)(seg.end_90k - seg.start_90k) / seg.media_duration_90k : 1;
  for (size_t fi = 0; fi < frags.size(); ++fi) {
    uint64_t data = at + mp4::kPrftSize + frags[fi].moof_size + 8;
    for (const auto& s : frags[fi].samples) {
      each(fi, data, s, seg.start_90k + int64_t(media * scale));
      data += s.size;
      media += s.duration;
    }
    at += mp4::fragment_bytes(frags[fi]);
  }
}

}  // namespace

std::optional<Clip> build_clip(Index& index, int64_t stream_id, int64_t from_90k, int64_t to_90k,
                               const std::optional<SegmentRow>& open_segment) {
  auto stream = index.stream_by_id(stream_id);
  if (!stream) return std::nullopt;
  auto segs = index.segments(stream_id, from_90k, to_90k);
  // The segment being written, when it is not committed yet (it may just have been).
  if (const auto& open = open_segment; open && open->stream_id == stream_id && open->start_90k < to_90k && open->end_90k > from_90k &&
      (segs.empty() || open->seq > segs.back().seq))
    segs.push_back(*open);
  std::vector<Picked> picked;
  std::vector<std::filesystem::path> files;
  std::optional<int64_t> entry_id;
  size_t chunk_base = 0;
  Clip clip;
  std::string etag_src = fmt::format("v1:{}:{}:{}", stream_id, from_90k, to_90k);
  for (const auto& seg : segs) {
    if (seg.state != "ok") continue;
    if (entry_id && *entry_id != seg.sample_entry_id) break;  // the console asks again from the change
    auto frags = mp4::decode_sample_index(seg.sample_index);
    auto init = index.init_bytes(seg.sample_entry_id);
    if (!frags || !init) continue;
    entry_id = seg.sample_entry_id;
    files.push_back(index.segment_path(*stream, seg.seq));
    if (seg.id) {
      clip.segment_ids.push_back(seg.id);
      etag_src += fmt::format(":{}:{}", seg.id, seg.sha256_hex);
    } else {
      etag_src += fmt::format(":open:{}:{}", seg.seq, seg.frames);
    }
    walk(seg, *frags, init->size(), [&](size_t fi, uint64_t off, const mp4::Sample& s, int64_t wall) {
      if (wall >= to_90k) return;
      if (wall <= from_90k && s.key) picked.clear();  // start at the last keyframe at or before `from`
      if (picked.empty() && !s.key) return;
      picked.push_back({files.size() - 1, off, s, wall, chunk_base + fi});
    });
    chunk_base += frags->size();
  }
  if (picked.empty() || !entry_id) return std::nullopt;
  auto init = index.init_bytes(*entry_id);
  auto parsed = mp4::parse_init(*init);
  if (!parsed) return std::nullopt;

  // Chunks: runs of picked samples from one fragment (contiguous bytes of one file).
  struct Chunk {
    size_t file;
    uint64_t offset, length;
    uint32_t samples;
  };
  std::vector<Chunk> chunks;
  int64_t media_total = 0;
  uint64_t body = 0;
  for (size_t i = 0; i < picked.size(); ++i) {
    const auto& p = picked[i];
    if (i == 0 || p.chunk != picked[i - 1].chunk || p.file != picked[i - 1].file)
      chunks.push_back({p.file, p.offset, 0, 0});
    chunks.back().length += p.s.size;
    chunks.back().samples++;
    media_total += p.s.duration;
    body += p.s.size;
  }
  int64_t skip = std::max<int64_t>(0, std::min(from_90k - picked.front().wall, media_total - picked.back().s.duration));
  int64_t presented = media_total - skip;
  bool big = body > 0xFFFF0000ull;

  mp4::BoxWriter w;
  auto ftyp = w.begin("ftyp");
  w.bytes("isom"), w.u32(0x200), w.bytes(parsed->entry.kind == VideoCodec::h265 ? "isomiso2hvc1mp41" : "isomiso2avc1mp41");
  w.end(ftyp);
  auto moov = w.begin("moov");
  auto mvhd = w.begin_full("mvhd", 0, 0);
  w.u32(0), w.u32(0), w.u32(mp4::kTimescale), w.u32(uint32_t(presented));
  w.u32(0x00010000), w.u16(0x0100), w.zeros(10);
  mp4::write_matrix(w);
  w.zeros(24), w.u32(2);
  w.end(mvhd);
  auto trak = w.begin("trak");
  auto tkhd = w.begin_full("tkhd", 0, 3);
  w.u32(0), w.u32(0), w.u32(1), w.u32(0), w.u32(uint32_t(presented));
  w.zeros(8), w.u16(0), w.u16(0), w.u16(0), w.u16(0);
  mp4::write_matrix(w);
  w.u32(uint32_t(parsed->entry.width) << 16), w.u32(uint32_t(parsed->entry.height) << 16);
  w.end(tkhd);
  // The presentation starts `skip` after the first keyframe's composition time (its decode time 0
  // plus its composition offset, > 0 when the stream has B-frames).
  int64_t media_start = skip + std::max<int64_t>(0, picked.front().s.cts_offset);
  if (media_start > 0) {
    auto edts = w.begin("edts");
    auto elst = w.begin_full("elst", 0, 0);
    w.u32(1), w.u32(uint32_t(presented)), w.u32(uint32_t(media_start)), w.u32(0x00010000);
    w.end(elst);
    w.end(edts);
  }
  auto open = mp4::open_media(w, parsed->entry, uint32_t(media_total));
  // stts: run-length coded durations.
  {
    std::vector<std::pair<uint32_t, uint32_t>> runs;
    for (const auto& p : picked) {
      if (!runs.empty() && runs.back().second == p.s.duration)
        runs.back().first++;
      else
        runs.emplace_back(1, p.s.duration);
    }
    auto b = w.begin_full("stts", 0, 0);
    w.u32(uint32_t(runs.size()));
    for (auto [n, d] : runs) w.u32(n), w.u32(d);
    w.end(b);
  }
  bool any_cts = false;
  for (const auto& p : picked) any_cts |= p.s.cts_offset != 0;
  if (any_cts) {
    std::vector<std::pair<uint32_t, int32_t>> runs;
    for (const auto& p : picked) {
      if (!runs.empty() && runs.back().second == p.s.cts_offset)
        runs.back().first++;
      else
        runs.emplace_back(1, p.s.cts_offset);
    }
    auto b = w.begin_full("ctts", 1, 0);
    w.u32(uint32_t(runs.size()));
    for (auto [n, c] : runs) w.u32(n), w.u32(uint32_t(c));
    w.end(b);
  }
  {
    std::vector<uint32_t> keys;
    for (size_t i = 0; i < picked.size(); ++i)
      if (picked[i].s.key) keys.push_back(uint32_t(i + 1));
    auto b = w.begin_full("stss", 0, 0);
    w.u32(uint32_t(keys.size()));
    for (auto k : keys) w.u32(k);
    w.end(b);
  }
  {
    auto b = w.begin_full("stsz", 0, 0);
    w.u32(0), w.u32(uint32_t(picked.size()));
    for (const auto& p : picked) w.u32(p.s.size);
    w.end(b);
  }
  {
    std::vector<std::pair<uint32_t, uint32_t>> runs;  // (first chunk, samples per chunk)
    for (size_t i = 0; i < chunks.size(); ++i)
      if (runs.empty() || runs.back().second != chunks[i].samples)
        runs.emplace_back(uint32_t(i + 1), chunks[i].samples);
    auto b = w.begin_full("stsc", 0, 0);
    w.u32(uint32_t(runs.size()));
    for (auto [first, n] : runs) w.u32(first), w.u32(n), w.u32(1);
    w.end(b);
  }
  auto stco = w.begin_full(big ? "co64" : "stco", 0, 0);
  w.u32(uint32_t(chunks.size()));
  size_t offsets_at = w.size();
  for (size_t i = 0; i < chunks.size(); ++i) big ? w.u64(0) : w.u32(0);
  w.end(stco);
  w.end(open.stbl);
  w.end(open.minf);
  w.end(open.mdia);
  w.end(trak);
  w.end(moov);
  if (big) {
    w.u32(1), w.bytes("mdat"), w.u64(body + 16);
  } else {
    w.u32(uint32_t(body + 8)), w.bytes("mdat");
  }
  // Chunk offsets, now that the header's size is known.
  auto& head = w.str();
  uint64_t at = head.size();
  for (size_t i = 0; i < chunks.size(); ++i) {
    int width = big ? 8 : 4;
    for (int k = 0; k < width; ++k) head[offsets_at + i * width + k] = char(at >> (8 * (width - 1 - k)));
    at += chunks[i].length;
  }
  clip.slices.push_back({head, {}, 0, head.size()});
  for (const auto& c : chunks) {
    if (!clip.slices.back().mem.empty() || clip.slices.back().file != files[c.file] ||
        clip.slices.back().offset + clip.slices.back().length != c.offset)
      clip.slices.push_back({{}, files[c.file], c.offset, c.length});
    else
      clip.slices.back().length += c.length;
  }
  clip.size = head.size() + body;
  clip.first_frame_90k = picked.front().wall + skip;
  clip.start_90k = clip.first_frame_90k;
  clip.end_90k = picked.back().wall + picked.back().s.duration;
  clip.frames = int64_t(picked.size());
  clip.etag = "\"" + core::sha256_hex(etag_src).substr(0, 32) + "\"";
  return clip;
}

size_t read_clip(const Clip& clip, uint64_t offset, char* out, size_t n, Fs& fs) {
  size_t done = 0;
  uint64_t base = 0;
  for (const auto& s : clip.slices) {
    if (done == n) break;
    uint64_t end = base + s.length;
    if (offset + done < end) {
      uint64_t in = offset + done - base;
      size_t take = size_t(std::min<uint64_t>(s.length - in, n - done));
      if (!s.mem.empty()) {
        std::copy_n(s.mem.data() + in, take, out + done);
      } else {
        std::unique_ptr<File> f;
        Status st = fs.open_read(s.file, f);
        if (st.ok()) st = f->read_at(s.offset + in, out + done, take);
        if (st.ok()) st = f->close();
        if (!st.ok()) throw std::runtime_error(st.message());
      }
      done += take;
    }
    base = end;
  }
  return done;
}

std::optional<KeyframeRef> nearest_keyframe(Index& index, int64_t stream_id, int64_t at_90k, int64_t window_90k) {
  auto stream = index.stream_by_id(stream_id);
  if (!stream) return std::nullopt;
  std::optional<KeyframeRef> best;
  for (const auto& seg : index.segments(stream_id, at_90k - window_90k, at_90k + window_90k + 1)) {
    if (seg.state != "ok") continue;
    auto frags = mp4::decode_sample_index(seg.sample_index);
    auto init = index.init_bytes(seg.sample_entry_id);
    if (!frags || !init) continue;
    auto file = index.segment_path(*stream, seg.seq);
    walk(seg, *frags, init->size(), [&](size_t, uint64_t off, const mp4::Sample& s, int64_t wall) {
      if (!s.key || std::abs(wall - at_90k) > window_90k) return;
      if (!best || std::abs(wall - at_90k) < std::abs(best->at_90k - at_90k))
        best = KeyframeRef{file, off, s.size, wall, seg.sample_entry_id};
    });
  }
  return best;
}

}  // namespace watchfloor::video
