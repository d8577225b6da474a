// Saved views of the video wall: what a valid view is (layout, tiles, tour, default) and one default
// per unit in the store.
#include "video/wall_views.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/random.h"
#include "org/preset.h"
#include "org/units.h"
#include "test_util.h"
#include "test_store.h"

namespace watchfloor::video {
namespace {

namespace fs = std::filesystem;

const audit::Actor kBy = audit::Actor::system("test");  // who acts is not what these tests are about

WallView view(std::string layout, Tiles tiles) {
  WallView v;
  v.name = "Cổng cảng Đình Vũ";
  v.layout = std::move(layout);
  v.tiles = std::move(tiles);
  return v;
}

const auto known = [](int64_t id) { return id < 100; };

std::vector<std::string> fields(const std::vector<core::FieldError>& e) {
  std::vector<std::string> out;
  for (const auto& x : e) out.push_back(x.field);
  return out;
}

TEST(WallViews, LayoutsHaveTheirTileCounts) {
  EXPECT_EQ(layout_tiles("1"), 1);
  EXPECT_EQ(layout_tiles("25"), 25);
  EXPECT_EQ(layout_tiles("1+5"), 6);
  EXPECT_EQ(layout_tiles("1+7"), 8);
  EXPECT_EQ(layout_tiles("6"), 0);
}

TEST(WallViews, AValidViewPassesAndEachFaultNamesItsField) {
  EXPECT_TRUE(check_view(view("4", {1, std::nullopt, 3}), known).empty());
  EXPECT_EQ(fields(check_view(view("4", {1, 2, 3, 4, 5}), known)), std::vector<std::string>{"tiles"}) << "more cameras than tiles";
  EXPECT_EQ(fields(check_view(view("4", {1, 200}), known)), std::vector<std::string>{"tiles[1]"}) << "a camera the caller cannot name";
  EXPECT_EQ(fields(check_view(view("4", {1, 1}), known)), std::vector<std::string>{"tiles[1]"}) << "one camera on two tiles";
  EXPECT_EQ(fields(check_view(view("6", {}), known)), std::vector<std::string>{"layout"});
  auto blank = view("1", {});
  blank.name = "   ";
  EXPECT_EQ(fields(check_view(blank, known)), std::vector<std::string>{"name"});
  auto errs = check_view(view("6", {}), known);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_FALSE(errs[0].message_vi.empty());
  EXPECT_FALSE(errs[0].message_en.empty());
}

TEST(WallViews, OnlyASharedViewIsTheUnitsDefault) {
  auto v = view("4", {});
  v.is_default = true;
  EXPECT_EQ(fields(check_view(v, known)), std::vector<std::string>{"is_default"});
  v.shared = true;
  EXPECT_TRUE(check_view(v, known).empty());
}

TEST(WallViews, ATourDwellsAtLeastFiveSecondsOnSetsThatFitTheLayout) {
  auto v = view("4", {});
  v.tour = WallTour{4, {{1, 2}, {3}}};
  EXPECT_EQ(fields(check_view(v, known)), std::vector<std::string>{"tour.dwell_seconds"});
  v.tour = WallTour{5, {}};
  EXPECT_EQ(fields(check_view(v, known)), std::vector<std::string>{"tour.sets"});
  v.tour = WallTour{5, {{1, 2}, {3, 4, 5, 6, 7}, {500}}};
  EXPECT_EQ(fields(check_view(v, known)), (std::vector<std::string>{"tour.sets[1]", "tour.sets[2][0]"}));
  v.tour = WallTour{30, {{1, 2}, {3}}};
  EXPECT_TRUE(check_view(v, known).empty());
}

TEST(WallViews, APatchChangesOnlyWhatItNamesAndDropsTrailingEmptyTiles) {
  auto base = view("9", {1, 2});
  base.shared = true;
  WallViewInput in;
  in.tiles = Tiles{1, std::nullopt, 3, std::nullopt, std::nullopt};
  auto v = apply_input(base, in);
  EXPECT_EQ(v.layout, "9");
  EXPECT_TRUE(v.shared);
  EXPECT_EQ(v.tiles, (Tiles{1, std::nullopt, 3}));
  in = {};
  in.tour = std::optional<WallTour>();
  base.tour = WallTour{10, {{1}}};
  EXPECT_FALSE(apply_input(base, in).tour.has_value()) << "tour: null removes it";
}

struct Store {
  Store() {
    dir = fs::path(::testing::TempDir()) / ("wf-wall-" + core::random_token(6));
    db = test::open_store(dir / "watchfloor.db");
    audit_log = std::make_unique<audit::AuditLog>(*db, clock);
    units = std::make_unique<org::Units>(*db, clock, *audit_log, org_bus);
    org::import_org(*units, read_preset("org-2017.json"), "test", kBy);
    unit = units->by_code("HP")->id;
    db->exec("INSERT INTO users(username, full_name, unit_id, password_hash, created_at) VALUES ('a', 'A', ?, 'x', 0)", {unit});
    owner = db->last_insert_id();
  }
  ~Store() {
    units.reset();
    db.reset();
    fs::remove_all(dir);
  }
  fs::path dir;
  core::FakeClock clock;
  std::unique_ptr<store::Db> db;
  std::unique_ptr<audit::AuditLog> audit_log;
  events::Bus org_bus{clock};  // what the organisation publishes
  std::unique_ptr<org::Units> units;
  int64_t unit = 0, owner = 0;
};

TEST(WallViews, StoredAndReadBackWithItsTour) {
  Store s;
  WallViews views(*s.db, s.clock, *s.audit_log);
  auto v = view("1+5", {7, std::nullopt, 9});
  v.owner_id = s.owner;
  v.unit_id = s.unit;
  v.tour = WallTour{15, {{7}, {9, 7}}};
  auto created = views.create(v, kBy);
  auto back = views.get(created.id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->layout, "1+5");
  EXPECT_EQ(back->tiles, (Tiles{7, std::nullopt, 9}));
  ASSERT_TRUE(back->tour);
  EXPECT_EQ(back->tour->dwell_seconds, 15);
  EXPECT_EQ(back->tour->sets, (std::vector<Tiles>{{7}, {9, 7}}));
  EXPECT_EQ(to_json(*back)["tiles"].dump(), "[7,null,9]");
  views.remove(created, kBy);
  EXPECT_FALSE(views.get(created.id));
}

TEST(WallViews, ANewDefaultTakesTheUnitsDefaultFromTheOldOne) {
  Store s;
  WallViews views(*s.db, s.clock, *s.audit_log);
  auto v = view("4", {});
  v.owner_id = s.owner;
  v.unit_id = s.unit;
  v.shared = v.is_default = true;
  auto first = views.create(v, kBy);
  auto second = views.create(v, kBy);
  EXPECT_FALSE(views.get(first.id)->is_default);
  EXPECT_TRUE(views.get(second.id)->is_default);
  auto before = *views.get(first.id);
  auto again = before;
  again.is_default = true;
  views.update(before, again, kBy);
  EXPECT_TRUE(views.get(first.id)->is_default);
  EXPECT_FALSE(views.get(second.id)->is_default);
}

}  // namespace
}  // namespace watchfloor::video
