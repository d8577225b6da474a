#pragma once
// Art. 16.4(c): "…báo cáo Lãnh đạo Tổng cục qua đầu mối Phòng Tổng hợp, Văn phòng Tổng cục để chỉ đạo."
// A case for headquarters leadership travels hop by hop. It waits at the focal point, which forwards it
// (a summary, and a proposal when needed) to the leaders it chooses; the leader's direction (chỉ đạo)
// comes back through the focal point to the reporting unit and the unit that carries out the work.
// Each hop the focal point owes has a deadline set by the case's severity: when it lapses the case goes
// to the focal point's leadership, and after that straight to the leaders, the reason recorded.
// Pure: the stages, who may move them, and what the clock does; Cases keeps the records.
#include <cstdint>
#include <optional>
#include <string>

namespace watchfloor::supervision {

inline constexpr const char* kRelayStages[] = {
    "at_focal_point",       // reported: waiting for the focal point to forward it
    "at_focal_leadership",  // the focal point's deadline lapsed: its leadership is asked to forward it
    "forwarded",            // with the leaders the focal point chose
    "sent_to_leaders",      // not forwarded in time: sent to every leader directly, the reason recorded
    "directed",             // a leader gave a direction: waiting for the focal point to pass it on
    "direction_relayed",    // the focal point passed it to the reporting and the carrying-out units
    "direction_sent",       // not passed on in time: sent to them directly, the reason recorded
};

// What someone is in the relay: the case's recipient roles "focal_point", "focal_leadership",
// "hq_leadership".
enum class RelayAction { forward, direct, relay_direction };

struct RelayStep {
  std::optional<std::string> next;  // the stage after the action, or nullopt when refused
  bool wrong_person = false;        // refused because of who asks (403), not because of the stage (409)
  std::string refusal_vi, refusal_en;
};

// The stage after `action` by a person who is `who` in the case's relay.
RelayStep relay_step(const std::string& stage, RelayAction action, const std::string& who);

// The stage the clock moves a relay to when the hop's deadline has passed at `now`, or nullopt.
std::optional<std::string> relay_lapse(const std::string& stage, std::optional<int64_t> due_at, int64_t now);

// True while the focal point owes the next hop (a deadline runs).
bool relay_awaits_focal_point(const std::string& stage);

const char* relay_stage_vi(const std::string& stage);
const char* relay_stage_en(const std::string& stage);

}  // namespace watchfloor::supervision
