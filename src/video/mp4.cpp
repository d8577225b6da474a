#include "video/mp4.h"

#include <cstring>

#include "video/h265.h"

namespace watchfloor::video::mp4 {

namespace {

constexpr uint32_t kKeyFlags = 0x02000000;          // sample_depends_on = 2 (I-frame)
constexpr uint32_t kNonKeyFlags = 0x01010000;       // depends on others, is a non-sync sample
constexpr int64_t kNtpEpochOffset = 2'208'988'800;  // seconds from 1900 to 1970

// A bounds-checked big-endian reader over one box's payload.
class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool ok() const { return ok_; }
  size_t left() const { return ok_ ? d_.size() - at_ : 0; }
  size_t pos() const { return at_; }
  uint64_t take(int n) {
    if (!ok_ || d_.size() - at_ < size_t(n)) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | uint8_t(d_[at_++]);
    return v;
  }
  uint8_t u8() { return uint8_t(take(1)); }
  uint16_t u16() { return uint16_t(take(2)); }
  uint32_t u32() { return uint32_t(take(4)); }
  uint64_t u64() { return take(8); }
  void skip(size_t n) {
    if (!ok_ || d_.size() - at_ < n)
      ok_ = false;
    else
      at_ += n;
  }
  std::string_view rest() const { return ok_ ? d_.substr(at_) : std::string_view(); }

 private:
  std::string_view d_;
  size_t at_ = 0;
  bool ok_ = true;
};

struct Box {
  std::string_view type;
  std::string_view payload;
  size_t size = 0;  // whole box
};

// The box at the start of `d`; nullopt when its header or body does not fit. Sizes 0 ("to the end")
// and 1 (64-bit) are understood.
std::optional<Box> box_at(std::string_view d) {
  if (d.size() < 8) return std::nullopt;
  Reader r(d);
  uint64_t size = r.u32();
  Box b;
  b.type = d.substr(4, 4);
  size_t header = 8;
  if (size == 1) {
    if (d.size() < 16) return std::nullopt;
    r.skip(4);
    size = r.u64();
    header = 16;
  } else if (size == 0) {
    size = d.size();
  }
  if (size < header || size > d.size()) return std::nullopt;
  b.size = size_t(size);
  b.payload = d.substr(header, b.size - header);
  return b;
}

// The first child box of `type` in a container payload.
std::optional<Box> child(std::string_view payload, std::string_view type) {
  while (!payload.empty()) {
    auto b = box_at(payload);
    if (!b) return std::nullopt;
    if (b->type == type) return b;
    payload.remove_prefix(b->size);
  }
  return std::nullopt;
}

std::optional<Box> path(std::string_view payload, std::initializer_list<std::string_view> types) {
  std::optional<Box> b;
  for (auto t : types) {
    b = child(payload, t);
    if (!b) return std::nullopt;
    payload = b->payload;
  }
  return b;
}

uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
int64_t unzigzag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(char(v | 0x80));
    v >>= 7;
  }
  out.push_back(char(v));
}

bool get_varint(std::string_view d, size_t& at, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= d.size()) return false;
    uint8_t b = uint8_t(d[at++]);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

size_t BoxWriter::begin(const char type[4]) {
  size_t at = out_.size();
  u32(0);
  out_.append(type, 4);
  return at;
}

size_t BoxWriter::begin_full(const char type[4], uint8_t version, uint32_t flags) {
  size_t at = begin(type);
  u32((uint32_t(version) << 24) | (flags & 0xffffff));
  return at;
}

void BoxWriter::end(size_t at) {
  uint32_t n = uint32_t(out_.size() - at);
  out_[at] = char(n >> 24);
  out_[at + 1] = char(n >> 16);
  out_[at + 2] = char(n >> 8);
  out_[at + 3] = char(n);
}

void BoxWriter::u16(uint16_t v) {
  u8(uint8_t(v >> 8));
  u8(uint8_t(v));
}
void BoxWriter::u32(uint32_t v) {
  u16(uint16_t(v >> 16));
  u16(uint16_t(v));
}
void BoxWriter::u64(uint64_t v) {
  u32(uint32_t(v >> 32));
  u32(uint32_t(v));
}

void write_matrix(BoxWriter& w) {
  const uint32_t m[9] = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
  for (auto v : m) w.u32(v);
}

