// The signature of requests from API servers to recorder nodes: a node must act only on what an API server holding
// its key asked for, now, and exactly that.
#include <gtest/gtest.h>

#include "core/request_signature.h"

namespace watchfloor::core {
namespace {

constexpr int64_t kNow = 1'790'000'000'000;
const std::string kKey = "k3y-of-node-7-0123456789abcdef";
const std::string kTarget = "/node/v1/cameras/12/media.mp4?from=2026-09-21T10:00:00.000Z&to=2026-09-21T11:00:00.000Z";

struct Signed {
  std::string date, signature;
};

Signed sign(const std::string& key, const std::string& method, const std::string& target, int64_t at) {
  Signed s;
  for (const auto& [name, value] : sign_request(key, method, target, at)) {
    if (name == kSignatureDateHeader) s.date = value;
    if (name == kSignatureHeader) s.signature = value;
  }
  return s;
}

TEST(RequestSignature, SignsWithTheDateAndAHexHmac) {
  auto h = sign_request(kKey, "GET", kTarget, kNow);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0], (std::pair<std::string, std::string>{"X-Watchfloor-Date", std::to_string(kNow)}));
  EXPECT_EQ(h[1].first, "X-Watchfloor-Signature");
  EXPECT_EQ(h[1].second.size(), 64u);
  EXPECT_EQ(h[1].second.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(RequestSignature, MatchesHmacSha256OfMethodTargetAndDate) {
  // Against a value computed by another implementation, so that a node built elsewhere can check our requests:
  // printf 'GET\n/node/v1/health\n1790000000000' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(sign("key", "GET", "/node/v1/health", kNow).signature,
            "5cf0e5502498621fee72761e465b3f76450b2d384aba61b14de81d69f4bdab20");
}

TEST(RequestSignature, AGoodSignatureIsAcceptedWithinThirtySeconds) {
  auto s = sign(kKey, "GET", kTarget, kNow);
  EXPECT_TRUE(request_signed(kKey, "GET", kTarget, s.date, s.signature, kNow));
  EXPECT_TRUE(request_signed(kKey, "GET", kTarget, s.date, s.signature, kNow + 30'000)) << "a node's clock a little ahead";
  EXPECT_TRUE(request_signed(kKey, "GET", kTarget, s.date, s.signature, kNow - 30'000)) << "a node's clock a little behind";
}

TEST(RequestSignature, AnotherKeyMethodOrTargetIsRefused) {
  auto s = sign(kKey, "GET", kTarget, kNow);
  EXPECT_FALSE(request_signed("another-key", "GET", kTarget, s.date, s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "DELETE", kTarget, s.date, s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", "/node/v1/cameras/13/media.mp4?from=2026-09-21T10:00:00.000Z&to=2026-09-21T11:00:00.000Z",
                              s.date, s.signature, kNow))
      << "another camera";
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget + "&download=1", s.date, s.signature, kNow)) << "a query parameter added";
  auto other = sign("another-key", "GET", kTarget, kNow);
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, other.date, other.signature, kNow));
}

TEST(RequestSignature, AStaleOrFutureDateIsRefused) {
  auto s = sign(kKey, "GET", kTarget, kNow);
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, s.signature, kNow + 30'001)) << "replayed later";
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, s.signature, kNow - 30'001)) << "dated in the future";
  // The date is part of what is signed: moving it to now breaks the signature.
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, std::to_string(kNow + 60'000), s.signature, kNow + 60'000));
}

TEST(RequestSignature, GarbageIsRefused) {
  auto s = sign(kKey, "GET", kTarget, kNow);
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, "", s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, "", kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, "yesterday", s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date + " ", s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, "+" + s.date, s.signature, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, s.signature.substr(0, 63), kNow));
  std::string upper = s.signature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, upper, kNow));
  EXPECT_FALSE(request_signed(kKey, "GET", kTarget, s.date, std::string(64, '0'), kNow));
  // A node with no key configured accepts nothing, not even a signature made with the empty key.
  auto empty = sign("", "GET", kTarget, kNow);
  EXPECT_FALSE(request_signed("", "GET", kTarget, empty.date, empty.signature, kNow));
}

}  // namespace
}  // namespace watchfloor::core
