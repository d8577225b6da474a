#include "supervision/relay.h"

#include <algorithm>
#include <iterator>

namespace watchfloor::supervision {
namespace {

struct Transition {
  const char* from;
  RelayAction action;
  bool by_focal_point;  // the focal point (or its leadership); otherwise a leader it was sent to
  const char* to;
};

constexpr Transition kTransitions[] = {
    {"at_focal_point", RelayAction::forward, true, "forwarded"},
    {"at_focal_leadership", RelayAction::forward, true, "forwarded"},
    {"forwarded", RelayAction::direct, false, "directed"},
    {"sent_to_leaders", RelayAction::direct, false, "directed"},
    {"directed", RelayAction::relay_direction, true, "direction_relayed"},
};

struct Lapse {
  const char* from;
  const char* to;
};

constexpr Lapse kLapses[] = {
    {"at_focal_point", "at_focal_leadership"},
    {"at_focal_leadership", "sent_to_leaders"},
    {"directed", "direction_sent"},
};

struct StageName {
  const char* stage;
  const char* vi;
  const char* en;
};

constexpr StageName kNames[] = {
    {"at_focal_point", "Chờ đầu mối chuyển Lãnh đạo", "Waiting for the focal point to forward it"},
    {"at_focal_leadership", "Chờ lãnh đạo đơn vị đầu mối chuyển (quá hạn)", "Waiting for the focal point's leadership (overdue)"},
    {"forwarded", "Đã chuyển Lãnh đạo, chờ chỉ đạo", "Forwarded to the leadership, waiting for direction"},
    {"sent_to_leaders", "Đã gửi thẳng Lãnh đạo (đầu mối quá hạn), chờ chỉ đạo",
     "Sent straight to the leadership (focal point overdue), waiting for direction"},
    {"directed", "Có chỉ đạo, chờ đầu mối chuyển đơn vị", "Directed, waiting for the focal point to pass it on"},
    {"direction_relayed", "Đầu mối đã chuyển chỉ đạo đến đơn vị", "The focal point passed the direction on"},
    {"direction_sent", "Đã gửi thẳng chỉ đạo đến đơn vị (đầu mối quá hạn)", "Direction sent straight to the units (focal point overdue)"},
};

bool is_focal(const std::string& who) { return who == "focal_point" || who == "focal_leadership"; }

}  // namespace

RelayStep relay_step(const std::string& stage, RelayAction action, const std::string& who) {
  bool focal_action = action != RelayAction::direct;
  if (focal_action ? !is_focal(who) : who != "hq_leadership") {
    if (action == RelayAction::direct)
      return {std::nullopt, true, "Chỉ Lãnh đạo được đầu mối chuyển báo cáo mới cho ý kiến chỉ đạo (Điều 16 khoản 4 điểm c)",
              "Only a leader the focal point forwarded the case to gives the direction (Art. 16(4)(c))"};
    return {std::nullopt, true,
            "Chỉ đầu mối (Phòng Tổng hợp - Văn phòng) hoặc lãnh đạo đơn vị đầu mối chuyển báo cáo, chỉ đạo (Điều 16 khoản 4 điểm c)",
            "Only the focal point (General Affairs Division of the Office) or its leadership relays the report and the direction "
            "(Art. 16(4)(c))"};
  }
  for (const auto& t : kTransitions)
    if (stage == t.from && action == t.action && focal_action == t.by_focal_point) return {t.to, false, {}, {}};
  return {std::nullopt, false, std::string("Không thực hiện được bước này khi vụ việc đang ở bước: ") + relay_stage_vi(stage),
          std::string("This step is not possible at this stage: ") + relay_stage_en(stage)};
}

std::optional<std::string> relay_lapse(const std::string& stage, std::optional<int64_t> due_at, int64_t now) {
  if (!due_at || now < *due_at) return std::nullopt;
  for (const auto& l : kLapses)
    if (stage == l.from) return l.to;
  return std::nullopt;
}

bool relay_awaits_focal_point(const std::string& stage) {
  return std::any_of(std::begin(kLapses), std::end(kLapses), [&](const Lapse& l) { return stage == l.from; });
}

const char* relay_stage_vi(const std::string& stage) {
  for (const auto& n : kNames)
    if (stage == n.stage) return n.vi;
  return "";
}

const char* relay_stage_en(const std::string& stage) {
  for (const auto& n : kNames)
    if (stage == n.stage) return n.en;
  return "";
}

}  // namespace watchfloor::supervision