std::optional<SampleEntry> sample_entry(VideoCodec kind, const h264::ParameterSets& ps) {
  SampleEntry e;
  e.kind = kind;
  e.ps = ps;
  if (kind == VideoCodec::h265) {
    auto info = h265::parse_sps(ps.sps);
    if (!info || ps.vps.empty() || ps.pps.empty()) return std::nullopt;
    e.codec = h265::codec_string(ps.sps);
    e.width = info->width, e.height = info->height;
  } else {
    auto info = h264::parse_sps(ps.sps);
    if (!info || ps.pps.empty()) return std::nullopt;
    e.ps.vps.clear();
    e.codec = h264::codec_string(ps.sps);
    e.width = info->width, e.height = info->height;
  }
  return e;
}

std::string decoder_config(const SampleEntry& e) {
  if (e.kind == VideoCodec::h265) return h265::hvcc_record(e.ps).value_or(std::string());
  return h264::avcc_record(e.ps);
}

void write_sample_entry(BoxWriter& w, const SampleEntry& e) {
  const bool hevc = e.kind == VideoCodec::h265;
  auto avc1 = w.begin(hevc ? "hvc1" : "avc1");
  w.zeros(6), w.u16(1);  // data_reference_index
  w.zeros(16);
  w.u16(uint16_t(e.width)), w.u16(uint16_t(e.height));
  w.u32(0x00480000), w.u32(0x00480000), w.u32(0), w.u16(1);
  w.zeros(32);  // compressorname
  w.u16(0x0018), w.u16(0xffff);
  auto avcc = w.begin(hevc ? "hvcC" : "avcC");
  w.bytes(decoder_config(e));
  w.end(avcc);
  w.end(avc1);
}

OpenMedia open_media(BoxWriter& w, const SampleEntry& e, uint32_t media_duration) {
  OpenMedia o;
  o.mdia = w.begin("mdia");
  auto mdhd = w.begin_full("mdhd", 0, 0);
  w.u32(0), w.u32(0), w.u32(kTimescale), w.u32(media_duration);
  w.u16(0x55c4), w.u16(0);  // "und"
  w.end(mdhd);
  auto hdlr = w.begin_full("hdlr", 0, 0);
  w.u32(0), w.bytes("vide"), w.zeros(12), w.bytes(std::string_view("watchfloor\0", 11));
  w.end(hdlr);
  o.minf = w.begin("minf");
  auto vmhd = w.begin_full("vmhd", 0, 1);
  w.zeros(8);
  w.end(vmhd);
  auto dinf = w.begin("dinf");
  auto dref = w.begin_full("dref", 0, 0);
  w.u32(1);
  auto url = w.begin_full("url ", 0, 1);
  w.end(url);
  w.end(dref);
  w.end(dinf);
  o.stbl = w.begin("stbl");
  auto stsd = w.begin_full("stsd", 0, 0);
  w.u32(1);
  write_sample_entry(w, e);
  w.end(stsd);
  return o;
}

std::string make_init(const SampleEntry& e) {
  BoxWriter w;
  auto ftyp = w.begin("ftyp");
  w.bytes("isom");
  w.u32(0x200);
  w.bytes(e.kind == VideoCodec::h265 ? "isomiso6mp41hvc1" : "isomiso6mp41avc1");
  w.end(ftyp);

  auto moov = w.begin("moov");
  auto mvhd = w.begin_full("mvhd", 0, 0);
  w.u32(0), w.u32(0), w.u32(kTimescale), w.u32(0);
  w.u32(0x00010000), w.u16(0x0100), w.zeros(10);
  write_matrix(w);
  w.zeros(24);
  w.u32(2);  // next_track_ID
  w.end(mvhd);

  auto trak = w.begin("trak");
  auto tkhd = w.begin_full("tkhd", 0, 3);
  w.u32(0), w.u32(0), w.u32(1), w.u32(0), w.u32(0);
  w.zeros(8), w.u16(0), w.u16(0), w.u16(0), w.u16(0);
  write_matrix(w);
  w.u32(uint32_t(e.width) << 16), w.u32(uint32_t(e.height) << 16);
  w.end(tkhd);
  auto open = open_media(w, e, 0);
  for (const char* t : {"stts", "stsc", "stco"}) {
    auto b = w.begin_full(t, 0, 0);
    w.u32(0);
    w.end(b);
  }
  auto stsz = w.begin_full("stsz", 0, 0);
  w.u32(0), w.u32(0);
  w.end(stsz);
  w.end(open.stbl);
  w.end(open.minf);
  w.end(open.mdia);
  w.end(trak);
  auto mvex = w.begin("mvex");
  auto trex = w.begin_full("trex", 0, 0);
  w.u32(1), w.u32(1), w.u32(0), w.u32(0), w.u32(0);
  w.end(trex);
  w.end(mvex);
  w.end(moov);
  return std::move(w.str());
}

