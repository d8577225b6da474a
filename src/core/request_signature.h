#pragma once
// Requests from API servers to recorder nodes (docs/deploy.md §3) are signed with the node's key: an HMAC-SHA256
// over the method, the target (path and query exactly as sent) and the time. A node answers only signed requests
// (api/node_api.cpp); the time bounds how long a captured request can be replayed. The clocks of API servers and
// nodes must agree (NTP), as they must already for sign-in throttling.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace watchfloor::core {

inline constexpr const char* kSignatureDateHeader = "X-Watchfloor-Date";       // milliseconds since the epoch
inline constexpr const char* kSignatureHeader = "X-Watchfloor-Signature";      // lower-case hex
inline constexpr int64_t kSignatureSkewMs = 30'000;  // a date further than this from the node's clock is refused

// The two headers that sign `METHOD target` at `now_ms`.
std::vector<std::pair<std::string, std::string>> sign_request(std::string_view key, std::string_view method,
                                                              std::string_view target, int64_t now_ms);

// Whether the headers' values sign this request with `key` and the date is within kSignatureSkewMs of now_ms.
// Malformed or missing values are simply false. The comparison takes the same time however much matches.
bool request_signed(std::string_view key, std::string_view method, std::string_view target, std::string_view date,
                    std::string_view signature, int64_t now_ms);

}  // namespace watchfloor::core
