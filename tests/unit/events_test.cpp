// The event bus: sequence order, unsubscribe, catch-up after a reconnect and its limits.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "events/bus.h"

namespace watchfloor::events {
namespace {

using auth::Action;

TEST(Bus, DeliversEveryEventInSequenceOrderWithItsData) {
  core::FakeClock clock;
  Bus bus(clock, 100, 5000);
  std::vector<Event> got;
  bus.subscribe([&](const Event& e) { got.push_back(e); });
  EXPECT_EQ(bus.seq(), 5000);
  EXPECT_EQ(bus.publish("unit.updated", 7, Action::unit_read, {{"id", 7}}), 5001);
  clock.advance(std::chrono::milliseconds(250));
  EXPECT_EQ(bus.publish("unit.deleted", std::nullopt, Action::audit_read, {{"id", 8}}), 5002);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 5001);
  EXPECT_EQ(got[0].topic, "unit.updated");
  EXPECT_EQ(got[0].unit_id, 7);
  EXPECT_EQ(got[0].read_action, Action::unit_read);
  EXPECT_EQ(got[0].payload["id"], 7);
  EXPECT_EQ(got[0].at_ms, 1'767'225'600'000);
  EXPECT_EQ(got[1].seq, 5002);
  EXPECT_FALSE(got[1].unit_id.has_value());
  EXPECT_EQ(got[1].at_ms, 1'767'225'600'250);
  EXPECT_EQ(bus.seq(), 5002);
  EXPECT_EQ(bus.delivered(), 5002) << "every subscriber has had it";
}

TEST(Bus, ConcurrentPublishersReachEverySubscriberInTheSameIncreasingOrder) {
  core::FakeClock clock;
  Bus bus(clock);
  std::vector<int64_t> a, b;
  bus.subscribe([&](const Event& e) { a.push_back(e.seq); });
  bus.subscribe([&](const Event& e) { b.push_back(e.seq); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) bus.publish("x", 1, Action::unit_read, nullptr);
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(a.size(), 2000u);
  EXPECT_EQ(a, b);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], static_cast<int64_t>(i + 1)) << i;
}

TEST(Bus, AnEventPublishedFromASubscriberFollowsTheOneBeingDelivered) {
  core::FakeClock clock;
  Bus bus(clock);
  std::vector<std::string> first, second;
  bus.subscribe([&](const Event& e) {
    first.push_back(e.topic);
    if (e.topic == "case.reported") bus.publish("alert.raised", 1, Action::unit_read, nullptr);
  });
  bus.subscribe([&](const Event& e) { second.push_back(e.topic); });
  bus.publish("case.reported", 1, Action::unit_read, nullptr);
  std::vector<std::string> want = {"case.reported", "alert.raised"};
  EXPECT_EQ(first, want);
  EXPECT_EQ(second, want);
}

TEST(Bus, AnUnsubscribedSubscriberIsNotCalledAgain) {
  core::FakeClock clock;
  Bus bus(clock);
  int a = 0, b = 0;
  auto ida = bus.subscribe([&](const Event&) { ++a; });
  bus.subscribe([&](const Event&) { ++b; });
  bus.publish("x", 1, Action::unit_read, nullptr);
  bus.unsubscribe(ida);
  bus.unsubscribe(ida);  // twice is harmless
  bus.publish("x", 1, Action::unit_read, nullptr);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

TEST(Bus, ASubscriberRemovedDuringADeliveryIsSkippedInThatDelivery) {
  core::FakeClock clock;
  Bus bus(clock);
  int second_calls = 0;
  uint64_t second = 0;
  bus.subscribe([&](const Event&) { bus.unsubscribe(second); });
  second = bus.subscribe([&](const Event&) { ++second_calls; });
  bus.publish("x", 1, Action::unit_read, nullptr);
  EXPECT_EQ(second_calls, 0);
}

TEST(Bus, UnsubscribeWaitsForADeliveryInProgressOnAnotherThread) {
  core::FakeClock clock;
  Bus bus(clock);
  std::atomic<bool> inside{false}, release{false}, finished{false};
  auto id = bus.subscribe([&](const Event&) {
    inside = true;
    while (!release) std::this_thread::yield();
    finished = true;
  });
  std::thread publisher([&] { bus.publish("x", 1, Action::unit_read, nullptr); });
  while (!inside) std::this_thread::yield();
  std::thread remover([&] {
    bus.unsubscribe(id);
    EXPECT_TRUE(finished.load()) << "unsubscribe returned while the subscriber was still running";
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  release = true;
  publisher.join();
  remover.join();
}

TEST(Bus, AThrowingSubscriberDoesNotStopTheOthers) {
  core::FakeClock clock;
  Bus bus(clock);
  int calls = 0;
  bus.subscribe([](const Event&) { throw std::runtime_error("bug"); });
  bus.subscribe([&](const Event&) { ++calls; });
  bus.publish("x", 1, Action::unit_read, nullptr);
  EXPECT_EQ(calls, 1);
}

TEST(Bus, SinceReturnsTheEventsAfterASeqForCatchUp) {
  core::FakeClock clock;
  Bus bus(clock, 100);
  for (int i = 1; i <= 5; ++i) bus.publish(fmt::format("t{}", i), i, Action::unit_read, {{"i", i}});
  auto after2 = bus.since(2);
  ASSERT_TRUE(after2);
  ASSERT_EQ(after2->size(), 3u);
  EXPECT_EQ((*after2)[0].seq, 3);
  EXPECT_EQ((*after2)[0].topic, "t3");
  EXPECT_EQ((*after2)[2].seq, 5);
  EXPECT_EQ((*after2)[2].payload["i"], 5);
  auto all = bus.since(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 5u);
  auto none = bus.since(5);  // up to date
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(Bus, SinceIsNulloptWhenTheSeqIsTooOldOrFromAnotherProcess) {
  core::FakeClock clock;
  Bus bus(clock, 3, 100);
  EXPECT_TRUE(bus.since(100));  // nothing published yet, nothing missed
  EXPECT_FALSE(bus.since(99));  // issued before this bus started (an earlier process)
  for (int i = 0; i < 10; ++i) bus.publish("x", 1, Action::unit_read, nullptr);  // seqs 101..110
  auto kept = bus.since(107);  // the ring holds 108, 109, 110
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ(kept->front().seq, 108);
  EXPECT_FALSE(bus.since(106)) << "107 is gone from the ring; replaying from 108 would hide it";
  EXPECT_FALSE(bus.since(101));
  EXPECT_FALSE(bus.since(111)) << "a seq never issued here means the client saw another process";
}

TEST(Bus, TheRingKeepsTheLastTenThousandByDefault) {
  core::FakeClock clock;
  Bus bus(clock);
  for (int i = 0; i < 10'005; ++i) bus.publish("x", 1, Action::unit_read, nullptr);
  EXPECT_FALSE(bus.since(4));
  auto kept = bus.since(5);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->size(), 10'000u);
  EXPECT_EQ(kept->back().seq, 10'005);
}

}  // namespace
}  // namespace watchfloor::events