std::optional<Init> parse_init(std::string_view data) {
  auto ftyp = box_at(data);
  if (!ftyp || ftyp->type != "ftyp") return std::nullopt;
  auto moov = box_at(data.substr(ftyp->size));
  if (!moov || moov->type != "moov") return std::nullopt;
  if (!child(moov->payload, "mvex")) return std::nullopt;  // not a fragmented file's head
  auto mdhd = path(moov->payload, {"trak", "mdia", "mdhd"});
  if (!mdhd) return std::nullopt;
  Reader m(mdhd->payload);
  uint8_t version = m.u8();
  m.skip(3 + (version == 1 ? 16 : 8));
  if (m.u32() != kTimescale || !m.ok()) return std::nullopt;
  auto stsd = path(moov->payload, {"trak", "mdia", "minf", "stbl", "stsd"});
  if (!stsd || stsd->payload.size() < 8) return std::nullopt;
  auto avc1 = box_at(stsd->payload.substr(8));
  if (!avc1 || (avc1->type != "avc1" && avc1->type != "hvc1") || avc1->payload.size() < 78) return std::nullopt;
  const bool hevc = avc1->type == "hvc1";
  Reader r(avc1->payload);
  r.skip(24);
  Init init;
  init.entry.kind = hevc ? VideoCodec::h265 : VideoCodec::h264;
  init.entry.width = r.u16();
  init.entry.height = r.u16();
  auto config = child(avc1->payload.substr(78), hevc ? "hvcC" : "avcC");
  if (!config) return std::nullopt;
  auto ps = hevc ? h265::parse_hvcc_record(config->payload) : h264::parse_avcc_record(config->payload);
  if (!ps || init.entry.width == 0 || init.entry.height == 0) return std::nullopt;
  init.entry.ps = *ps;
  init.entry.codec = hevc ? h265::codec_string(ps->sps) : h264::codec_string(ps->sps);
  init.length = ftyp->size + moov->size;
  return init;
}

std::string fragment_header(uint32_t sequence, int64_t base_dts, int64_t wall_90k, const std::vector<Sample>& samples) {
  bool cts = false;
  uint64_t payload = 0;
  for (const auto& s : samples) {
    cts |= s.cts_offset != 0;
    payload += s.size;
  }
  BoxWriter w;
  auto prft = w.begin_full("prft", 1, 24);
  w.u32(1);
  int64_t secs = wall_90k / kTimescale, rem = wall_90k % kTimescale;
  w.u32(uint32_t(secs + kNtpEpochOffset));
  w.u32(uint32_t((uint64_t(rem) << 32) / kTimescale));
  w.u64(uint64_t(base_dts));
  w.end(prft);

  size_t moof_start = w.size();
  auto moof = w.begin("moof");
  auto mfhd = w.begin_full("mfhd", 0, 0);
  w.u32(sequence);
  w.end(mfhd);
  auto traf = w.begin("traf");
  auto tfhd = w.begin_full("tfhd", 0, 0x020000);  // default-base-is-moof
  w.u32(1);
  w.end(tfhd);
  auto tfdt = w.begin_full("tfdt", 1, 0);
  w.u64(uint64_t(base_dts));
  w.end(tfdt);
  auto trun = w.begin_full("trun", cts ? 1 : 0, 0x000001 | 0x000100 | 0x000200 | 0x000400 | (cts ? 0x000800 : 0));
  w.u32(uint32_t(samples.size()));
  size_t data_offset_at = w.size();
  w.u32(0);
  for (const auto& s : samples) {
    w.u32(s.duration), w.u32(s.size), w.u32(s.key ? kKeyFlags : kNonKeyFlags);
    if (cts) w.u32(uint32_t(s.cts_offset));
  }
  w.end(trun);
  w.end(traf);
  w.end(moof);
  uint32_t moof_size = uint32_t(w.size() - moof_start);
  uint32_t data_offset = moof_size + 8;
  auto& out = w.str();
  for (int i = 0; i < 4; ++i) out[data_offset_at + i] = char(data_offset >> (24 - 8 * i));
  w.u32(uint32_t(8 + payload));
  w.bytes("mdat");
  return std::move(out);
}

