#pragma once
// A case's lifecycle (vòng đời vụ việc) as one table: for each status and each step, the status after it,
// or why the step is refused in that status. Pure; Cases asks it before every change of a case. Who may
// take a step (the author, whoever the case was routed to, its approver) is the permission policy's
// (auth/policy.cpp, with the caller's relation to the case), so that rule lives in one place.
//
//   draft ──report──▶ reported ──acknowledge──▶ acknowledged ──start_handling──▶ in_handling
//                        │ ▲                        │  (lapse: back to reported)      │
//                        └─┼──── start_handling ────┘                                │
//                          │        request_coordination ─▶ coordination_requested ◀─┘
//   in_handling / acknowledged / coordination_requested ──conclude──▶ concluded ──close──▶ closed
//   concluded / closed ──reopen──▶ in_handling
#include <optional>
#include <string>

namespace watchfloor::supervision {

inline constexpr const char* kCaseStatuses[] = {"draft",      "reported",  "acknowledged", "in_handling", "coordination_requested",
                                                "concluded",  "closed"};

enum class CaseStep {
  edit,                   // the author changes the draft
  report,                 // Art. 16.4: routed and sent
  acknowledge,            // tiếp nhận
  start_handling,         // xử lý (acknowledges too, when not yet)
  propose,                // Art. 15.1(d): a handling plan, its decision, its execution
  decide,
  execute,
  request_coordination,   // Appendix V
  conclude,               // kết luận, with an outcome
  close,                  // đóng hồ sơ
  reopen,                 // mở lại, with a reason
  lapse_acknowledgement,  // the escalation runner: acknowledged but not handled in time
};

struct Transition {
  std::optional<std::string> next;  // the status after the step, or nullopt when refused
  std::string refusal_vi, refusal_en;
};

Transition case_step(const std::string& status, CaseStep step);
// Whether the case is still being dealt with (reported and not yet concluded).
bool case_open(const std::string& status);

}  // namespace watchfloor::supervision
