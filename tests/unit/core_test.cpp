// core: time stamps, strict JSON bodies, problem documents, configuration, time zones, metrics,
// owner-only files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/error.h"
#include "core/json_body.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/hash.h"
#include "core/private_files.h"
#include "core/random.h"
#include "core/base64.h"
#include "core/signing.h"
#include "core/tz.h"

namespace watchfloor::core {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs `f`, expects a Problem, and returns it.
template <typename F>
Problem problem_of(F&& f) {
  try {
    f();
  } catch (const Problem& p) {
    return p;
  }
  ADD_FAILURE() << "expected a Problem";
  return Problem::internal();
}

std::vector<std::string> fields(const Problem& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors()) out.push_back(e.field);
  return out;
}

// ---- time ----------------------------------------------------------------------------------

TEST(Iso8601, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(1'767'225'600'000), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601(1'795'827'723'004), "2026-11-28T01:02:03.004Z");
}

TEST(Iso8601, RoundTripsThroughParse) {
  for (int64_t ms : {int64_t{0}, int64_t{1'767'225'600'000}, int64_t{1'795'827'723'004}, int64_t{951'782'400'999}}) {
    auto back = parse_iso8601(iso8601(ms));
    ASSERT_TRUE(back) << iso8601(ms);
    EXPECT_EQ(*back, ms);
  }
}

TEST(Iso8601, ParsesZuluWithAndWithoutFraction) {
  EXPECT_EQ(parse_iso8601("2026-01-01T00:00:00Z"), 1'767'225'600'000);
  EXPECT_EQ(parse_iso8601("2026-01-01T00:00:00.250Z"), 1'767'225'600'250);
}

TEST(Iso8601, AppliesNumericOffsets) {
  // 07:00 in Hà Nội is midnight UTC.
  EXPECT_EQ(parse_iso8601("2026-01-01T07:00:00+07:00"), 1'767'225'600'000);
  EXPECT_EQ(parse_iso8601("2026-01-01T07:00:00.500+07:00"), 1'767'225'600'500);
  EXPECT_EQ(parse_iso8601("2025-12-31T19:00:00-05:00"), 1'767'225'600'000);
  EXPECT_EQ(parse_iso8601("2026-01-01T00:00:00+00:00"), 1'767'225'600'000);
}

TEST(Iso8601, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(parse_iso8601("2026-01-01"), 1'767'225'600'000);
  EXPECT_EQ(parse_iso8601("2026-11-28"), 1'795'824'000'000);
}

TEST(Iso8601, RejectsGarbage) {
  for (const char* s : {"", "yesterday", "2026", "2026-01", "2026-1-1", "2026-13-01", "2026-01-32",
                        "2026-01-01T00:00:00",        // no zone: ambiguous
                        "2026-01-01T00:00:00Zjunk",   // trailing bytes
                        "2026-01-01 00:00:00Z", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00+0x:00",
                        "2026-01-01junk", "01/01/2026"}) {
    EXPECT_FALSE(parse_iso8601(s)) << "accepted: '" << s << "'";
  }
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock;
  EXPECT_EQ(clock.now_ms(), 1'767'225'600'000);
  EXPECT_EQ(clock.now_ms(), 1'767'225'600'000);
  clock.advance(std::chrono::minutes(2));
  EXPECT_EQ(clock.now_ms(), 1'767'225'720'000);
  clock.set_ms(5);
  EXPECT_EQ(to_ms(clock.now()), 5);
  EXPECT_EQ(to_ms(from_ms(42)), 42);
}

// ---- JSON bodies ---------------------------------------------------------------------------

TEST(JsonBody, ReadsKnownFields) {
  auto b = JsonBody::parse(R"({"name":"Đội Kiểm soát","count":3,"on":true,"parent":null})",
                           {"name", "count", "on", "parent"});
  EXPECT_EQ(b.string("name", Need::required), "Đội Kiểm soát");
  EXPECT_EQ(b.integer("count", Need::required), 3);
  EXPECT_EQ(b.boolean("on", Need::required), true);
  auto parent = b.nullable_integer("parent");
  ASSERT_TRUE(parent.has_value());
  EXPECT_FALSE(parent->has_value());
  EXPECT_FALSE(b.nullable_integer("absent").has_value());
  EXPECT_TRUE(b.ok());
  EXPECT_NO_THROW(b.finish());
}

TEST(JsonBody, UnknownFieldIsNamed) {
  auto b = JsonBody::parse(R"({"name":"x","nmae":"y"})", {"name"});
  b.string("name", Need::required);
  EXPECT_FALSE(b.ok());
  auto p = problem_of([&] { b.finish(); });
  EXPECT_EQ(p.status(), 400);
  EXPECT_EQ(p.slug(), "validation");
  EXPECT_EQ(fields(p), std::vector<std::string>{"nmae"});
  EXPECT_NE(std::string(p.what()).find("nmae"), std::string::npos);
}

TEST(JsonBody, WrongTypesAreReportedPerField) {
  auto b = JsonBody::parse(R"({"name":5,"count":"3","on":1,"ratio":1.5,"parent":"x"})",
                           {"name", "count", "on", "ratio", "parent"});
  EXPECT_FALSE(b.string("name", Need::required));
  EXPECT_FALSE(b.integer("count", Need::required));
  EXPECT_FALSE(b.boolean("on", Need::optional));
  EXPECT_FALSE(b.integer("ratio", Need::optional));
  EXPECT_FALSE(b.nullable_integer("parent"));
  auto p = problem_of([&] { b.finish(); });
  EXPECT_EQ(fields(p), (std::vector<std::string>{"name", "count", "on", "ratio", "parent"}));
  EXPECT_EQ(p.errors()[0].message_en, "Must be a string");
  EXPECT_EQ(p.errors()[1].message_en, "Must be an integer");
  EXPECT_EQ(p.errors()[2].message_en, "Must be true or false");
  EXPECT_FALSE(p.errors()[0].message_vi.empty());
}

TEST(JsonBody, RequiredFieldsMustBePresentAndNotBlank) {
  auto b = JsonBody::parse(R"({"blank":"  \t","empty":"","note":""})", {"blank", "empty", "note", "missing"});
  EXPECT_FALSE(b.string("missing", Need::required));
  EXPECT_FALSE(b.string("blank", Need::required));
  EXPECT_FALSE(b.string("empty", Need::required));
  EXPECT_EQ(b.string("note", Need::optional), "");  // optional strings may be empty
  EXPECT_FALSE(b.string("absent_optional", Need::optional));
  auto p = problem_of([&] { b.finish(); });
  ASSERT_EQ(fields(p), (std::vector<std::string>{"missing", "blank", "empty"}));
  EXPECT_EQ(p.errors()[0].message_en, "Required field");
  EXPECT_EQ(p.errors()[1].message_en, "Must not be empty");
}

TEST(JsonBody, MaxLengthCountsCodePointsNotBytes) {
  // "Đội" is 3 characters but 6 bytes in UTF-8.
  auto ok = JsonBody::parse(R"({"n":"Đội"})", {"n"});
  EXPECT_EQ(ok.string("n", Need::required, 3), "Đội");
  EXPECT_TRUE(ok.ok());

  auto too_long = JsonBody::parse(R"({"n":"Đội"})", {"n"});
  EXPECT_FALSE(too_long.string("n", Need::required, 2));
  auto p = problem_of([&] { too_long.finish(); });
  ASSERT_EQ(p.errors().size(), 1u);
  EXPECT_EQ(p.errors()[0].field, "n");
  EXPECT_EQ(p.errors()[0].message_en, "At most 2 characters");

  auto b = JsonBody::parse(R"({"n":"abcd"})", {"n"});
  EXPECT_FALSE(b.string("n", Need::optional, 3));
  EXPECT_FALSE(b.ok());
}

TEST(JsonBody, NestedBodiesPrefixTheirFieldPaths) {
  auto top = JsonBody::parse(R"({"designations":{"leadership":"x","bogus":1}})", {"designations"});
  JsonBody nested(*top.raw("designations"), {"leadership"}, "designations");
  EXPECT_FALSE(nested.integer("leadership", Need::required));
  EXPECT_EQ(nested.path("leadership"), "designations.leadership");
  top.adopt(nested);
  EXPECT_TRUE(nested.ok());
  auto p = problem_of([&] { top.finish(); });
  EXPECT_EQ(fields(p), (std::vector<std::string>{"designations.bogus", "designations.leadership"}));
}

TEST(JsonBody, NonObjectBodyIsAnError) {
  auto b = JsonBody::parse("[1,2]", {"a"});
  EXPECT_FALSE(b.has("a"));
  auto p = problem_of([&] { b.finish(); });
  EXPECT_EQ(fields(p), std::vector<std::string>{"body"});

  json arr = json::array();
  JsonBody nested(arr, {}, "units[2]");
  EXPECT_EQ(fields(problem_of([&] { nested.finish(); })), std::vector<std::string>{"units[2]"});
}

TEST(ParseJson, RejectsBadSyntaxAsMalformedJson) {
  for (std::string_view text : {std::string_view("{"), std::string_view("{\"a\":}"), std::string_view(""),
                                std::string_view("{\"a\":1} trailing")}) {
    auto p = problem_of([&] { parse_json(text); });
    EXPECT_EQ(p.status(), 400) << text;
    EXPECT_EQ(p.slug(), "malformed-json") << text;
  }
}

TEST(ParseJson, RejectsInvalidUtf8) {
  for (std::string_view text : {std::string_view("\"\xff\""), std::string_view("{\"n\":\"\xc3\"}"),
                                std::string_view("{\"n\":\"\xed\xa0\x80\"}")}) {  // lone surrogate
    auto p = problem_of([&] { parse_json(text); });
    EXPECT_EQ(p.status(), 400);
    EXPECT_EQ(p.to_json()["type"], "urn:watchfloor:problem:malformed-json");
  }
  EXPECT_EQ(parse_json("\"Hải quan\""), "Hải quan");
}

// Issue 11, finding 1: a body nested a few hundred thousand levels deep crashed the server when it
// was copied; parse_json refuses it before building anything, for every route and the WebSocket.
TEST(ParseJson, RefusesNestingDeeperThanTheBound) {
  std::string arrays = std::string(300'000, '[') + std::string(300'000, ']');
  auto p = problem_of([&] { parse_json(arrays); });
  EXPECT_EQ(p.status(), 400);
  EXPECT_EQ(p.slug(), "malformed-json");
  EXPECT_NE(std::string(p.what()).find("nest"), std::string::npos) << p.what();

  std::string objects;
  for (int i = 0; i < 60'000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(60'000, '}');
  EXPECT_EQ(problem_of([&] { parse_json(objects); }).status(), 400);

  std::string at_bound = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(json_depth(at_bound), kMaxJsonDepth);
  EXPECT_NO_THROW(parse_json(at_bound));
  EXPECT_EQ(problem_of([&] { parse_json("[" + at_bound + "]"); }).status(), 400);
}

TEST(ParseJson, ANulByteIsNotTheEndOfTheText) {
  // nlohmann alone reads this as {"a":1} and ignores the rest (fuzz_json found the difference).
  std::string text("{\"a\":1}\0{\"admin\":true}", 21);
  EXPECT_EQ(problem_of([&] { parse_json(text); }).slug(), "malformed-json");
}

TEST(ParseJson, BracketsInsideStringsAreNotNesting) {
  std::string text = "{\"text\":\"" + std::string(1000, '[') + "\\\"{{\"}";
  EXPECT_EQ(json_depth(text), 1u);
  EXPECT_EQ(parse_json(text)["text"].get<std::string>().size(), 1003u);
}

// Finding 8: 1e400 gave 500 (an exception other than parse_error), and a megabyte-long number was
// echoed whole into the problem and the log.
TEST(ParseJson, NumbersBeyondDoubleAreMalformedAndNotEchoedWhole) {
  auto p = problem_of([&] { parse_json("{\"username\":1e400}"); });
  EXPECT_EQ(p.status(), 400);
  EXPECT_EQ(p.slug(), "malformed-json");
  std::string huge = "{\"id\":1" + std::string(1 << 20, '0') + "e999}";
  auto q = problem_of([&] { parse_json(huge); });
  EXPECT_EQ(q.status(), 400);
  EXPECT_LT(q.to_json().dump().size(), 2000u);
}

TEST(JsonBody, IdsMustBePositive) {
  json v = {{"case_id", json::parse("-9223372036854775808")}, {"unit_id", 0}, {"camera_id", 7}, {"count", -3},
            {"task_id", -1}};
  JsonBody b(v, {"case_id", "unit_id", "camera_id", "count", "task_id"}, "links");
  EXPECT_FALSE(b.integer("case_id", Need::optional));
  EXPECT_FALSE(b.integer("unit_id", Need::optional));
  EXPECT_EQ(b.integer("camera_id", Need::optional), 7);
  EXPECT_EQ(b.integer("count", Need::optional), -3) << "only ids must be positive";
  EXPECT_FALSE(b.nullable_integer("task_id"));
  EXPECT_EQ(fields(problem_of([&] { b.finish(); })),
            (std::vector<std::string>{"links.case_id", "links.unit_id", "links.task_id"}));
}

TEST(Log, TruncatesOnCharacterBoundaries) {
  EXPECT_EQ(truncate_utf8("Hải quan", 100), "Hải quan");
  std::string cut = truncate_utf8("Hải quan", 5);  // "H", then "ả" (3 bytes) would not fit with "…"
  EXPECT_EQ(cut, "H…");
  EXPECT_LE(truncate_utf8(std::string(1 << 20, 'x'), kMaxLogMessageBytes).size(), kMaxLogMessageBytes);
}

// ---- problems ------------------------------------------------------------------------------

TEST(Problem, JsonHasBilingualTitlesAndFieldErrors) {
  auto p = Problem::field("units[1].parent", "Không tìm thấy", "Not found");
  auto j = p.to_json();
  EXPECT_EQ(j["type"], "urn:watchfloor:problem:validation");
  EXPECT_EQ(j["title"], "Invalid request");
  EXPECT_EQ(j["title_vi"], "Yêu cầu không hợp lệ");
  EXPECT_EQ(j["status"], 400);
  EXPECT_NE(j["detail"].get<std::string>().find("units[1].parent"), std::string::npos);
  EXPECT_NE(j["detail_vi"].get<std::string>().find("units[1].parent"), std::string::npos);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0], (json{{"field", "units[1].parent"}, {"message_vi", "Không tìm thấy"},
                                  {"message_en", "Not found"}}));
}

TEST(Problem, DetailDefaultsToTitleAndErrorsAreOmittedWhenNone) {
  auto j = Problem::forbidden().to_json();
  EXPECT_EQ(j["status"], 403);
  EXPECT_FALSE(j.contains("errors"));
  auto m = Problem::method_not_allowed().to_json();
  EXPECT_EQ(m["detail"], m["title"]);
  EXPECT_EQ(m["detail_vi"], m["title_vi"]);
}

TEST(Problem, StatusesOfTheStandardProblems) {
  EXPECT_EQ(Problem::unauthenticated().status(), 401);
  EXPECT_EQ(Problem::not_found("The unit", "Đơn vị").status(), 404);
  EXPECT_EQ(Problem::not_found("The unit", "Đơn vị").to_json()["detail_vi"], "Đơn vị không tồn tại.");
  EXPECT_EQ(Problem::conflict("a", "b").status(), 409);
  EXPECT_EQ(Problem::payload_too_large(10).status(), 413);
  EXPECT_EQ(Problem::internal().status(), 500);
  auto t = Problem::throttled(42);
  EXPECT_EQ(t.status(), 429);
  ASSERT_EQ(t.headers.size(), 1u);
  EXPECT_EQ(t.headers[0], (std::pair<std::string, std::string>{"Retry-After", "42"}));
}

// ---- configuration -------------------------------------------------------------------------

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("wf-config-" + random_token(6));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& text) {
    auto f = dir_ / "watchfloor.toml";
    std::ofstream(f) << text;
    return f;
  }
  std::string error_of(const std::string& text) {
    try {
      load_config(write(text));
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return {};
  }
  fs::path dir_;
};

