#pragma once
// Signed evidence bundles (docs/formats.md §15): the files of an export, `manifest.json` naming each with
// its size and SHA-256, and `manifest.sig`, the installation's Ed25519 signature over the exact bytes of
// the manifest. Building the manifest's text and checking a bundle are pure logic here; the exporter
// (video/export.h) and the verifiers (`watchfloor evidence verify`, POST /api/v1/evidence/verify) use them.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "video/zip.h"

namespace watchfloor::video {

inline constexpr const char* kBundleFormat = "watchfloor-evidence-bundle/1";
inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kSignatureName = "manifest.sig";

// The exact bytes written as manifest.json (and signed): two-space indented JSON, a final newline.
std::string manifest_text(const nlohmann::json& manifest);
// manifest.sig: the base64 signature and a newline.
std::string signature_text(const std::string& signature_b64);

// A bundle as a verifier reads it: a ZIP archive or the directory it was unpacked into.
class BundleReader {
 public:
  virtual ~BundleReader() = default;
  virtual std::vector<std::string> names() = 0;  // every file, in the archive's (or sorted) order
  virtual bool has(const std::string& name) = 0;
  // Streams the file's bytes; false when it cannot be read.
  virtual bool read(const std::string& name, const std::function<void(std::string_view)>& sink) = 0;
};
// nullptr with `error` set when `src` is not a ZIP archive this project reads.
std::unique_ptr<BundleReader> zip_bundle(std::unique_ptr<ByteSource> src, std::string& error);
// A directory (its regular files; a subdirectory counts as an extra file) or a ZIP file.
std::unique_ptr<BundleReader> open_bundle(const std::filesystem::path& p, std::string& error, Fs& fs = posix_fs());

struct FileCheck {
  std::string name;
  bool ok = true;
  std::string reason_vi, reason_en;
};

struct BundleCheck {
  bool ok = false;
  std::string key_id, public_key;  // from the manifest
  // Whether the manifest's key is the one the verifier was given (the installation's, or --public-key);
  // nullopt when none was given.
  std::optional<bool> signed_by_expected;
  std::vector<FileCheck> files;
  std::string reason_vi, reason_en;  // the first failure, when !ok
  size_t file_count = 0;             // files the manifest lists
};

// Checks the signature of manifest.json with the public key it carries, then every file it lists (present,
// same size, same SHA-256), and that the bundle holds nothing else. With `require_expected`, a manifest signed
// by another key than `expected_public_key` fails too.
BundleCheck verify_bundle(BundleReader& bundle, const std::optional<std::string>& expected_public_key, bool require_expected = false);

nlohmann::json to_json(const BundleCheck& c);

}  // namespace watchfloor::video
