#pragma once
// The words of the organisation: unit kinds, designation kinds and roles, with their Vietnamese
// and English names. The console shows these (web/src/i18n.ts has the same words, and vocabulary.test.ts
// checks it); validation accepts only these ids.
#include <string_view>
#include <vector>

namespace watchfloor::org {

struct Term {
  std::string_view id, name_vi, name_en;
};

const std::vector<Term>& unit_kinds();
const std::vector<Term>& designation_kinds();
const std::vector<Term>& role_terms();
bool is_term(const std::vector<Term>& terms, std::string_view id);

}  // namespace watchfloor::org
