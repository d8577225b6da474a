#include "duty/issuer.h"

#include <fmt/format.h>
#include <glib.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "duty/schedule.h"

namespace watchfloor::duty {
namespace {

// Kinds that are agencies by themselves (org/vocabulary.cpp); the others are parts of one.
constexpr std::string_view kAgencyKinds[] = {"headquarters",          "customs_department", "department",
                                             "provincial_department", "regional_branch",    "branch",
                                             "border_gate_office"};

bool issues_documents(const org::Unit& u) {
  return u.designations.count("leadership") > 0 ||
         std::find(std::begin(kAgencyKinds), std::end(kAgencyKinds), u.kind) != std::end(kAgencyKinds);
}

struct GFree {
  void operator()(char* p) const { g_free(p); }
};

// Case-folded NFC, so that "Cục trưởng", "cục trưởng" and a decomposed "Cục trưởng" compare equal.
std::string folded(std::string_view s) {
  if (s.empty()) return {};
  std::unique_ptr<char, GFree> valid(g_utf8_make_valid(s.data(), static_cast<gssize>(s.size())));
  std::unique_ptr<char, GFree> nfc(g_utf8_normalize(valid.get(), -1, G_NORMALIZE_NFC));
  std::unique_ptr<char, GFree> fold(g_utf8_casefold(nfc.get(), -1));
  return fold.get();
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// "Phó Cục trưởng" -> "Cục trưởng"; nullopt when the title is not a deputy's.
std::optional<std::string> deputy_of(std::string_view title) {
  title = trim(title);
  const auto space = title.find(' ');
  if (space == std::string_view::npos || !same_words(title.substr(0, space), "Phó")) return std::nullopt;
  const auto rest = trim(title.substr(space + 1));
  if (rest.empty()) return std::nullopt;
  return std::string(rest);
}

// A title that names a position (chức vụ) rather than a rank (ngạch): a deputy's, a head's ("... trưởng",
// "Trưởng ...", "Chánh ...").
bool names_position(std::string_view title) {
  const std::string t = folded(trim(title));
  return deputy_of(title) || t.find(folded("trưởng")) != std::string::npos || t.rfind(folded("Chánh "), 0) == 0;
}

// "KT. X" / "Phó X" for a deputy of X, else the title itself.
std::vector<std::string> own_position(const std::string& title) {
  if (auto head = deputy_of(title)) return {"KT. " + *head, std::string(trim(title))};
  if (trim(title).empty()) return {};
  return {std::string(trim(title))};
}

}  // namespace

bool same_words(std::string_view a, std::string_view b) { return folded(trim(a)) == folded(trim(b)); }

std::string document_date(int64_t utc_ms, const std::string& time_zone) {
  const std::string ymd = local_date_of(utc_ms, time_zone);  // "2026-12-05"
  const int month = std::stoi(ymd.substr(5, 2));
  return fmt::format("ngày {} tháng {} năm {}", ymd.substr(8, 2), month <= 2 ? ymd.substr(5, 2) : std::to_string(month),
                     ymd.substr(0, 4));
}

std::string document_number(int64_t number, std::string_view type, std::string_view issuer_symbol) {
  return fmt::format("Số: {:02}/{}-{}", number, type, issuer_symbol);
}

Issuer issuer_of(int64_t unit_id, const std::vector<org::Unit>& units) {
  auto find = [&](std::optional<int64_t> id) -> const org::Unit* {
    if (!id) return nullptr;
    for (const auto& u : units)
      if (u.id == *id) return &u;
    return nullptr;
  };
  // The nearest unit from `u` upwards that issues documents (a guard against a cycle in bad data).
  auto agency_from = [&](const org::Unit* u) -> const org::Unit* {
    for (size_t depth = 0; u && depth <= units.size(); ++depth, u = find(u->parent_id))
      if (issues_documents(*u)) return u;
    return nullptr;
  };
  const org::Unit* start = find(unit_id);
  if (!start) throw std::invalid_argument(fmt::format("issuer_of: no unit {}", unit_id));
  const org::Unit* agency = agency_from(start);
  if (!agency) agency = start;

  Issuer out;
  out.unit = *agency;
  if (const org::Unit* parent = agency_from(find(agency->parent_id))) out.parent = *parent;
  if (auto d = agency->designations.find("leadership"); d != agency->designations.end())
    if (const org::Unit* l = find(d->second)) out.leadership = *l;
  const org::Unit* u = agency;
  for (size_t depth = 0; u && depth <= units.size() && out.place.empty(); ++depth, u = find(u->parent_id))
    out.place = std::string(trim(u->place));
  out.symbol = agency->code;
  out.head_title = head_title_of(agency->name_vi);
  return out;
}

std::string place_date(const Issuer& issuer, int64_t utc_ms) {
  const std::string date = document_date(utc_ms, issuer.unit.time_zone);
  return issuer.place.empty() ? "Ngày " + date.substr(std::string_view("ngày ").size()) : issuer.place + ", " + date;
}

std::string head_title_of(std::string_view unit_name) {
  // Longest first: "Chi cục" and "Tổng cục" before "Cục", "Văn phòng" before "Phòng".
  static const std::pair<std::string_view, std::string_view> kHeads[] = {
      {"Tổng cục", "Tổng cục trưởng"}, {"Chi cục", "Chi cục trưởng"}, {"Văn phòng", "Chánh Văn phòng"},
      {"Cục", "Cục trưởng"},           {"Vụ", "Vụ trưởng"},           {"Ban", "Trưởng ban"},
      {"Phòng", "Trưởng phòng"},       {"Đội", "Đội trưởng"},
  };
  const std::string name = folded(unit_name) + " ";
  for (const auto& [word, head] : kHeads)
    if (name.rfind(folded(word) + " ", 0) == 0) return std::string(head);
  return {};
}

Signer signer_at(const Issuer& issuer, const org::User& user, const std::vector<org::User>& people) {
  auto leads = [&](const org::User& u) {
    return std::any_of(u.roles.begin(), u.roles.end(), [&](const auth::Grant& g) {
      return (g.role == auth::Role::unit_leader || g.role == auth::Role::hq_leader) &&
             (g.unit_id == issuer.unit.id || (issuer.leadership && g.unit_id == issuer.leadership->id));
    });
  };
  Signer s{user.full_name, user.title, leads(user), false};
  if (!issuer.head_title.empty())
    s.head_is_other = std::any_of(people.begin(), people.end(), [&](const org::User& p) {
      return p.id != user.id && p.active && leads(p) && same_words(p.title, issuer.head_title);
    });
  return s;
}

std::vector<std::string> signature_lines(const std::string& head_title, const Signer& s) {
  std::string head = std::string(trim(head_title));
  if (head.empty()) head = deputy_of(s.title).value_or("");
  if (head.empty()) return own_position(s.title);
  if (same_words(s.title, head)) return {head};
  if (auto of = deputy_of(s.title); of && same_words(*of, head)) return {"KT. " + head, "Phó " + head};
  if (s.leads && !names_position(s.title))
    return s.head_is_other ? std::vector<std::string>{"KT. " + head, "Phó " + head} : std::vector<std::string>{head};
  std::vector<std::string> lines{"TL. " + head};
  for (auto& l : own_position(s.title)) lines.push_back(std::move(l));
  return lines;
}

}  // namespace watchfloor::duty
