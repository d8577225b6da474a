// Events across several servers sharing one PostgreSQL store (events/cluster.h): every server's consoles receive
// every server's events in the order their changes committed, a console resumes on another server, and the
// caches that events invalidate follow changes made elsewhere. Skipped on SQLite, where one process owns the file.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "audit/audit_log.h"
#include "core/random.h"
#include "events/cluster.h"
#include "org/units.h"
#include "test_store.h"

namespace watchfloor::events {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// One API server's part: its own connections to the shared store, its bus and its listener.
struct Server {
  explicit Server(const fs::path& file, size_t ring = Bus::kDefaultCapacity) : db(test::open_store(file)), bus(clock, ring), log(*db, clock) {
    bus.subscribe([this](const Event& e) {
      std::lock_guard lock(mu);
      got.push_back(e);
      cv.notify_all();
    });
    log.start(bus);
  }
  ~Server() { log.stop(); }

  // Waits until `n` events arrived (or 5 s passed); returns what arrived.
  std::vector<Event> wait_for(size_t n) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 5s, [&] { return got.size() >= n; });
    return got;
  }

  core::SystemClock clock;
  std::unique_ptr<store::Db> db;
  Bus bus;
  ClusterLog log;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> got;
};

Event named(const std::string& topic, int64_t unit = 1) {
  Event e;
  e.topic = topic;
  e.unit_id = unit;
  e.read_action = auth::Action::unit_read;
  e.payload = {{"topic", topic}};
  return e;
}

std::vector<std::string> topics(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.topic);
  return out;
}

class ClusterEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::on_postgres()) GTEST_SKIP() << "one process owns a SQLite store";
    file_ = fs::path(::testing::TempDir()) / ("wf-cluster-" + core::random_token(6)) / "watchfloor.db";
  }
  fs::path file_;
};

TEST_F(ClusterEvents, EveryServerReceivesEveryServersEventsInOneOrder) {
  Server a(file_), b(file_);
  // Two threads on each server publish at once, some as a unit of work's events, some directly.
  std::vector<std::thread> threads;
  for (Server* s : {&a, &b})
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([s, t, name = s == &a ? "a" : "b"] {
        for (int i = 0; i < 25; ++i) {
          std::string topic = fmt::format("{}{}.{}", name, t, i);
          if (i % 2) {
            s->bus.publish(named(topic));
          } else {
            store::Work::run(*s->db, [&](store::Work&) { s->bus.publish_on_commit(named(topic)); });
          }
        }
      });
  for (auto& t : threads) t.join();
  auto on_a = a.wait_for(100), on_b = b.wait_for(100);
  ASSERT_EQ(on_a.size(), 100u);
  ASSERT_EQ(on_b.size(), 100u);
  EXPECT_EQ(topics(on_a), topics(on_b)) << "both servers deliver the same events in the same order";
  for (size_t i = 0; i < on_a.size(); ++i) {
    EXPECT_EQ(on_a[i].seq, on_b[i].seq);
    if (i > 0) {
      EXPECT_GT(on_a[i].seq, on_a[i - 1].seq);
    }
  }
  // Each publisher's own events keep their order.
  for (const char* p : {"a0", "a1", "b0", "b1"}) {
    int next = 0;
    for (const auto& e : on_a) {
      if (!e.topic.starts_with(std::string(p) + ".")) continue;
      EXPECT_EQ(e.topic, fmt::format("{}.{}", p, next++));
    }
    EXPECT_EQ(next, 25) << p;
  }
  EXPECT_EQ(on_b.front().payload["topic"], on_b.front().topic);
  EXPECT_EQ(on_b.front().unit_id, 1);
  EXPECT_EQ(on_b.front().read_action, auth::Action::unit_read);
}

TEST_F(ClusterEvents, AChangesEventTakesItsCommitsPlaceAndARolledBackChangeAnnouncesNothing) {
  Server a(file_), b(file_);
  // Server a's change is being written when server b publishes: b's event waits for a's commit and follows it.
  std::atomic<bool> writing{false};
  std::thread other;
  store::Work::run(*a.db, [&](store::Work&) {
    a.db->exec("INSERT INTO installation(key, value) VALUES ('cluster-test', 'x')");
    a.bus.publish_on_commit(named("a.changed"));
    other = std::thread([&] {
      writing = true;
      b.bus.publish(named("b.meanwhile"));
    });
    while (!writing) std::this_thread::yield();
    std::this_thread::sleep_for(100ms);
  });
  other.join();
  EXPECT_THROW(store::Work::run(*a.db, [&](store::Work&) {
                 a.bus.publish_on_commit(named("a.rolled-back"));
                 throw std::runtime_error("the change fails");
               }),
               std::runtime_error);
  b.bus.publish(named("b.after"));
  auto got = b.wait_for(3);
  EXPECT_EQ(topics(got), (std::vector<std::string>{"a.changed", "b.meanwhile", "b.after"}));
  EXPECT_EQ(topics(a.wait_for(3)), topics(got));
}

