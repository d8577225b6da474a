#include "sharing/relationships.h"

#include <algorithm>
#include <regex>

#include "core/error.h"
#include "duty/schedule.h"
#include "sharing/records.h"
#include "store/work.h"

namespace watchfloor::sharing {
namespace {

using core::Problem;
using nlohmann::json;

constexpr const char* kSelect =
    "SELECT id, unit_id, partner_unit_id, basis_kind, basis_number, basis_date, basis_title, data_types, unit_ids, "
    "download, valid_from, valid_to, note, ended_at, ended_by, end_reason, created_at, created_by, updated_at "
    "FROM working_relationships";

Relationship from_row(const store::Row& r) {
  Relationship x;
  x.id = r.i64("id");
  x.unit_id = r.i64("unit_id");
  x.partner_unit_id = r.i64("partner_unit_id");
  x.basis_kind = r.str("basis_kind");
  x.basis_number = r.str("basis_number");
  x.basis_date = r.str("basis_date");
  x.basis_title = r.str("basis_title");
  x.data_types = json::parse(r.str("data_types")).get<std::vector<std::string>>();
  x.unit_ids = json::parse(r.str("unit_ids")).get<std::vector<int64_t>>();
  x.download = r.boolean("download");
  x.valid_from = r.str("valid_from");
  x.valid_to = r.opt_str("valid_to");
  x.note = r.str("note");
  x.ended_at = r.opt_i64("ended_at");
  x.ended_by = r.opt_i64("ended_by");
  x.end_reason = r.opt_str("end_reason");
  x.created_at = r.i64("created_at");
  x.created_by = r.i64("created_by");
  x.updated_at = r.i64("updated_at");
  return x;
}

bool is_date(const std::string& s) {
  static const std::regex re(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  return std::regex_match(s, re);
}

void apply(Relationship& r, const RelationshipInput& in) {
  if (in.unit_id) r.unit_id = *in.unit_id;
  if (in.partner_unit_id) r.partner_unit_id = *in.partner_unit_id;
  if (in.basis_kind) r.basis_kind = *in.basis_kind;
  if (in.basis_number) r.basis_number = *in.basis_number;
  if (in.basis_date) r.basis_date = *in.basis_date;
  if (in.basis_title) r.basis_title = *in.basis_title;
  if (in.valid_from) r.valid_from = *in.valid_from;
  if (in.valid_to) r.valid_to = *in.valid_to;
  if (in.note) r.note = *in.note;
  if (in.data_types) r.data_types = *in.data_types;
  if (in.unit_ids) r.unit_ids = *in.unit_ids;
  if (in.download) r.download = *in.download;
}

json details_of(const Relationship& r) {
  return {{"unit_id", r.unit_id}, {"partner_unit_id", r.partner_unit_id}, {"basis", r.basis_vi()},
          {"data_types", r.data_types}, {"unit_ids", r.unit_ids}, {"download", r.download},
          {"valid_from", r.valid_from}, {"valid_to", r.valid_to ? json(*r.valid_to) : json()}};
}

}  // namespace

std::string Relationships::today() const { return duty::local_date_of(clock_.now_ms(), "Asia/Ho_Chi_Minh"); }

std::vector<Relationship> Relationships::list(std::optional<int64_t> unit, bool in_force_only) {
  auto tree = units_.tree();
  std::string now = today();
  std::vector<Relationship> out;
  for (const auto& row : db_.query(std::string(kSelect) + " ORDER BY basis_date DESC, id DESC")) {
    auto r = from_row(row);
    if (in_force_only && !r.in_force(now)) continue;
    if (unit && !tree->contains(*unit, r.unit_id) && !tree->contains(*unit, r.partner_unit_id)) continue;
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Relationship> Relationships::get(int64_t id) {
  auto row = db_.query_one(std::string(kSelect) + " WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return from_row(*row);
}

void Relationships::check(const Relationship& r) const {
  auto tree = units_.tree();
  if (!tree->exists(r.unit_id) || tree->is_external(r.unit_id))
    throw Problem::field("unit_id", "Không có đơn vị Hải quan này", "No such customs unit");
  if (!tree->exists(r.partner_unit_id)) throw Problem::field("partner_unit_id", "Không có đơn vị này", "No such unit");
  if (r.partner_unit_id == r.unit_id)
    throw Problem::field("partner_unit_id", "Hai bên phối hợp phải là hai đơn vị khác nhau", "The two sides must be different units");
  if (!one_of(r.basis_kind, kBasisKinds))
    throw Problem::field("basis_kind", "Chọn quy chế phối hợp, thỏa thuận phối hợp hoặc văn bản chỉ đạo",
                         "One of regulation, agreement, direction");
  if (r.basis_number.empty() || r.basis_number.size() > 100)
    throw Problem::field("basis_number", "Cần số văn bản (tối đa 100 ký tự)", "The document number is required (at most 100 characters)");
  if (!is_date(r.basis_date)) throw Problem::field("basis_date", "Ngày không hợp lệ (YYYY-MM-DD)", "Not a date (YYYY-MM-DD)");
  if (r.basis_title.size() > 500) throw Problem::field("basis_title", "Tối đa 500 ký tự", "At most 500 characters");
  if (r.note.size() > 2000) throw Problem::field("note", "Tối đa 2000 ký tự", "At most 2000 characters");
  if (r.data_types.empty() || !std::all_of(r.data_types.begin(), r.data_types.end(), [](const std::string& t) { return one_of(t, kDataTypes); }))
    throw Problem::field("data_types", "Chọn ít nhất một loại dữ liệu: live, recordings, snapshots, case_data",
                         "At least one of live, recordings, snapshots, case_data");
  for (int64_t u : r.unit_ids)
    if (!tree->exists(u) || !tree->contains(r.unit_id, u))
      throw Problem::field("unit_ids", "Đơn vị được phối hợp phải thuộc đơn vị quản lý dữ liệu", "Covered units must lie within unit_id");
  if (!is_date(r.valid_from)) throw Problem::field("valid_from", "Ngày không hợp lệ (YYYY-MM-DD)", "Not a date (YYYY-MM-DD)");
  if (r.valid_to && (!is_date(*r.valid_to) || *r.valid_to < r.valid_from))
    throw Problem::field("valid_to", "Ngày hết hiệu lực phải là ngày (YYYY-MM-DD) không trước ngày có hiệu lực",
                         "Must be a date (YYYY-MM-DD) not before valid_from");
}

void Relationships::write(const Relationship& r) {
  db_.exec(
      "UPDATE working_relationships SET unit_id = ?, partner_unit_id = ?, basis_kind = ?, basis_number = ?, basis_date = ?, "
      "basis_title = ?, data_types = ?, unit_ids = ?, download = ?, valid_from = ?, valid_to = ?, note = ?, updated_at = ? "
      "WHERE id = ?",
      {r.unit_id, r.partner_unit_id, r.basis_kind, r.basis_number, r.basis_date, r.basis_title, json(r.data_types).dump(),
       json(r.unit_ids).dump(), int64_t{r.download}, r.valid_from, store::opt(r.valid_to), r.note, r.updated_at, r.id});
}

Relationship Relationships::create(const RelationshipInput& in, const audit::Actor& by) {
  Relationship r;
  r.download = false;
  apply(r, in);
  check(r);
  return store::Work::run(db_, [&](store::Work&) {
    r.created_at = r.updated_at = clock_.now_ms();
    r.created_by = by.user_id;
    db_.exec("INSERT INTO working_relationships(unit_id, partner_unit_id, basis_kind, basis_number, basis_date, basis_title, "
             "data_types, unit_ids, download, valid_from, note, created_at, created_by, updated_at) "
             "VALUES (?,?,?,?,?,?,'[]','[]',0,?,'',?,?,?)",
             {r.unit_id, r.partner_unit_id, r.basis_kind, r.basis_number, r.basis_date, r.basis_title, r.valid_from,
              r.created_at, r.created_by, r.updated_at});
    r.id = db_.last_insert_id();
    write(r);
    audit_.append(by.event("relationship.create", "working_relationship", std::to_string(r.id), r.unit_id, details_of(r)));
    return r;
  });
}

Relationship Relationships::update(int64_t id, const RelationshipInput& in, const audit::Actor& by) {
  return store::Work::run(db_, [&](store::Work&) {
    auto r = get(id);
    if (!r) throw Problem::not_found("The working relationship", "Quan hệ phối hợp");
    if (r->ended_at) throw Problem::conflict("The relationship has ended", "Quan hệ phối hợp đã chấm dứt");
    auto before = details_of(*r);
    apply(*r, in);
    check(*r);
    r->updated_at = clock_.now_ms();
    write(*r);
    audit_.append(by.event("relationship.update", "working_relationship", std::to_string(id), r->unit_id,
                           {{"before", before}, {"after", details_of(*r)}}));
    return *r;
  });
}

Relationship Relationships::end(int64_t id, const std::string& reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000)
    throw Problem::field("reason", "Cần nêu lý do (tối đa 2000 ký tự)", "A reason is required (at most 2000 characters)");
  return store::Work::run(db_, [&](store::Work&) {
    auto r = get(id);
    if (!r) throw Problem::not_found("The working relationship", "Quan hệ phối hợp");
    if (r->ended_at) throw Problem::conflict("The relationship has ended already", "Quan hệ phối hợp đã chấm dứt trước đó");
    int64_t now = clock_.now_ms();
    db_.exec("UPDATE working_relationships SET ended_at = ?, ended_by = ?, end_reason = ?, updated_at = ? WHERE id = ?",
             {now, by.user_id, reason, now, id});
    audit_.append(by.event("relationship.end", "working_relationship", std::to_string(id), r->unit_id, {{"reason", reason}}));
    return *get(id);
  });
}

}  // namespace watchfloor::sharing
