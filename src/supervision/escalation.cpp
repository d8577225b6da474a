#include "supervision/escalation.h"

#include <algorithm>

#include "core/json_body.h"

namespace watchfloor::supervision {
namespace {

constexpr int64_t kMinute = 60'000;

template <size_t N>
bool one_of(const std::string& v, const char* const (&set)[N]) {
  return std::any_of(std::begin(set), std::end(set), [&](const char* x) { return v == x; });
}

}  // namespace

bool condition_holds(const std::string& condition, const std::string& status) {
  if (condition == "not_acknowledged") return status == "reported";
  if (condition == "not_closed") return status != "concluded" && status != "closed" && status != "draft";
  return false;
}

namespace {

// When step `i` next falls due, or nullopt when it never will again (repeated enough, or its condition ended).
std::optional<int64_t> step_due_at(const EscalationPolicy& p, size_t i, const EscalationState& s, const CaseClock& c) {
  const auto& step = p.steps[i];
  int fired = i < s.fired.size() ? s.fired[i] : 0;
  if (fired >= std::max(step.repeat, 1) || !condition_holds(step.condition, c.status)) return std::nullopt;
  return fired == 0 ? s.since + step.after_minutes * kMinute : s.last_at[i] + std::max(step.every_minutes, 1) * kMinute;
}

// When the acknowledgement lapses, or nullopt when it cannot.
std::optional<int64_t> ack_lapses_at(const EscalationPolicy& p, const CaseClock& c) {
  if (p.ack_timeout_minutes <= 0 || c.status != "acknowledged" || !c.acknowledged_at) return std::nullopt;
  return *c.acknowledged_at + p.ack_timeout_minutes * kMinute;
}

}  // namespace

std::vector<DueStep> due_steps(const EscalationPolicy& p, const EscalationState& s, const CaseClock& c, int64_t now) {
  std::vector<DueStep> due;
  for (size_t i = 0; i < p.steps.size(); ++i)
    if (auto at = step_due_at(p, i, s, c); at && now >= *at) due.push_back({i, (i < s.fired.size() ? s.fired[i] : 0) + 1});
  return due;
}

std::optional<int64_t> next_due(const EscalationPolicy& p, const EscalationState& s, const CaseClock& c) {
  std::optional<int64_t> out = ack_lapses_at(p, c);
  for (size_t i = 0; i < p.steps.size(); ++i)
    if (auto at = step_due_at(p, i, s, c)) out = out ? std::min(*out, *at) : *at;
  return out;
}

void mark_fired(EscalationState& s, size_t step, int64_t at) {
  if (s.fired.size() <= step) {
    s.fired.resize(step + 1, 0);
    s.last_at.resize(step + 1, 0);
  }
  ++s.fired[step];
  s.last_at[step] = at;
}

bool ack_lapsed(const EscalationPolicy& p, const CaseClock& c, int64_t now) {
  auto at = ack_lapses_at(p, c);
  return at && now >= *at;
}

int default_relay_minutes(const std::string& severity) {
  if (severity == "high") return 15;
  if (severity == "low") return 240;
  return 60;
}

std::vector<EscalationPolicy> default_policies() {
  return {
      {"high", 15, default_relay_minutes("high"),
       {{5, "not_acknowledged", "shift_leader", "handling_unit", 2, 5},
        {15, "not_acknowledged", "unit_leader", "handling_unit", 1, 0},
        {30, "not_acknowledged", "shift_leader", "duty_watch_above", 1, 0},
        {240, "not_closed", "unit_leader", "handling_unit", 1, 0}}},
      {"medium", 30, default_relay_minutes("medium"),
       {{15, "not_acknowledged", "shift_leader", "handling_unit", 2, 15},
        {60, "not_acknowledged", "unit_leader", "handling_unit", 1, 0},
        {120, "not_acknowledged", "shift_leader", "duty_watch_above", 1, 0},
        {1440, "not_closed", "unit_leader", "handling_unit", 1, 0}}},
      {"low", 60, default_relay_minutes("low"),
       {{60, "not_acknowledged", "shift_leader", "handling_unit", 1, 0},
        {240, "not_acknowledged", "unit_leader", "handling_unit", 1, 0}}},
  };
}

nlohmann::json to_json(const EscalationPolicy& p) {
  auto steps = nlohmann::json::array();
  for (const auto& s : p.steps)
    steps.push_back({{"after_minutes", s.after_minutes},
                     {"condition", s.condition},
                     {"notify_role", s.notify_role},
                     {"notify_at", s.notify_at},
                     {"repeat", s.repeat},
                     {"every_minutes", s.every_minutes}});
  return {{"severity", p.severity}, {"ack_timeout_minutes", p.ack_timeout_minutes}, {"relay_minutes", p.relay_minutes}, {"steps", steps}};
}

nlohmann::json to_json(const EscalationState& s) { return {{"since", s.since}, {"fired", s.fired}, {"last_at", s.last_at}}; }

EscalationState state_from_json(const nlohmann::json& j) {
  EscalationState s;
  if (!j.is_object()) return s;
  s.since = j.value("since", int64_t{0});
  s.fired = j.value("fired", std::vector<int>{});
  s.last_at = j.value("last_at", std::vector<int64_t>{});
  s.last_at.resize(s.fired.size(), 0);
  return s;
}

EscalationPolicy policy_from_json(const nlohmann::json& j, const std::string& severity) {
  core::JsonBody b(j, {"ack_timeout_minutes", "relay_minutes", "steps"});
  EscalationPolicy p;
  p.severity = severity;
  auto bounded = [&](core::JsonBody& body, std::string_view f, int lo, int hi, int fallback, core::Need need) {
    auto v = body.integer(f, need);
    if (v && (*v < lo || *v > hi))
      body.error(body.path(f), "Giá trị ngoài khoảng " + std::to_string(lo) + "–" + std::to_string(hi),
                 "Out of range " + std::to_string(lo) + "–" + std::to_string(hi));
    return v ? static_cast<int>(*v) : fallback;
  };
  p.ack_timeout_minutes = bounded(b, "ack_timeout_minutes", 0, 10'080, 0, core::Need::required);
  p.relay_minutes = bounded(b, "relay_minutes", 1, 10'080, default_relay_minutes(severity), core::Need::optional);
  const auto* steps = b.raw("steps");
  if (!steps || !steps->is_array() || steps->empty() || steps->size() > 20) {
    b.error("steps", "Cần từ 1 đến 20 bước", "Between 1 and 20 steps are needed");
  } else {
    for (size_t i = 0; i < steps->size(); ++i) {
      core::JsonBody sb((*steps)[i], {"after_minutes", "condition", "notify_role", "notify_at", "repeat", "every_minutes"},
                        "steps[" + std::to_string(i) + "]");
      EscalationStep st;
      st.after_minutes = bounded(sb, "after_minutes", 0, 43'200, 0, core::Need::required);
      st.condition = sb.string("condition", core::Need::required).value_or("");
      st.notify_role = sb.string("notify_role", core::Need::required).value_or("");
      st.notify_at = sb.string("notify_at", core::Need::required).value_or("");
      st.repeat = bounded(sb, "repeat", 1, 20, 1, core::Need::optional);
      st.every_minutes = bounded(sb, "every_minutes", 0, 10'080, 0, core::Need::optional);
      if (!st.condition.empty() && !one_of(st.condition, kConditions))
        sb.error(sb.path("condition"), "Điều kiện không hợp lệ", "Unknown condition");
      if (!st.notify_role.empty() && !one_of(st.notify_role, kNotifyRoles))
        sb.error(sb.path("notify_role"), "Vai trò không hợp lệ", "Unknown role");
      if (!st.notify_at.empty() && !one_of(st.notify_at, kNotifyAt))
        sb.error(sb.path("notify_at"), "Đơn vị không hợp lệ", "Unknown unit reference");
      if (st.repeat > 1 && st.every_minutes < 1)
        sb.error(sb.path("every_minutes"), "Cần khoảng lặp khi lặp lại nhiều lần", "A repeat interval is needed when repeating");
      b.adopt(sb);
      p.steps.push_back(st);
    }
  }
  b.finish();
  return p;
}

}  // namespace watchfloor::supervision
