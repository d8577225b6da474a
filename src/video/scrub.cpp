#include "video/scrub.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/hash.h"
#include "core/log.h"
#include "core/metrics.h"

namespace watchfloor::video {

struct Scrubber::Current {
  SegmentRow row;
  std::unique_ptr<File> file;
  uint64_t offset = 0;
  core::Sha256 sha;
};

Scrubber::Scrubber(Index& index, const core::Clock& clock, ScrubOptions opt, Fs& fs)
    : index_(index), clock_(clock), opt_(opt), fs_(fs) {}

Scrubber::~Scrubber() = default;

bool Scrubber::pick() {
  int64_t before = clock_.now_ms() - opt_.rescan_after_ms;
  auto r = index_.db().query_one(
      fmt::format("SELECT {} FROM segments WHERE state = 'ok' AND sample_dir_id = ? AND "
                  "(verified_ms IS NULL OR verified_ms <= ?) ORDER BY verified_ms IS NOT NULL, verified_ms, id LIMIT 1",
                  kSegmentColumns),
      {index_.dir_id(), before});
  if (!r) return false;
  cur_ = std::make_unique<Current>();
  cur_->row = segment_from_row(*r);
  return true;
}

ScrubResult Scrubber::finish(const std::string& state, const std::string& detail) {
  auto cur = std::move(cur_);
  ScrubResult res{cur->row.id, cur->row.camera_id, cur->row.start_90k, clock_.now_ms(), state, detail};
  if (cur->file)
    if (auto s = cur->file->close(); !s.ok()) core::log_error("video scrub: " + s.message());
  // A row deleted meanwhile (retention) is no finding.
  if (index_.db().exec("UPDATE segments SET verified_ms = ?, state = ? WHERE id = ? AND state = 'ok'",
                       {res.at_ms, state, res.segment_id}) == 0)
    res.state = "gone";
  auto& m = core::Metrics::global();
  if (res.state != "gone") m.inc("watchfloor_scrub_segments_total");
  if (res.state == "damaged" || res.state == "missing") {
    m.inc("watchfloor_scrub_mismatches_total");
    core::log_json({{"event", "video.scrub"}, {"segment_id", res.segment_id}, {"state", state}, {"detail", detail}});
  }
  last_ = res;
  return res;
}

std::vector<ScrubResult> Scrubber::step() {
  std::vector<ScrubResult> done;
  if (opt_.bytes_per_s <= 0) return done;
  int64_t now = clock_.mono_ns();
  if (last_mono_) budget_ += double(now - *last_mono_) / 1e9 * double(opt_.bytes_per_s);
  budget_ = std::min(budget_, double(opt_.bytes_per_s));  // a pause is not made up in one burst
  last_mono_ = now;
  std::string buf;
  while (budget_ >= 1) {
    if (!cur_ && !pick()) break;
    auto& c = *cur_;
    if (!c.file) {
      auto path = index_.segment_path(*index_.stream_by_id(c.row.stream_id), c.row.seq);
      FileInfo info;
      Status s = fs_.stat(path, info);
      if (!s.ok()) {
        done.push_back(finish(s.code() == ENOENT ? "missing" : "damaged", s.message()));
        continue;
      }
      if (int64_t(info.size) != c.row.bytes) {
        done.push_back(finish("damaged", fmt::format("{} bytes, the index says {}", info.size, c.row.bytes)));
        continue;
      }
      if (s = fs_.open_read(path, c.file); !s.ok()) {
        done.push_back(finish(s.code() == ENOENT ? "missing" : "damaged", s.message()));
        continue;
      }
    }
    size_t n = size_t(std::min<double>({budget_, double(uint64_t(c.row.bytes) - c.offset), double(1 << 20)}));
    buf.resize(n);
    if (n) {
      if (auto s = c.file->read_at(c.offset, buf.data(), n); !s.ok()) {
        done.push_back(finish("damaged", s.message()));
        continue;
      }
      c.sha.update(buf);
      c.offset += n;
      budget_ -= double(n);
      bytes_read_ += int64_t(n);
      core::Metrics::global().inc("watchfloor_scrub_bytes_total", "", double(n));
    }
    if (c.offset == uint64_t(c.row.bytes)) {
      bool same = c.sha.hex() == c.row.sha256_hex;
      done.push_back(finish(same ? "ok" : "damaged", same ? "" : "SHA-256 differs from the index"));
    }
  }
  return done;
}

}  // namespace watchfloor::video
