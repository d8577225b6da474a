#pragma once
// The evidence bundle's container (docs/formats.md §15): a ZIP file of stored (uncompressed) entries,
// written in one pass and read back by any unzip tool. Video and JPEG do not compress, and stored
// entries keep each file's bytes exactly as they are in the archive, so a file's SHA-256 is that of
// its run of the archive. Each entry's CRC-32 and sizes follow its data (general-purpose flag bit 3,
// a data descriptor) and are repeated in the central directory, which is what the reader trusts.
// Narrower than the format: no ZIP64 (an entry or an archive of 4 GiB or more is refused), no
// compression, no encryption, no spanning.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "video/fs.h"

namespace watchfloor::video {

// Writes an archive into `out` (a file created through an Fs); one entry at a time.
class ZipWriter {
 public:
  explicit ZipWriter(File& out) : out_(out) {}
  // Starts an entry: `name` is a relative path with '/' separators, UTF-8 (flag bit 11).
  Status begin(const std::string& name, int64_t mtime_ms);
  Status write(std::string_view data);
  Status end();
  // The central directory and its end record; the archive is complete after this.
  Status finish();
  uint64_t bytes_written() const { return offset_; }

 private:
  struct Entry {
    std::string name;
    uint32_t crc = 0;
    uint64_t size = 0, offset = 0;
    uint16_t time = 0, date = 0;
  };
  Status put(std::string_view bytes);
  File& out_;
  std::vector<Entry> entries_;
  bool open_ = false;
  uint64_t offset_ = 0;
};

// Random access to an archive's bytes: a file or memory.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Exactly n bytes at offset; false on a short read or an error.
  virtual bool read(uint64_t offset, char* out, size_t n) = 0;
};
std::unique_ptr<ByteSource> memory_source(std::string bytes);
// nullptr when the file cannot be opened.
std::unique_ptr<ByteSource> file_source(const std::filesystem::path& p, Fs& fs = posix_fs());

struct ZipEntry {
  std::string name;
  uint64_t data_offset = 0, size = 0;
  uint32_t crc = 0;
};

// The entries of an archive from its central directory, each checked to be a stored entry whose data
// lies inside the archive; nullopt with `error` set when it is not such an archive.
std::optional<std::vector<ZipEntry>> read_zip(ByteSource& src, std::string& error);

// Streams an entry's bytes to `sink` in chunks; false on a read error.
bool read_entry(ByteSource& src, const ZipEntry& e, const std::function<void(std::string_view)>& sink);

}  // namespace watchfloor::video
