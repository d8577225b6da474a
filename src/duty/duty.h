#pragma once
// The duty watch (trực ban) over the store: rosters and their lifecycle, shifts, the duty log,
// focus items, orders and handover. Rules live in schedule.h (pure); this file keeps the records.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/clock.h"
#include "duty/schedule.h"
#include "events/bus.h"
#include "org/units.h"
#include "org/users.h"
#include "store/db.h"
#include "store/work.h"

namespace watchfloor::duty {

struct Amendment {
  int64_t at = 0, by = 0;
  std::string reason;
  nlohmann::json change;
};

// Lifecycle: draft (Office) -> submitted -> approved (unit leadership) -> published.
// A change after publication is an amendment with a reason.
struct Roster {
  int64_t id = 0, unit_id = 0;
  std::string period_from, period_to, status = "draft";
  Rotation rotation;
  std::vector<Override> overrides;
  std::vector<Swap> swaps;
  std::optional<std::string> composition_exception;
  std::optional<int64_t> created_by, submitted_by, approved_by, published_by;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> submitted_at, approved_at, published_at;
  std::vector<Amendment> amendments;
};

struct RosterInput {
  std::optional<int64_t> unit_id;
  std::optional<std::string> period_from, period_to;
  std::optional<Rotation> rotation;
  std::optional<std::vector<Override>> overrides;
  std::optional<std::vector<Swap>> swaps;
  std::optional<std::string> reason;  // required for a change after publication
};

struct ShiftMember {
  int64_t user_id = 0;
  std::string position;
  std::optional<int64_t> checked_in_at;
  bool acting_leader = false;  // quyền lãnh đạo ca trực (see Member)
};

struct Shift {
  int64_t id = 0, unit_id = 0, roster_id = 0;
  std::string date;
  int64_t starts_at = 0, ends_at = 0;
  std::vector<ShiftMember> members;
  std::optional<int64_t> handover_accepted_at;
  // planned -> on_duty -> handover_pending (after the end, until the next leader accepts) -> closed
  std::string status(int64_t now) const;
  std::optional<std::string> position_of(int64_t user_id) const;
  const ShiftMember* member(int64_t user_id) const;
};

inline constexpr const char* kLogKinds[] = {"information_received", "instruction_given", "action_taken",
                                            "equipment_status", "system_outage", "other"};
inline constexpr const char* kFocusSources[] = {"leadership_direction", "situation", "channel_direction"};
// What a shift leader directs (chỉ đạo của lãnh đạo ca trực).
inline constexpr const char* kOrderKinds[] = {"inspection", "stop_goods", "handle_violation"};
// Art. 7: a chỉ đạo to stop goods or a means of transport from leaving the supervision area, which only
// the shift leader (or the deputy the roster names acting leader) gives; see auth::Action::shift_stop_order.
bool stops_goods_or_transport(const std::string& order_kind);
inline constexpr const char* kTargetTypes[] = {"declaration", "container", "vehicle", "passenger"};

struct LogEntry {
  int64_t id = 0, shift_id = 0, at = 0, author_id = 0;
  std::string kind, text;
  nlohmann::json links = nlohmann::json::object();  // {"case_id", "camera_id", "unit_id"}
  std::optional<int64_t> corrects_id;
};

struct FocusItem {
  int64_t id = 0, shift_id = 0, set_by = 0, at = 0;
  std::string text, source;
};

struct Order {
  int64_t id = 0, shift_id = 0, issued_by = 0, issued_at = 0;
  std::string kind, target_type, target_ref, instructions;
  std::optional<int64_t> receiving_unit_id;
  std::optional<std::string> outcome;
  std::optional<int64_t> outcome_by, outcome_at;
};

// How the incoming shift's leader takes each open item over (Art. 15.2): "accepted" (tiếp nhận) when the
// incoming shift carries it on, "noted" (ghi nhận) when it has read it and it is carried on elsewhere (a
// key-point case the leadership handles, a coordination request awaiting the other unit's answer).
inline constexpr const char* kItemDecisions[] = {"accepted", "noted"};

struct Handover {
  int64_t shift_id = 0, prepared_by = 0, prepared_at = 0;
  std::string summary, notes;
  // Each {type, id, kind, number, target, ...}; once the incoming leader has decided on it, also
  // "acceptance": {decision, note, by, at}.
  nlohmann::json open_items = nlohmann::json::array();
  std::optional<int64_t> accepted_by, accepted_at;
  std::optional<std::string> remarks;
};

// Each change is one unit of work (store/work.h) that writes its own audit entry and publishes its
// event ("shift.updated", "duty_log.created") once it has committed.
class Duty {
 public:
  Duty(store::Db& db, const core::Clock& clock, org::Units& units, org::Users& users, audit::AuditLog& audit,
       events::Bus& bus)
      : db_(db), clock_(clock), units_(units), users_(users), audit_(audit), bus_(bus) {}

  // The unit's shift template (mẫu ca trực): stored per unit, else the default.
  ShiftTemplate template_for(int64_t unit_id);
  // Applies to shifts published from now on; shifts already published keep their times.
  ShiftTemplate set_template(int64_t unit_id, const ShiftTemplate& t, const audit::Actor& by);
  std::string time_zone_of(int64_t unit_id);