TEST_F(ConfigTest, ReadsValues) {
  auto c = load_config(write(R"(
data_dir = "/srv/watchfloor"
[server]
listen = "0.0.0.0:9090"
threads = 8
max_body_bytes = 2048
[security]
session_idle_minutes = 10
login_free_failures = 3
login_delay_s = 10
)"));
  EXPECT_EQ(c.data_dir, fs::path("/srv/watchfloor"));
  EXPECT_EQ(c.server.listen, "0.0.0.0:9090");
  EXPECT_EQ(c.server.threads, 8);
  EXPECT_EQ(c.server.max_body_bytes, 2048u);
  EXPECT_EQ(c.server.max_connections, 512);  // untouched default
  EXPECT_EQ(c.security.session_idle_minutes, 10);
  EXPECT_EQ(c.security.login_free_failures, 3);
  EXPECT_EQ(c.security.login_delay_s, 10);
  EXPECT_EQ(c.security.login_max_delay_s, 900);  // untouched default
}

TEST_F(ConfigTest, OldThrottleNamesStillStartTheServer) {
  auto c = load_config(write("[security]\nlogin_max_failures_per_user = 4\nlogin_max_failures_per_ip = 40\n"
                             "login_window_minutes = 20\n"));
  EXPECT_EQ(c.security.login_free_failures, 4);
  EXPECT_EQ(c.security.login_max_attempts_per_address, 40);
  EXPECT_EQ(c.security.login_address_window_minutes, 20);
}

TEST_F(ConfigTest, ThrottleDelaysMustBeCoherent) {
  EXPECT_NE(error_of("[security]\nlogin_delay_s = 0\n").find("login_delay_s"), std::string::npos);
  EXPECT_NE(error_of("[security]\nlogin_delay_s = 60\nlogin_max_delay_s = 30\n").find("login_delay_s"), std::string::npos);
  EXPECT_NE(error_of("[security]\nlogin_forget_minutes = 5\n").find("login_forget_minutes"), std::string::npos);
}

TEST_F(ConfigTest, ReadsTheServerHardening) {
  auto c = load_config(write(R"(
[server]
header_timeout_s = 5
idle_timeout_s = 20
max_connections_per_ip = 8
ws_max_per_user = 4
tls_cert = "/etc/watchfloor/cert.pem"
tls_key = "/etc/watchfloor/key.pem"
trusted_proxies = ["127.0.0.1", "::1"]
)"));
  EXPECT_EQ(c.server.header_timeout_s, 5);
  EXPECT_EQ(c.server.idle_timeout_s, 20);
  EXPECT_EQ(c.server.max_connections_per_ip, 8);
  EXPECT_EQ(c.server.ws_max_per_user, 4);
  EXPECT_EQ(c.server.tls_key, "/etc/watchfloor/key.pem");
  EXPECT_EQ(c.server.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_NE(error_of("[server]\ntls_cert = \"a.pem\"\n").find("tls_key"), std::string::npos);
  EXPECT_NE(error_of("[server]\ntrusted_proxies = \"127.0.0.1\"\n").find("server.trusted_proxies"), std::string::npos);
  EXPECT_NE(error_of("[server]\nheader_timeout_s = 0\n").find("timeouts"), std::string::npos);
}

TEST_F(ConfigTest, EmptyFileGivesDefaults) {
  auto c = load_config(write(""));
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.security.session_absolute_hours, 12);
  // A camera that comes back must be recording again within 5 s: the reconnect backoff (±20 %
  // jitter) plus the RTSP handshake stays under it.
  EXPECT_LE(c.recorder.backoff_max_s * 1.2 + 1, 5.0);
}

TEST_F(ConfigTest, ReadsTheStoresReaderConnections) {
  EXPECT_EQ(load_config(write("")).store.readers, 4);
  EXPECT_EQ(load_config(write("[store]\nreaders = 0\n")).store.readers, 0);
  EXPECT_NE(error_of("[store]\nreaders = 65\n").find("store.readers"), std::string::npos);
  EXPECT_NE(error_of("[store]\nreader = 2\n").find("store.reader"), std::string::npos);
}

TEST_F(ConfigTest, AServerCanBeToldNotToRecord) {
  EXPECT_TRUE(load_config(write("")).recorder.enabled);
  EXPECT_FALSE(load_config(write("[recorder]\nenabled = false\n")).recorder.enabled);
  EXPECT_NE(error_of("[recorder]\nenabled = 0\n").find("recorder.enabled must be true or false"), std::string::npos);
}

TEST_F(ConfigTest, RelativeDataDirIsBesideTheFile) {
  auto c = load_config(write("data_dir = \"var\"\n"));
  EXPECT_EQ(c.data_dir, fs::absolute(dir_) / "var");
}

TEST_F(ConfigTest, UnknownKeysAreRefusedByName) {
  EXPECT_NE(error_of("data_dri = \"x\"\n").find("data_dri"), std::string::npos);
  EXPECT_NE(error_of("[server]\nthread = 4\n").find("server.thread"), std::string::npos);
  EXPECT_NE(error_of("[security]\nsession_idle = 4\n").find("security.session_idle"), std::string::npos);
  EXPECT_NE(error_of("[database]\nurl = \"x\"\n").find("database"), std::string::npos);
}

TEST_F(ConfigTest, WrongTypesAreRefusedByName) {
  EXPECT_NE(error_of("[server]\nthreads = \"4\"\n").find("server.threads"), std::string::npos);
  EXPECT_NE(error_of("[server]\nlisten = 8080\n").find("server.listen"), std::string::npos);
  EXPECT_NE(error_of("[security]\nsession_idle_minutes = -1\n").find("security.session_idle_minutes"),
            std::string::npos);
  EXPECT_NE(error_of("data_dir = 3\n").find("data_dir"), std::string::npos);
  EXPECT_NE(error_of("server = 3\n").find("server"), std::string::npos);
  EXPECT_NE(error_of("[server]\nthreads = 0\n").find("server.threads"), std::string::npos);
}

TEST_F(ConfigTest, BooleansFloatsAndHugeNumbersAreNotIntegers) {
  // toml++'s permissive conversions would read `true` as 1 and 4.0 as 4; a setting of the wrong
  // type must stop the start instead.
  EXPECT_NE(error_of("[server]\nthreads = true\n").find("server.threads"), std::string::npos);
  EXPECT_NE(error_of("[server]\nmax_connections = 4.0\n").find("server.max_connections"), std::string::npos);
  EXPECT_NE(error_of("[security]\nlogin_window_minutes = 3000000000000\n").find("security.login_window_minutes"),
            std::string::npos);
}

TEST_F(ConfigTest, MetricsListenerAndToken) {
  auto defaults = load_config(write(""));
  EXPECT_EQ(defaults.server.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(defaults.server.metrics_token, "");
  auto c = load_config(write("[server]\nmetrics_listen = \"\"\nmetrics_token = \"0123456789abcdef\"\n"));
  EXPECT_EQ(c.server.metrics_listen, "");
  EXPECT_EQ(c.server.metrics_token, "0123456789abcdef");
  EXPECT_NE(error_of("[server]\nmetrics_token = \"short\"\n").find("server.metrics_token"), std::string::npos);
  EXPECT_NE(error_of("[server]\nmetrics_listen = 9464\n").find("server.metrics_listen"), std::string::npos);
  EXPECT_NE(error_of("[server]\nmetrics_port = 9464\n").find("server.metrics_port"), std::string::npos);
}

TEST_F(ConfigTest, ReadsHowToReachRecorderNodes) {
  auto defaults = load_config(write(""));
  EXPECT_FALSE(defaults.nodes.tls);
  EXPECT_EQ(defaults.nodes.ca_file, "");
  auto c = load_config(write("[nodes]\ntls = true\nca_file = \"/etc/watchfloor/nodes-ca.pem\"\n"));
  EXPECT_TRUE(c.nodes.tls);
  EXPECT_EQ(c.nodes.ca_file, "/etc/watchfloor/nodes-ca.pem");
  EXPECT_NE(error_of("[nodes]\ntls = 1\n").find("nodes.tls must be true or false"), std::string::npos);
  EXPECT_NE(error_of("[nodes]\nca = \"x.pem\"\n").find("nodes.ca"), std::string::npos);
  // An authority without TLS would be ignored: refused, as a misspelt setting is.
  EXPECT_NE(error_of("[nodes]\nca_file = \"x.pem\"\n").find("nodes.ca_file"), std::string::npos);
}

TEST_F(ConfigTest, ReadsTheSharingScale) {
  // The operator guide tells administrators to set these; a [sharing] section must start the server.
  auto c = load_config(write("[sharing]\nordinary_cameras = 6\nmax_cameras = 60\n"));
  EXPECT_EQ(c.sharing.ordinary_cameras, 6);
  EXPECT_EQ(c.sharing.max_cameras, 60);
  EXPECT_EQ(c.sharing.max_range_days, 31);
}

TEST_F(ConfigTest, SyntaxErrorsNameTheFile) {
  auto msg = error_of("[server\n");
  EXPECT_NE(msg.find("watchfloor.toml"), std::string::npos) << msg;
}

// ---- owner-only files ----------------------------------------------------------------------

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(PrivateFiles, DirectoriesAreOwnerOnlyWhateverTheUmask) {
  auto base = fs::path(::testing::TempDir()) / ("wf-private-" + random_token(6));
  mode_t old = ::umask(022);
  create_private_directories(base / "data" / "video" / "default");
  ::umask(old);
  for (const auto& p : {base, base / "data", base / "data" / "video", base / "data" / "video" / "default"})
    EXPECT_EQ(mode_of(p), 0700u) << p;
  create_private_directories(base / "data");  // existing: nothing to do, no error
  std::ofstream(base / "data" / "file") << "x";
  EXPECT_THROW(create_private_directories(base / "data" / "file"), std::runtime_error);
  fs::remove_all(base);
}

TEST(PrivateFiles, ExposureWarningNamesThePathAndItsMode) {
  auto dir = fs::path(::testing::TempDir()) / ("wf-private-" + random_token(6));
  create_private_directories(dir);
  auto file = dir / "watchfloor.db";
  std::ofstream(file) << "x";
  make_private(file);
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_FALSE(exposure_warning(file));
  EXPECT_FALSE(exposure_warning(dir));
  EXPECT_FALSE(exposure_warning(dir / "absent"));
  ::chmod(file.c_str(), 0644);
  auto w = exposure_warning(file);
  ASSERT_TRUE(w);
  EXPECT_NE(w->find(file.string()), std::string::npos) << *w;
  EXPECT_NE(w->find("0644"), std::string::npos) << *w;
  ::chmod(file.c_str(), 0620);  // writable by the group only
  EXPECT_TRUE(exposure_warning(file));
  ::chmod(dir.c_str(), 0755);
  ASSERT_TRUE(exposure_warning(dir));
  EXPECT_NE(exposure_warning(dir)->find("0755"), std::string::npos);
  ::chmod(dir.c_str(), 0711);  // others may pass through but neither list nor create
  EXPECT_FALSE(exposure_warning(dir));
  fs::remove_all(dir);
}

TEST(SecretsEqual, ComparesWholeSecrets) {
  EXPECT_TRUE(secrets_equal("0123456789abcdef", "0123456789abcdef"));
  EXPECT_FALSE(secrets_equal("0123456789abcdeF", "0123456789abcdef"));
  EXPECT_FALSE(secrets_equal("0123456789abcde", "0123456789abcdef"));
  EXPECT_FALSE(secrets_equal("", "0123456789abcdef"));
  EXPECT_FALSE(secrets_equal(std::string("0123456789abcdef\0", 17), "0123456789abcdef"));
}

// ---- time zones ----------------------------------------------------------------------------

TEST(TimeZone, KnowsIanaNames) {
  EXPECT_TRUE(is_valid_time_zone("Asia/Ho_Chi_Minh"));
  EXPECT_TRUE(is_valid_time_zone(kDefaultTimeZone));
  EXPECT_TRUE(is_valid_time_zone("UTC"));
  EXPECT_FALSE(is_valid_time_zone("Mars/Base"));
  EXPECT_FALSE(is_valid_time_zone(""));
  EXPECT_FALSE(is_valid_time_zone("+07:00"));
}

// ---- metrics -------------------------------------------------------------------------------

TEST(Metrics, RendersCountersWithLabels) {
  Metrics m;
  m.help("wf_requests_total", "counter", "HTTP requests");
  m.inc("wf_requests_total", label("route", "/api/v1/units") + "," + label("status", "200"));
  m.inc("wf_requests_total", label("route", "/api/v1/units") + "," + label("status", "200"), 2);
  m.inc("wf_requests_total", label("route", "/api/v1/units") + "," + label("status", "404"));
  m.inc("wf_plain_total");
  auto text = m.render();
  EXPECT_NE(text.find("# HELP wf_requests_total HTTP requests\n# TYPE wf_requests_total counter\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("wf_requests_total{route=\"/api/v1/units\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_requests_total{route=\"/api/v1/units\",status=\"404\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE wf_plain_total counter\nwf_plain_total 1\n"), std::string::npos) << text;
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(label("path", "a\"b\\c\nd"), "path=\"a\\\"b\\\\c\\nd\"");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.observe("wf_latency_seconds", label("route", "x"), 0.003);
  m.observe("wf_latency_seconds", label("route", "x"), 0.2);
  m.observe("wf_latency_seconds", label("route", "x"), 20);  // above every bucket
  auto text = m.render();
  EXPECT_NE(text.find("# TYPE wf_latency_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"0.001\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"0.25\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"10\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_bucket{route=\"x\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_count{route=\"x\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wf_latency_seconds_sum{route=\"x\"} 20.203\n"), std::string::npos) << text;
}

TEST(Metrics, GaugesAreReadAtRenderTime) {
  Metrics m;
  double value = 1;
  m.gauge("wf_open_connections", [&] { return value; });
  EXPECT_NE(m.render().find("wf_open_connections 1\n"), std::string::npos);
  value = 7;
  EXPECT_NE(m.render().find("# TYPE wf_open_connections gauge\nwf_open_connections 7\n"), std::string::npos);
}

// ---- random --------------------------------------------------------------------------------

TEST(Random, TokensAreUrlSafeAndDistinct) {
  auto a = random_token(32), b = random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Base64, RoundTripsEveryByteAndRefusesWhatIsNotBase64) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(from_base64(to_base64(all)), all);
  EXPECT_EQ(to_base64("ab"), "YWI=");
  EXPECT_EQ(from_base64("YWI"), "ab");  // without its padding too
  EXPECT_EQ(to_base64url("\xfb\xff"), "-_8");
  EXPECT_FALSE(from_base64("not base64!"));
}

TEST(SigningKey, SignsWhatAnotherProgramVerifiesWithThePublicKeyAlone) {
  auto dir = fs::path(::testing::TempDir()) / ("wf-sign-" + random_token(6));
  SigningKey key(dir / "signing.key");
  EXPECT_EQ(mode_of(dir / "signing.key"), 0600u);
  auto sig = key.sign("manifest v1");
  EXPECT_TRUE(signature_valid(key.public_key(), "manifest v1", sig));
  EXPECT_FALSE(signature_valid(key.public_key(), "manifest v2", sig)) << "a changed message";
  auto bad = *from_base64(sig);
  bad[10] = static_cast<char>(bad[10] ^ 1);
  EXPECT_FALSE(signature_valid(key.public_key(), "manifest v1", to_base64(bad))) << "a changed signature";
  EXPECT_FALSE(signature_valid("short", "manifest v1", sig));
  EXPECT_FALSE(signature_valid(key.public_key(), "manifest v1", "%%%"));
  EXPECT_EQ(key.key_id().size(), 16u);
  EXPECT_EQ(key_id_of(key.public_key()), key.key_id());

  // The same key after a restart; another installation's key does not verify it.
  SigningKey again(dir / "signing.key");
  EXPECT_EQ(again.public_key(), key.public_key());
  SigningKey other(dir / "other.key");
  EXPECT_NE(other.public_key(), key.public_key());
  EXPECT_FALSE(signature_valid(other.public_key(), "manifest v1", sig));
  std::ofstream(dir / "short.key") << "too short";
  EXPECT_THROW(SigningKey(dir / "short.key"), std::runtime_error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace watchfloor::core
