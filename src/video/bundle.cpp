#include "video/bundle.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "core/hash.h"
#include "core/signing.h"

namespace watchfloor::video {
namespace {

using nlohmann::json;

class ZipBundle final : public BundleReader {
 public:
  ZipBundle(std::unique_ptr<ByteSource> src, std::vector<ZipEntry> entries) : src_(std::move(src)) {
    for (auto& e : entries) {
      order_.push_back(e.name);
      entries_.emplace(e.name, std::move(e));
    }
  }
  std::vector<std::string> names() override { return order_; }
  bool has(const std::string& name) override { return entries_.count(name) > 0; }
  bool read(const std::string& name, const std::function<void(std::string_view)>& sink) override {
    auto it = entries_.find(name);
    return it != entries_.end() && read_entry(*src_, it->second, sink);
  }

 private:
  std::unique_ptr<ByteSource> src_;
  std::vector<std::string> order_;
  std::map<std::string, ZipEntry> entries_;
};

class DirBundle final : public BundleReader {
 public:
  DirBundle(std::filesystem::path dir, std::vector<std::string> names, Fs& fs) : dir_(std::move(dir)), names_(std::move(names)), fs_(fs) {}
  std::vector<std::string> names() override { return names_; }
  bool has(const std::string& name) override { return std::find(names_.begin(), names_.end(), name) != names_.end(); }
  bool read(const std::string& name, const std::function<void(std::string_view)>& sink) override {
    if (!has(name)) return false;
    auto src = file_source(dir_ / name, fs_);
    if (!src) return false;
    return read_entry(*src, {name, 0, src->size(), 0}, sink);
  }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> names_;
  Fs& fs_;
};

// A file name the manifest may list: one plain name, no directory, nothing hidden.
bool plain_name(const std::string& n) {
  return !n.empty() && n.size() <= 200 && n.find('/') == std::string::npos && n.find('\\') == std::string::npos && n[0] != '.' &&
         n.find('\0') == std::string::npos;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

std::string manifest_text(const json& manifest) { return manifest.dump(2) + "\n"; }
std::string signature_text(const std::string& signature_b64) { return signature_b64 + "\n"; }

std::unique_ptr<BundleReader> zip_bundle(std::unique_ptr<ByteSource> src, std::string& error) {
  auto entries = read_zip(*src, error);
  if (!entries) return nullptr;
  return std::make_unique<ZipBundle>(std::move(src), std::move(*entries));
}

std::unique_ptr<BundleReader> open_bundle(const std::filesystem::path& p, std::string& error, Fs& fs) {
  FileInfo info;
  if (auto s = fs.stat(p, info); !s.ok()) {
    error = s.message();
    return nullptr;
  }
  if (!info.directory) {
    auto src = file_source(p, fs);
    if (!src) {
      error = "cannot open " + p.string();
      return nullptr;
    }
    return zip_bundle(std::move(src), error);
  }
  std::vector<std::string> names;
  if (auto s = fs.list_dir(p, names); !s.ok()) {
    error = s.message();
    return nullptr;
  }
  return std::make_unique<DirBundle>(p, std::move(names), fs);
}

BundleCheck verify_bundle(BundleReader& bundle, const std::optional<std::string>& expected_public_key, bool require_expected) {
  BundleCheck c;
  auto fail = [&](std::string vi, std::string en) {
    c.ok = false;
    if (c.reason_en.empty()) c.reason_vi = std::move(vi), c.reason_en = std::move(en);
    return c;
  };
  std::string manifest, sig;
  if (!bundle.has(kManifestName) || !bundle.read(kManifestName, [&](std::string_view b) { manifest += b; }))
    return fail("Thiếu tệp manifest.json", "manifest.json is missing");
  if (!bundle.has(kSignatureName) || !bundle.read(kSignatureName, [&](std::string_view b) { sig += b; }))
    return fail("Thiếu tệp chữ ký manifest.sig", "manifest.sig (the signature) is missing");
  auto j = json::parse(manifest, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kBundleFormat || !j.contains("signing") || !j["signing"].is_object() ||
      !j["signing"].value("public_key", json()).is_string() || !j.contains("files") || !j["files"].is_array())
    return fail("manifest.json không đúng định dạng gói chứng cứ", "manifest.json is not an evidence bundle manifest");
  c.public_key = j["signing"]["public_key"].get<std::string>();
  c.key_id = core::key_id_of(c.public_key);
  if (expected_public_key) c.signed_by_expected = core::key_id_of(*expected_public_key) == c.key_id && !c.key_id.empty();
  c.file_count = j["files"].size();
  // The signature first: nothing else in a manifest that does not verify can be believed.
  if (c.key_id.empty() || !core::signature_valid(c.public_key, manifest, trim(sig)))
    return fail("Chữ ký không khớp với manifest.json: tệp kê khai đã bị thay đổi hoặc chữ ký không đúng",
                "The signature does not match manifest.json: the manifest was changed or the signature is wrong");
  if (require_expected && !c.signed_by_expected.value_or(false))
    return fail(fmt::format("Gói được ký bằng khóa {}, không phải khóa được chỉ định", c.key_id),
                fmt::format("Signed by key {}, not by the key given", c.key_id));
  c.ok = true;
  std::set<std::string> listed{kManifestName, kSignatureName};
  for (const auto& f : j["files"]) {
    FileCheck fc;
    fc.name = f.is_object() ? f.value("name", "") : "";
    auto bad = [&](std::string vi, std::string en) {
      fc.ok = false;
      fc.reason_vi = std::move(vi), fc.reason_en = std::move(en);
      fail(fmt::format("Tệp {}: {}", fc.name, fc.reason_vi), fmt::format("File {}: {}", fc.name, fc.reason_en));
    };
    if (!f.is_object() || !plain_name(fc.name) || !f.value("sha256", json()).is_string() || !f.value("bytes", json()).is_number_unsigned()) {
      bad("mục kê khai không hợp lệ", "not a valid manifest entry");
    } else if (!listed.insert(fc.name).second) {
      bad("được kê khai hai lần", "listed twice");
    } else if (!bundle.has(fc.name)) {
      bad("không có trong gói", "missing from the bundle");
    } else {
      core::Sha256 h;
      uint64_t n = 0;
      if (!bundle.read(fc.name, [&](std::string_view b) { h.update(b), n += b.size(); })) bad("không đọc được", "cannot be read");
      else if (h.hex() != f["sha256"].get<std::string>() || n != f["bytes"].get<uint64_t>())
        bad("nội dung đã bị thay đổi (SHA-256 không khớp)", "its content was changed (SHA-256 differs)");
    }
    c.files.push_back(std::move(fc));
  }
  for (const auto& name : bundle.names())
    if (!listed.count(name))
      c.files.push_back({name, false, "tệp không có trong manifest.json", "a file not listed in manifest.json"}),
          fail(fmt::format("Tệp {}: không có trong manifest.json", name), fmt::format("File {}: not listed in manifest.json", name));
  return c;
}

json to_json(const BundleCheck& c) {
  json files = json::array();
  for (const auto& f : c.files)
    files.push_back({{"name", f.name}, {"ok", f.ok}, {"reason_vi", f.ok ? json() : json(f.reason_vi)},
                     {"reason_en", f.ok ? json() : json(f.reason_en)}});
  return {{"ok", c.ok},
          {"key_id", c.key_id.empty() ? json() : json(c.key_id)},
          {"public_key", c.public_key.empty() ? json() : json(c.public_key)},
          {"signed_by_this_installation", c.signed_by_expected ? json(*c.signed_by_expected) : json()},
          {"files", files},
          {"reason_vi", c.ok ? json() : json(c.reason_vi)},
          {"reason_en", c.ok ? json() : json(c.reason_en)}};
}

}  // namespace watchfloor::video