  std::vector<Roster> rosters(std::optional<int64_t> unit_id);
  std::optional<Roster> roster(int64_t id);
  Roster create_roster(const RosterInput& in, const audit::Actor& by);
  // `change` is what the caller asked for, as it goes into the audit entry.
  Roster update_roster(int64_t id, const RosterInput& in, const audit::Actor& by,
                       const nlohmann::json& change = nlohmann::json::object());
  Roster submit(int64_t id, const audit::Actor& by);
  // Refuses (409, listing the gaps) when the composition is not met, unless `exception` says why.
  Roster approve(int64_t id, const audit::Actor& by, const std::optional<std::string>& exception);
  Roster publish(int64_t id, const audit::Actor& by);
  std::vector<PlannedShift> plan(const Roster& r);
  std::vector<CompositionGap> composition_gaps(const Roster& r);

  std::vector<Shift> shifts(int64_t unit_id, int64_t from, int64_t to);
  std::optional<Shift> shift(int64_t id);
  std::optional<Shift> shift_at(int64_t unit_id, int64_t at);
  // Every unit's shift at `at` (shift_at of each unit that has one), in two queries whatever their number.
  std::vector<Shift> shifts_at(int64_t at);
  std::optional<Shift> next_shift(int64_t unit_id, int64_t after);
  // The unit whose duty watch the user serves in ("my duty watch"), which is often not the user's own
  // unit (a shift leader of Lãnh đạo Cục serves in the Cục's watch): the unit of the user's shift at
  // `at`; else of their nearest shift within a week before or after; else the nearest unit at or
  // above `user_unit` that keeps a duty watch (designation duty_watch); else `user_unit`.
  int64_t duty_watch_of(int64_t user_id, int64_t user_unit, int64_t at);
  void check_in(int64_t shift_id, const audit::Actor& by);
  // The shift report was printed (a sensitive read, audited).
  void report_printed(const Shift& shift, const audit::Actor& by);

  std::vector<LogEntry> log(int64_t shift_id);
  // Only while the shift is on duty or handing over (409 otherwise).
  LogEntry add_log(int64_t shift_id, const audit::Actor& author, const std::string& kind, const std::string& text,
                   const nlohmann::json& links, std::optional<int64_t> corrects_id);
  std::vector<FocusItem> focus(int64_t shift_id);
  FocusItem add_focus(int64_t shift_id, const audit::Actor& by, const std::string& text, const std::string& source);
  std::vector<Order> orders(int64_t shift_id);
  // Only while the shift is on duty or handing over (409 otherwise).
  Order add_order(int64_t shift_id, const audit::Actor& by, const Order& o);
  Order report_outcome(int64_t shift_id, int64_t order_id, const audit::Actor& by, const std::string& outcome);

  std::optional<Handover> handover(int64_t shift_id);
  // Collects the open items (orders without outcome, outages in the log, the items of the sources below,
  // orders still open from the handover before) automatically; 409 before the shift has started. Prepared again, it keeps the decisions
  // already taken on the items that are still there.
  Handover prepare_handover(int64_t shift_id, const audit::Actor& by, const std::string& summary, const std::string& notes);
  // The incoming leader accepts or notes one open item (identified by its type and id); may be changed
  // until the handover is accepted.
  Handover decide_item(int64_t shift_id, const audit::Actor& by, const std::string& type, int64_t item_id,
                       const std::string& decision, const std::string& note);
  // Refuses (409, naming them) while an open item is neither accepted nor noted.
  Handover accept_handover(int64_t shift_id, const audit::Actor& by, const std::optional<std::string>& remarks);

  std::vector<CoverageGap> coverage(int64_t unit_id, int64_t from, int64_t to);

  // Modules above the duty watch hand over their own open items (the cases module: open cases and
  // unanswered coordination requests that concern the unit's duty watch). Each returns JSON items
  // {type, id, kind, number, target, ...}; type and id identify an item within a handover.
  using OpenItemsSource = std::function<nlohmann::json(int64_t unit_id)>;
  void add_open_items_source(OpenItemsSource source) { open_item_sources_.push_back(std::move(source)); }

 private:
  // The shifts of `rows` (kShiftSelect's columns), each with its members.
  std::vector<Shift> with_members(const std::vector<store::Row>& rows);
  // The roster, which must be in `status` for `step`: else 404 or 409.
  Roster roster_in(int64_t id, const char* status, const char* step);
  void materialise(const Roster& r, bool only_future);
  // The shift, whose duty log and orders must be open for writing: else 404 or 409.
  Shift writable_shift(int64_t shift_id);
  // "shift.updated" for the shift's unit, once the unit of work commits.
  void shift_updated(store::Work& w, int64_t unit_id, nlohmann::json payload);
  store::Db& db_;
  const core::Clock& clock_;
  org::Units& units_;
  org::Users& users_;
  audit::AuditLog& audit_;
  events::Bus& bus_;
  std::vector<OpenItemsSource> open_item_sources_;
};

// JSON forms used by the API and by storage.
nlohmann::json to_json(const Rotation& r);
nlohmann::json to_json(const Roster& r);
nlohmann::json to_json(const Shift& s, int64_t now);
nlohmann::json to_json(const LogEntry& e);
nlohmann::json to_json(const FocusItem& f);
nlohmann::json to_json(const Order& o);
nlohmann::json to_json(const Handover& h);
nlohmann::json to_json(const ShiftTemplate& t);
// Parse with field-named validation errors (core::Problem) under `field`.
Rotation rotation_from_json(const nlohmann::json& j, const std::string& field);
std::vector<Override> overrides_from_json(const nlohmann::json& j, const std::string& field);
std::vector<Swap> swaps_from_json(const nlohmann::json& j, const std::string& field);
ShiftTemplate template_from_json(const nlohmann::json& j);

}  // namespace watchfloor::duty
