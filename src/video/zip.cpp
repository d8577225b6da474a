#include "video/zip.h"

#include <zlib.h>

#include <ctime>
#include <set>

namespace watchfloor::video {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kDescriptorSig = 0x08074b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50;
constexpr uint16_t kFlags = (1 << 3) | (1 << 11);  // sizes after the data; UTF-8 names
constexpr uint64_t kMax32 = 0xffffffffULL;

void u16(std::string& s, uint16_t v) {
  s.push_back(char(v & 0xff));
  s.push_back(char(v >> 8));
}
void u32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}
uint16_t get16(const char* p) { return uint16_t(uint8_t(p[0]) | uint8_t(p[1]) << 8); }
uint32_t get32(const char* p) { return uint32_t(get16(p)) | uint32_t(get16(p + 2)) << 16; }

// MS-DOS date and time (what ZIP stores), in UTC.
std::pair<uint16_t, uint16_t> dos_time(int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (tm.tm_year < 80) return {0, (0 << 9) | (1 << 5) | 1};
  uint16_t time = uint16_t(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
  uint16_t date = uint16_t((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
  return {time, date};
}

Status too_big(const std::string& what) { return Status::error(EFBIG, what + ": 4 GiB or more (no ZIP64)"); }

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string b) : b_(std::move(b)) {}
  uint64_t size() const override { return b_.size(); }
  bool read(uint64_t offset, char* out, size_t n) override {
    if (offset > b_.size() || n > b_.size() - offset) return false;
    std::copy_n(b_.data() + offset, n, out);
    return true;
  }

 private:
  std::string b_;
};

class FileSource final : public ByteSource {
 public:
  FileSource(std::unique_ptr<File> f, uint64_t size) : f_(std::move(f)), size_(size) {}
  uint64_t size() const override { return size_; }
  bool read(uint64_t offset, char* out, size_t n) override {
    if (offset > size_ || n > size_ - offset) return false;
    return f_->read_at(offset, out, n).ok();
  }

 private:
  std::unique_ptr<File> f_;
  uint64_t size_;
};

}  // namespace

Status ZipWriter::put(std::string_view bytes) {
  if (auto s = out_.append({bytes}); !s.ok()) return s;
  offset_ += bytes.size();
  return {};
}

Status ZipWriter::begin(const std::string& name, int64_t mtime_ms) {
  if (open_) return Status::error(EINVAL, "zip: an entry is open");
  if (offset_ > kMax32) return too_big("zip archive");
  Entry e;
  e.name = name;
  e.offset = offset_;
  std::tie(e.time, e.date) = dos_time(mtime_ms);
  std::string h;
  u32(h, kLocalSig);
  u16(h, 20);
  u16(h, kFlags);
  u16(h, 0);  // stored
  u16(h, e.time);
  u16(h, e.date);
  u32(h, 0), u32(h, 0), u32(h, 0);  // in the data descriptor
  u16(h, uint16_t(name.size()));
  u16(h, 0);
  h += name;
  entries_.push_back(e);
  open_ = true;
  return put(h);
}

Status ZipWriter::write(std::string_view data) {
  auto& e = entries_.back();
  // zlib's crc32 takes an unsigned int length.
  for (size_t done = 0; done < data.size();) {
    size_t n = std::min<size_t>(data.size() - done, 1u << 30);
    e.crc = uint32_t(crc32(e.crc, reinterpret_cast<const Bytef*>(data.data() + done), uInt(n)));
    done += n;
  }
  e.size += data.size();
  if (e.size >= kMax32) return too_big(e.name);
  return put(data);
}

Status ZipWriter::end() {
  open_ = false;
  const auto& e = entries_.back();
  std::string d;
  u32(d, kDescriptorSig);
  u32(d, e.crc);
  u32(d, uint32_t(e.size));
  u32(d, uint32_t(e.size));
  return put(d);
}

Status ZipWriter::finish() {
  if (open_) return Status::error(EINVAL, "zip: an entry is open");
  uint64_t start = offset_;
  std::string cd;
  for (const auto& e : entries_) {
    u32(cd, kCentralSig);
    u16(cd, 0x031e);  // made by Unix, version 3.0
    u16(cd, 20);
    u16(cd, kFlags);
    u16(cd, 0);
    u16(cd, e.time);
    u16(cd, e.date);
    u32(cd, e.crc);
    u32(cd, uint32_t(e.size));
    u32(cd, uint32_t(e.size));
    u16(cd, uint16_t(e.name.size()));
    u16(cd, 0), u16(cd, 0), u16(cd, 0), u16(cd, 0);  // extra, comment, disk, internal attributes
    u32(cd, 0100600u << 16);                          // a regular file, mode 0600
    u32(cd, uint32_t(e.offset));
    cd += e.name;
  }
  if (start + cd.size() > kMax32) return too_big("zip archive");
  std::string end;
  u32(end, kEndSig);
  u16(end, 0), u16(end, 0);
  u16(end, uint16_t(entries_.size()));
  u16(end, uint16_t(entries_.size()));
  u32(end, uint32_t(cd.size()));
  u32(end, uint32_t(start));
  u16(end, 0);
  return put(cd + end);
}

