#include "supervision/coordination_form.h"

#include <fmt/format.h>

#include <cctype>

#include "duty/issuer.h"
#include "duty/report.h"

namespace watchfloor::supervision {
namespace {

// Ký hiệu tên loại of the coordination request. Nghị định 30 Appendix III has no entry for a request
// (phiếu đề nghị, giấy đề nghị): its "phiếu" are the transmittal slip (Phiếu gửi, PG), the forwarding
// slip (Phiếu chuyển, PC) and the notice (Phiếu báo, PB), none of which asks another unit to act, and a
// công văn has no type abbreviation at all. The regulation names the form "Phiếu đề nghị", so it is
// abbreviated the way Appendix III abbreviates its own "phiếu" and "giấy" (Phiếu gửi PG, Giấy mời GM):
// the initials of the type's name, "PĐN"; "phối hợp" is what is requested, not part of the type.
constexpr std::string_view kCoordinationType = "PĐN";

// The request's number within its unit's series of the year: "03" of "03/2026/PH-HP" as the cases
// module numbers them; nullopt for a number written otherwise.
std::optional<int64_t> sequence_of(const std::string& number) {
  size_t digits = 0;
  while (digits < number.size() && digits < 9 && std::isdigit(static_cast<unsigned char>(number[digits]))) ++digits;
  if (digits == 0 || (digits < number.size() && number[digits] != '/')) return std::nullopt;
  return std::stoll(number.substr(0, digits));
}

}  // namespace

CoordinationForm build_coordination_form(Cases& cases, org::Units& units, org::Users& users,
                                         const CoordinationRequest& r) {
  const duty::Issuer issuer = duty::issuer_of(r.from_unit_id, units.list());
  const std::string& tz = issuer.unit.time_zone;
  const auto to = units.get(r.to_unit_id);
  const auto c = cases.get(r.case_id);
  const auto signer = users.get(r.created_by);

  CoordinationForm f;
  if (issuer.parent) f.parent_unit_name = issuer.parent->name_vi;
  f.unit_name = issuer.unit.name_vi;
  f.unit_symbol = issuer.symbol;
  const auto n = sequence_of(r.number);
  f.document_number = n ? duty::document_number(*n, kCoordinationType, issuer.symbol) : "Số: " + r.number;
  f.place_date = duty::place_date(issuer, r.created_at);
  f.legal_basis = std::string(duty::kRegulation);
  f.receiving_unit = to ? to->name_vi : "";
  f.case_number = r.case_number;
  f.case_summary = c ? c->description : "";
  f.content = r.content;
  f.requested_action = r.requested_action;
  f.deadline_local = duty::format_local(r.deadline, tz, "%H:%M ngày %d/%m/%Y");
  f.contacts = r.contacts;

  std::vector<std::string> lines;
  if (signer) {
    org::UserQuery q;
    q.unit = issuer.unit.id;
    lines = duty::signature_lines(issuer.head_title, duty::signer_at(issuer, *signer, users.list(q)));
    f.signer_name = signer->full_name;
  }
  for (const auto& l : lines) f.signer_title += (f.signer_title.empty() ? "" : "\n") + l;

  std::vector<std::string> copies;
  if (c && c->unit_id != issuer.unit.id && c->unit_id != r.to_unit_id)
    if (auto detecting = units.get(c->unit_id)) copies.push_back(detecting->name_vi + " (để biết);");
  const bool for_the_head =
      !lines.empty() && (lines.front().rfind("KT. ", 0) == 0 || lines.front().rfind("TL. ", 0) == 0);
  if (for_the_head) copies.push_back(lines.front().substr(4) + " (để báo cáo);");
  for (const auto& line : copies) f.copy_to += (f.copy_to.empty() ? "" : "\n") + line;
  return f;
}

}  // namespace watchfloor::supervision