namespace {

// Parses one moof payload into a fragment; checks every field the recovery relies on.
bool parse_moof(std::string_view moof, Fragment& f) {
  auto traf = child(moof, "traf");
  auto tfhd = traf ? child(traf->payload, "tfhd") : std::nullopt;
  auto tfdt = traf ? child(traf->payload, "tfdt") : std::nullopt;
  auto trun = traf ? child(traf->payload, "trun") : std::nullopt;
  if (!tfhd || !tfdt || !trun) return false;
  Reader h(tfhd->payload);
  uint32_t hflags = h.u32() & 0xffffff;
  if (h.u32() != 1 || !h.ok() || hflags != 0x020000) return false;
  Reader d(tfdt->payload);
  uint8_t dv = d.u8();
  d.skip(3);
  f.base_dts = int64_t(dv == 1 ? d.u64() : d.u32());
  if (!d.ok() || f.base_dts < 0) return false;
  Reader t(trun->payload);
  uint8_t version = t.u8();
  uint32_t flags = uint32_t(t.take(3));
  constexpr uint32_t need = 0x000001 | 0x000100 | 0x000200 | 0x000400;
  if ((flags & need) != need || (flags & ~(need | 0x000800)) != 0) return false;
  uint32_t count = t.u32();
  uint32_t data_offset = t.u32();
  bool cts = flags & 0x000800;
  size_t per = cts ? 16 : 12;
  if (!t.ok() || count == 0 || count > t.left() / per) return false;
  f.samples.resize(count);
  for (auto& s : f.samples) {
    s.duration = t.u32();
    s.size = t.u32();
    uint32_t sf = t.u32();
    s.key = !(sf & 0x00010000);
    if (cts) {
      uint32_t c = t.u32();
      s.cts_offset = version == 1 ? int32_t(c) : int32_t(std::min<uint32_t>(c, INT32_MAX));
    }
    if (s.size == 0 || s.duration == 0) return false;
  }
  if (data_offset != f.moof_size + 8) return false;
  return t.ok();
}

}  // namespace

std::optional<Scan> scan_segment(std::string_view file) {
  auto init = parse_init(file);
  if (!init) return std::nullopt;
  Scan scan;
  scan.init = *init;
  uint64_t at = init->length;
  scan.valid_length = at;
  uint32_t expect_seq = 1;
  while (at < file.size()) {
    Fragment f;
    f.offset = at;
    auto rest = file.substr(at);
    auto b = box_at(rest);
    // Every fragment is prft + moof + mdat (§2): the sample index places samples by that layout
    // (prft 32 + moof + 8, §4), so a fragment without its prft is not complete.
    if (!b || b->type != "prft") break;
    Reader p(b->payload);
    uint8_t v = p.u8();
    p.skip(3);
    p.u32();
    uint64_t ntp_s = p.u32(), ntp_f = p.u32();
    if (!p.ok() || v != 1 || b->size != kPrftSize || ntp_s < uint64_t(kNtpEpochOffset)) break;
    f.wall_90k = int64_t(ntp_s - kNtpEpochOffset) * kTimescale + int64_t((ntp_f * kTimescale) >> 32);
    rest.remove_prefix(b->size);
    b = box_at(rest);
    if (!b) break;
    if (b->type != "moof" || b->size > UINT32_MAX) break;
    f.moof_size = uint32_t(b->size);
    auto mfhd = child(b->payload, "mfhd");
    if (!mfhd) break;
    Reader m(mfhd->payload);
    m.u32();
    if (m.u32() != expect_seq || !m.ok()) break;
    if (!parse_moof(b->payload, f)) break;
    uint64_t moof_at = at + (rest.data() - file.data() - at);
    auto mdat = box_at(file.substr(moof_at + f.moof_size));
    // A 32-bit size (or 0): a 16-byte mdat header would put the samples 8 bytes off the index's layout.
    if (!mdat || mdat->type != "mdat" || mdat->size - mdat->payload.size() != 8) break;
    uint64_t sum = 0;
    for (const auto& s : f.samples) sum += s.size;
    if (mdat->payload.size() != sum) break;
    f.data_offset = moof_at + f.moof_size + (mdat->size - mdat->payload.size());
    f.end = f.data_offset + sum;
    // Every sample must be length-prefixed NAL units exactly filling its size: zeros left by a
    // power loss inside the data fail here.
    bool nal_ok = true;
    uint64_t s_at = f.data_offset;
    for (const auto& s : f.samples) {
      auto nals = h264::split_avcc(file.substr(s_at, s.size));
      if (!nals) {
        nal_ok = false;
        break;
      }
      s_at += s.size;
    }
    if (!nal_ok) break;
    if (expect_seq == 1 && !f.samples.front().key) break;
    at = f.end;
    scan.valid_length = at;
    scan.fragments.push_back(std::move(f));
    ++expect_seq;
  }
  return scan;
}

