#include "http/message.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace watchfloor::http {

namespace {
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (same_name(k, name)) return v;
  return {};
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (same_name(k, name)) return v;
  return {};
}

std::string Request::cookie(std::string_view name) const {
  std::string all = header("cookie");
  std::string_view s = all;
  while (!s.empty()) {
    auto semi = s.find(';');
    auto part = s.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return {};
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::problem(const core::Problem& p) {
  Response r = json(p.status(), p.to_json());
  r.content_type = "application/problem+json";
  r.headers = p.headers;
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::upgrade(std::shared_ptr<WsHandler> handler) {
  Response r;
  r.status = 101;
  r.content_type.clear();
  r.websocket = std::move(handler);
  return r;
}

Response& Response::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

bool percent_decode(std::string_view in, std::string& out, bool form) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(in[i + 2])))
        return false;
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && form) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::map<std::string, std::string> parse_query(std::string_view qs) {
  std::map<std::string, std::string> out;
  while (!qs.empty()) {
    auto amp = qs.find('&');
    auto part = qs.substr(0, amp);
    auto eq = part.find('=');
    std::string k, v;
    if (percent_decode(part.substr(0, eq), k, true) &&
        (eq == std::string_view::npos || percent_decode(part.substr(eq + 1), v, true)) && !k.empty())
      out[k] = v;
    if (amp == std::string_view::npos) break;
    qs.remove_prefix(amp + 1);
  }
  return out;
}

std::optional<std::pair<uint64_t, uint64_t>> parse_byte_range(const std::string& h, uint64_t size) {
  using core::Problem;
  if (size == 0) return std::nullopt;
  if (h.rfind("bytes=", 0) != 0 || h.find(',') != std::string::npos) return std::nullopt;
  auto spec = h.substr(6);
  auto dash = spec.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto num = [](const std::string& t) -> std::optional<uint64_t> {
    if (t.empty() || t.size() > 19 || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoull(t);
  };
  auto a = num(spec.substr(0, dash)), b = num(spec.substr(dash + 1));
  uint64_t first, last;
  if (!a && b) {
    if (*b == 0) throw Problem(416, "range-not-satisfiable", "Range not satisfiable", "Khoảng byte không hợp lệ");
    first = *b >= size ? 0 : size - *b;
    last = size - 1;
  } else if (a) {
    first = *a;
    last = b ? std::min(*b, size - 1) : size - 1;
    if (b && *b < *a) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (first >= size) throw Problem(416, "range-not-satisfiable", "Range not satisfiable", "Khoảng byte không hợp lệ");
  return std::pair{first, last - first + 1};
}

bool same_origin(const Request& req) {
  std::string origin = core::ascii_lower(req.header("origin"));
  if (origin.empty()) return true;
  std::string host = core::ascii_lower(req.header("host"));
  if (host.empty()) return false;
  for (const auto& [scheme, port] : {std::pair{"http://", ":80"}, std::pair{"https://", ":443"}}) {
    std::string_view prefix = scheme;
    if (origin.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = origin.substr(prefix.size());
    return rest == host || rest + port == host;
  }
  return false;
}

std::string client_address(const std::string& peer, const std::string& forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (!trusted(peer) || forwarded_for.empty()) return peer;
  std::string client = peer;
  size_t end = forwarded_for.size();
  while (end > 0) {
    size_t comma = forwarded_for.rfind(',', end - 1);
    size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string hop = forwarded_for.substr(begin, end - begin);
    hop.erase(0, hop.find_first_not_of(" \t"));
    hop.erase(hop.find_last_not_of(" \t") + 1);
    if (hop.empty() || hop.size() > 64) break;
    client = hop;
    if (!trusted(hop)) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

}  // namespace watchfloor::http
