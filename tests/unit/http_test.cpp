// http: who the client is behind a proxy, and which requests count as same-origin (issue 11).
#include <gtest/gtest.h>

#include "http/message.h"

namespace watchfloor::http {
namespace {

Request with_headers(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.headers = std::move(headers);
  return r;
}

TEST(ClientAddress, IsThePeerUnlessThePeerIsATrustedProxy) {
  std::vector<std::string> trusted{"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address("203.0.113.5", "198.51.100.7", trusted), "203.0.113.5") << "anyone can send the header";
  EXPECT_EQ(client_address("127.0.0.1", "", trusted), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.7", trusted), "198.51.100.7");
}

TEST(ClientAddress, TakesTheRightmostHopThatIsNotAProxy) {
  std::vector<std::string> trusted{"127.0.0.1", "10.0.0.2"};
  // The client forged the leftmost entry; the proxies appended the real ones on the right.
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, 198.51.100.7", trusted), "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, 198.51.100.7 , 10.0.0.2", trusted), "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.2", trusted), "10.0.0.2");
  EXPECT_EQ(client_address("127.0.0.1", " , ", trusted), "127.0.0.1") << "an empty hop ends the walk";
}

TEST(SameOrigin, AcceptsNoOriginAndTheHostsOwn) {
  EXPECT_TRUE(same_origin(with_headers({{"host", "127.0.0.1:8080"}})));
  EXPECT_TRUE(same_origin(with_headers({{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8080"}})));
  EXPECT_TRUE(same_origin(with_headers({{"host", "giamsat.customs.gov.vn"}, {"origin", "https://GiamSat.customs.gov.vn"}})));
  EXPECT_TRUE(same_origin(with_headers({{"host", "giamsat.customs.gov.vn:443"}, {"origin", "https://giamsat.customs.gov.vn"}})));
}

TEST(SameOrigin, RefusesOtherSitesNullAndOtherSchemes) {
  EXPECT_FALSE(same_origin(with_headers({{"host", "127.0.0.1:8080"}, {"origin", "http://evil.example"}})));
  EXPECT_FALSE(same_origin(with_headers({{"host", "127.0.0.1:8080"}, {"origin", "http://127.0.0.1:8081"}})));
  EXPECT_FALSE(same_origin(with_headers({{"host", "127.0.0.1:8080"}, {"origin", "null"}})));
  EXPECT_FALSE(same_origin(with_headers({{"host", "127.0.0.1:8080"}, {"origin", "file://127.0.0.1:8080"}})));
  EXPECT_FALSE(same_origin(with_headers({{"origin", "http://127.0.0.1:8080"}}))) << "no Host to compare with";
}

}  // namespace
}  // namespace watchfloor::http
