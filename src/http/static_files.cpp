#include <fstream>
#include <sstream>

#include "core/text.h"
#include "http/router.h"

namespace watchfloor::http {
namespace {

std::string content_type_for(const std::filesystem::path& p) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},
      {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

std::optional<Response> read_file(const std::filesystem::path& file, bool immutable) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  Response r;
  r.content_type = content_type_for(file);
  r.body = ss.str();
  // Vite puts a content hash in asset names, so they never change; index.html must always be fresh.
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

// Source maps hand out the console's unminified source; the build makes none (web/vite.config.ts)
// and one copied into the web root by hand is not served either.
bool is_source_map(const std::filesystem::path& p) { return core::ascii_lower(p.extension().string()) == ".map"; }

}  // namespace

std::optional<Response> serve_static(const std::filesystem::path& root, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path base = fs::weakly_canonical(root, ec);
  if (ec || path.find('\0') != std::string::npos) return std::nullopt;
  fs::path wanted = fs::weakly_canonical(base / fs::path(path).relative_path(), ec);
  // Refuse anything that resolves outside the web root (../, symlinks).
  auto rel = wanted.lexically_relative(base);
  bool inside = !ec && !rel.empty() && *rel.begin() != "..";
  if (inside && !is_source_map(wanted) && fs::is_regular_file(wanted, ec)) return read_file(wanted, path.rfind("/assets/", 0) == 0);
  // Client-side routes: anything without a file extension gets the console's index.html.
  if (fs::path(path).extension().empty()) return read_file(base / "index.html", false);
  return std::nullopt;
}

}  // namespace watchfloor::http
