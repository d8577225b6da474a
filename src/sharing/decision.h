#pragma once
// Who decides a data request (Art. 16.3 of the regulation issued with Decision 888/QĐ-TCHQ): "căn cứ quy mô,
// tính chất công việc để trao đổi, phối hợp trên cơ sở quan hệ phối hợp công tác giữa các Vụ, Cục, đơn vị nghiệp
// vụ hoặc theo sự chỉ đạo lãnh đạo Tổng cục Hải quan." As one pure function over the organisation, the register
// of working relationships and the configured scale, as case routing is (supervision/routing.h):
//   - inside a relationship in force that covers it, and of ordinary scale: the leadership of the unit that
//     operates the data decides (a provincial department for its own cameras; the system operator for the sector);
//   - outside every relationship, or beyond the scale (too many cameras, too long a range or access, live view or
//     download by an agency outside customs): headquarters leadership decides, and the request reaches it through
//     the focal point, as a case does under Art. 16.4(c).
// The answer names its basis and every reason, in Vietnamese and English.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "supervision/routing.h"

namespace watchfloor::sharing {

inline constexpr const char* kDataTypes[] = {"live", "recordings", "snapshots", "case_data"};
inline constexpr const char* kModes[] = {"view", "download"};
inline constexpr const char* kBasisKinds[] = {"regulation", "agreement", "direction"};

// Whether `v` is one of the values of such a list.
template <size_t N>
bool one_of(const std::string& v, const char* const (&set)[N]) {
  return std::any_of(std::begin(set), std::end(set), [&](const char* x) { return v == x; });
}

// Quan hệ phối hợp công tác: `unit_id` operates the data, `partner_unit_id` receives it.
struct Relationship {
  int64_t id = 0, unit_id = 0, partner_unit_id = 0;
  std::string basis_kind, basis_number, basis_date, basis_title;  // basis_date YYYY-MM-DD
  std::vector<std::string> data_types;
  std::vector<int64_t> unit_ids;  // the units whose cameras it covers (their subtrees); empty: unit_id's
  bool download = false;
  std::string valid_from;                // YYYY-MM-DD
  std::optional<std::string> valid_to;   // inclusive
  std::string note;
  std::optional<int64_t> ended_at, ended_by;
  std::optional<std::string> end_reason;
  int64_t created_at = 0, created_by = 0, updated_at = 0;

  // In force on `today` (YYYY-MM-DD in the operating unit's zone): begun, not past its end, not ended.
  bool in_force(const std::string& today) const;
  // "Quy chế phối hợp số 12/QCPH-TCHQ-BĐBP ngày 01/03/2024" / "Coordination regulation No. … of 2024-03-01"
  std::string basis_vi() const;
  std::string basis_en() const;
};

// The scale a relationship covers without headquarters ([sharing] in the configuration).
struct Limits {
  int64_t max_cameras = 4;
  int64_t max_range_hours = 24;  // length of the recordings asked for
  int64_t max_access_days = 30;  // how long the access lasts
};

// What the rule looks at in a request.
struct Ask {
  int64_t requester_unit = 0;
  std::vector<int64_t> camera_units;  // the unit of each camera asked for
  std::vector<std::string> data_types;
  std::string mode;                   // view | download
  std::optional<int64_t> range_ms;    // length of the recordings asked for
  int64_t access_days = 0;
  std::optional<int64_t> case_unit;   // case data: the unit of the case asked for (its record is that unit's data)
};

struct Reason {
  std::string code, vi, en;
};

struct SharingRoute {
  std::string route;  // "operating_unit" | "hq_leadership"
  int64_t operating_unit_id = 0;
  int64_t decider_unit_id = 0;          // the unit whose leadership decides
  std::optional<int64_t> focal_unit_id; // hq_leadership: the focal point it goes through (if designated)
  std::optional<int64_t> relationship_id;
  std::string basis_vi, basis_en, explanation_vi, explanation_en;
  std::vector<Reason> reasons;          // hq_leadership: each point beyond a relationship or the scale
};

// The unit that operates a camera's data: the nearest unit at or above it below the top that has its own online
// supervision section and leadership (Cục Hải quan tỉnh, Chi cục Hải quan khu vực); else the system operator.
int64_t operating_unit(const supervision::Directory& dir, int64_t camera_unit);

SharingRoute route_request(const Ask& ask, const std::vector<Relationship>& relationships, const Limits& limits,
                           const supervision::Directory& dir, const std::string& today);

}  // namespace watchfloor::sharing