std::string encode_sample_index(const std::vector<IndexedFragment>& frags) {
  std::string out;
  out.push_back(1);
  int64_t prev_dur = 0, prev_key_size = 0, prev_size = 0;
  for (const auto& f : frags) {
    put_varint(out, f.moof_size);
    put_varint(out, f.samples.size());
    bool cts = false;
    for (const auto& s : f.samples) cts |= s.cts_offset != 0;
    out.push_back(cts ? 1 : 0);
    for (const auto& s : f.samples) {
      put_varint(out, (zigzag(int64_t(s.duration) - prev_dur) << 1) | (s.key ? 1 : 0));
      int64_t& prev = s.key ? prev_key_size : prev_size;
      put_varint(out, zigzag(int64_t(s.size) - prev));
      if (cts) put_varint(out, zigzag(s.cts_offset));
      prev_dur = s.duration;
      prev = s.size;
    }
  }
  return out;
}

std::optional<std::vector<IndexedFragment>> decode_sample_index(std::string_view d) {
  if (d.empty() || d[0] != 1) return std::nullopt;
  size_t at = 1;
  std::vector<IndexedFragment> frags;
  int64_t prev_dur = 0, prev_key_size = 0, prev_size = 0;
  while (at < d.size()) {
    uint64_t moof = 0, count = 0, v = 0;
    if (!get_varint(d, at, moof) || !get_varint(d, at, count) || at >= d.size()) return std::nullopt;
    if (moof > UINT32_MAX || count == 0 || count > d.size() - at) return std::nullopt;  // ≥ 2 bytes a sample
    uint8_t cts = uint8_t(d[at++]);
    if (cts > 1) return std::nullopt;
    IndexedFragment f;
    f.moof_size = uint32_t(moof);
    f.samples.resize(count);
    for (auto& s : f.samples) {
      if (!get_varint(d, at, v)) return std::nullopt;
      s.key = v & 1;
      int64_t dur = prev_dur + unzigzag(v >> 1);
      if (!get_varint(d, at, v)) return std::nullopt;
      int64_t& prev = s.key ? prev_key_size : prev_size;
      // A delta between two sizes in [1, 2³²) is within ±2³²; a larger one would overflow the sum.
      int64_t size_delta = unzigzag(v);
      if (size_delta < -int64_t(UINT32_MAX) || size_delta > int64_t(UINT32_MAX)) return std::nullopt;
      int64_t size = prev + size_delta;
      if (dur <= 0 || dur > UINT32_MAX || size <= 0 || size > UINT32_MAX) return std::nullopt;
      if (cts) {
        if (!get_varint(d, at, v)) return std::nullopt;
        int64_t c = unzigzag(v);
        if (c < INT32_MIN || c > INT32_MAX) return std::nullopt;
        s.cts_offset = int32_t(c);
      }
      s.duration = uint32_t(dur);
      s.size = uint32_t(size);
      prev_dur = dur;
      prev = size;
    }
    frags.push_back(std::move(f));
  }
  return frags;
}

uint64_t fragment_bytes(const IndexedFragment& f) {
  uint64_t n = kPrftSize + f.moof_size + 8;
  for (const auto& s : f.samples) n += s.size;
  return n;
}

}  // namespace watchfloor::video::mp4