std::unique_ptr<ByteSource> memory_source(std::string bytes) { return std::make_unique<MemorySource>(std::move(bytes)); }

std::unique_ptr<ByteSource> file_source(const std::filesystem::path& p, Fs& fs) {
  FileInfo info;
  std::unique_ptr<File> f;
  if (!fs.stat(p, info).ok() || info.directory || !fs.open_read(p, f).ok()) return nullptr;
  return std::make_unique<FileSource>(std::move(f), info.size);
}

std::optional<std::vector<ZipEntry>> read_zip(ByteSource& src, std::string& error) {
  auto fail = [&](std::string why) {
    error = std::move(why);
    return std::nullopt;
  };
  // The end record: the last 22 bytes, or further back by the length of a comment.
  uint64_t size = src.size();
  if (size < 22) return fail("not a ZIP file (too short)");
  uint64_t tail_len = std::min<uint64_t>(size, 22 + 0xffff);
  std::string tail(tail_len, '\0');
  if (!src.read(size - tail_len, tail.data(), tail_len)) return fail("cannot read the file");
  std::optional<size_t> at;
  for (size_t i = tail_len - 22 + 1; i-- > 0;)
    if (get32(&tail[i]) == kEndSig && i + 22 + get16(&tail[i + 20]) == tail_len) {
      at = i;
      break;
    }
  if (!at) return fail("not a ZIP file (no end of central directory)");
  const char* end = &tail[*at];
  uint16_t count = get16(end + 10);
  uint32_t cd_size = get32(end + 12), cd_offset = get32(end + 16);
  if (get16(end + 4) != 0 || get16(end + 6) != 0 || get16(end + 8) != count)
    return fail("a ZIP file in several parts is not supported");
  if (uint64_t(cd_offset) + cd_size > size - tail_len + *at) return fail("damaged ZIP file (central directory out of range)");
  std::string cd(cd_size, '\0');
  if (!src.read(cd_offset, cd.data(), cd_size)) return fail("cannot read the central directory");
  std::vector<ZipEntry> out;
  std::set<std::string> names;
  size_t p = 0;
  for (uint16_t i = 0; i < count; ++i) {
    if (p + 46 > cd.size() || get32(&cd[p]) != kCentralSig) return fail("damaged ZIP file (central directory)");
    const char* h = &cd[p];
    uint16_t method = get16(h + 10), name_len = get16(h + 28), extra_len = get16(h + 30), comment_len = get16(h + 32);
    uint32_t crc = get32(h + 16), csize = get32(h + 20), usize = get32(h + 24), local = get32(h + 42);
    if (p + 46 + name_len + extra_len + comment_len > cd.size()) return fail("damaged ZIP file (central directory)");
    std::string name(h + 46, name_len);
    p += 46 + name_len + extra_len + comment_len;
    if (method != 0 || csize != usize) return fail("entry " + name + " is compressed (only stored entries are read)");
    if (!names.insert(name).second) return fail("entry " + name + " appears twice");
    char lh[30];
    if (uint64_t(local) + 30 > size || !src.read(local, lh, 30) || get32(lh) != kLocalSig)
      return fail("damaged ZIP file (entry " + name + ")");
    uint64_t data = uint64_t(local) + 30 + get16(lh + 26) + get16(lh + 28);
    if (data + usize > cd_offset) return fail("damaged ZIP file (entry " + name + " out of range)");
    out.push_back({name, data, usize, crc});
  }
  return out;
}

bool read_entry(ByteSource& src, const ZipEntry& e, const std::function<void(std::string_view)>& sink) {
  std::string buf(std::min<uint64_t>(e.size, 1 << 20), '\0');
  for (uint64_t done = 0; done < e.size;) {
    size_t n = size_t(std::min<uint64_t>(buf.size(), e.size - done));
    if (!src.read(e.data_offset + done, buf.data(), n)) return false;
    sink(std::string_view(buf.data(), n));
    done += n;
  }
  return true;
}

}  // namespace watchfloor::video