// A unit's events are written at its end in one go: every server receives them in the order published, an event
// published again under its key in its latest place only, and a unit of more events than one statement holds whole.
TEST_F(ClusterEvents, AUnitsEventsArriveInTheirOrderWithAKeyedEventOnceInItsLatestPlace) {
  Server a(file_), b(file_);
  store::Work::run(*a.db, [&](store::Work&) {
    a.bus.publish_on_commit(named("first"));
    a.bus.publish_on_commit(named("case.changed.early"), "case:7");
    a.bus.publish_on_commit(named("second"));
    a.bus.publish_on_commit(named("case.changed.final"), "case:7");
    a.bus.publish_on_commit(named("third"));
  });
  auto got = b.wait_for(4);
  EXPECT_EQ(topics(got), (std::vector<std::string>{"first", "second", "case.changed.final", "third"}));
  for (size_t i = 1; i < got.size(); ++i) EXPECT_EQ(got[i].seq, got[i - 1].seq + 1);
  store::Work::run(*a.db, [&](store::Work&) {
    for (int i = 0; i < 1'500; ++i) a.bus.publish_on_commit(named(fmt::format("bulk{}", i)));
  });
  got = b.wait_for(4 + 1'500);
  ASSERT_EQ(got.size(), size_t{4 + 1'500});
  for (int i = 0; i < 1'500; ++i) EXPECT_EQ(got[4 + i].topic, fmt::format("bulk{}", i));
}

TEST_F(ClusterEvents, AConsoleResumesOnAnotherServerEvenOneStartedLater) {
  int64_t seen = 0, seen_more = 0;
  {
    Server a(file_);
    for (int i = 0; i < 5; ++i) a.bus.publish(named(fmt::format("e{}", i)));
    auto got = a.wait_for(5);
    ASSERT_EQ(got.size(), 5u);
    seen = got[1].seq;  // the console saw e0 and e1, then its server went away
    seen_more = got[2].seq;  // another saw e2 too
  }
  Server b(file_);  // its ring is empty: what the console missed comes from the store
  auto missed = b.bus.since(seen);
  ASSERT_TRUE(missed);
  EXPECT_EQ(topics(*missed), (std::vector<std::string>{"e2", "e3", "e4"}));
  EXPECT_EQ(b.bus.seq(), missed->back().seq) << "hello's seq on the new server is the cluster's";
  EXPECT_FALSE(b.bus.since(b.bus.seq() + 1000)) << "a seq never issued: reload";
  // No more than a server's ring holds comes from the store either: a console away that long reloads.
  Server small(file_, 2);
  EXPECT_FALSE(small.bus.since(seen)) << "three events followed: more than a ring of two";
  auto two = small.bus.since(seen_more);
  ASSERT_TRUE(two);
  EXPECT_EQ(topics(*two), (std::vector<std::string>{"e3", "e4"}));
  // Once pruned, what followed an old seq is gone: the console must reload.
  ClusterLog prune_all(*b.db, b.clock, 0);
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(prune_all.prune(), 5);
  b.bus.publish(named("e5"));
  ASSERT_EQ(b.wait_for(1).size(), 1u);
  EXPECT_FALSE(b.log.since(seen, Bus::kDefaultCapacity));
  EXPECT_TRUE(b.bus.since(b.bus.seq() - 1)) << "what this server holds in memory still resumes";
}

TEST_F(ClusterEvents, AUnitChangedOnOneServerIsSeenInTheOtherServersScope) {
  Server a(file_), b(file_);
  audit::AuditLog audit_a(*a.db, a.clock), audit_b(*b.db, b.clock);
  org::Units units_a(*a.db, a.clock, audit_a, a.bus), units_b(*b.db, b.clock, audit_b, b.bus);
  auto by = audit::Actor::system("test");
  org::UnitInput hq, pa, pb;
  hq.code = "HQ", hq.kind = "headquarters", hq.name_vi = "Cục Hải quan", hq.name_en = "Customs";
  auto hq_id = units_a.create(hq, by).id;
  pa.code = "PA", pa.kind = "provincial_department", pa.name_vi = "Chi cục A", pa.name_en = "A", pa.parent_id = hq_id;
  auto pa_id = units_a.create(pa, by).id;
  pb.code = "PB", pb.kind = "provincial_department", pb.name_vi = "Chi cục B", pb.name_en = "B", pb.parent_id = hq_id;
  auto pb_id = units_a.create(pb, by).id;
  b.wait_for(3);
  EXPECT_FALSE(units_b.tree()->contains(pa_id, pb_id));  // server b caches this tree
  org::UnitInput move;
  move.parent_id = std::optional<int64_t>(pa_id);
  units_a.update(pb_id, move, by);
  bool moved = false;  // the cache is dropped by a subscriber after the event arrives
  for (int i = 0; i < 500 && !moved; ++i) {
    moved = units_b.tree()->contains(pa_id, pb_id);
    if (!moved) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(moved) << "server b dropped its cached tree on a's change";
}

}  // namespace
}  // namespace watchfloor::events
