#pragma once
// The words that name headquarters and its parts in the installed organisation. The regulation of
// 2017 says "Tổng cục Hải quan", "Lãnh đạo Tổng cục", "Cục Hải quan tỉnh, thành phố"; from 2025 the same
// places are "Cục Hải quan" (under the Ministry of Finance), "Lãnh đạo Cục", "Chi cục Hải quan khu vực".
// Labels, routing explanations and documents take them from here, never write either set in.
// Pure: derived from a snapshot of the unit tree, no database.
#include <string>
#include <vector>

#include "org/units.h"
#include "org/vocabulary.h"

namespace watchfloor::org {

struct HqWords {
  std::string name_vi, name_en;              // the root unit: "Tổng cục Hải quan" / "Cục Hải quan"
  std::string short_vi, short_en;            // "Tổng cục" / "General Department"; "Cục" / "Customs Department"
  std::string leadership_vi, leadership_en;  // "Lãnh đạo Tổng cục" / "General Department leadership"
  // The focal point that relays to the leadership (Art. 16.4c), with the unit it belongs to:
  // "Phòng Tổng hợp, Văn phòng Tổng cục"; empty when none is designated.
  std::string focal_point_vi, focal_point_en;
  // The provincial level (Art. 16.2.2): "provincial_department" "Cục Hải quan tỉnh, thành phố" (2017),
  // "regional_branch" "Chi cục Hải quan khu vực" (2025).
  std::string province_kind, province_vi, province_en;
};

// The root unit inside customs picks the words by its kind (headquarters: 2017, customs_department:
// 2025); its name and its leadership_focal_point designation fill in the rest. An empty tree, or a root
// of another kind, gets the regulation's own (2017) words.
HqWords hq_words(const std::vector<Unit>& units);

struct NamedTerm {
  std::string id, name_vi, name_en;
};

// `terms` as the installation names them: the hq_leader role and the leadership_focal_point designation
// name the leadership of its headquarters; every other term is as in vocabulary.h.
std::vector<NamedTerm> with_hq_words(const std::vector<Term>& terms, const HqWords& words);

}  // namespace watchfloor::org
