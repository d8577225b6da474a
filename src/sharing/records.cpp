#include "sharing/records.h"

#include "core/clock.h"

namespace watchfloor::sharing {

using nlohmann::json;

namespace {

json opt_time(const std::optional<int64_t>& ms) { return ms ? json(core::iso8601(*ms)) : json(); }
json opt_id(const std::optional<int64_t>& id) { return id ? json(*id) : json(); }

}  // namespace

json to_json(const Scope& s) {
  return {{"data_types", s.data_types}, {"camera_ids", s.camera_ids}, {"from", opt_time(s.from_ms)},
          {"to", opt_time(s.to_ms)},    {"mode", s.mode},             {"access_days", s.access_days}};
}

json to_json(const Relationship& r, const std::string& today) {
  return {{"id", r.id},
          {"unit_id", r.unit_id},
          {"partner_unit_id", r.partner_unit_id},
          {"basis_kind", r.basis_kind},
          {"basis_number", r.basis_number},
          {"basis_date", r.basis_date},
          {"basis_title", r.basis_title},
          {"basis_vi", r.basis_vi()},
          {"basis_en", r.basis_en()},
          {"data_types", r.data_types},
          {"unit_ids", r.unit_ids},
          {"download", r.download},
          {"valid_from", r.valid_from},
          {"valid_to", r.valid_to ? json(*r.valid_to) : json()},
          {"note", r.note},
          {"in_force", r.in_force(today)},
          {"ended_at", opt_time(r.ended_at)},
          {"ended_by", opt_id(r.ended_by)},
          {"end_reason", r.end_reason ? json(*r.end_reason) : json()},
          {"created_at", core::iso8601(r.created_at)},
          {"created_by", r.created_by},
          {"updated_at", core::iso8601(r.updated_at)}};
}

json to_json(const SharingRoute& r) {
  json reasons = json::array();
  for (const auto& x : r.reasons) reasons.push_back({{"code", x.code}, {"vi", x.vi}, {"en", x.en}});
  return {{"route", r.route},
          {"operating_unit_id", r.operating_unit_id},
          {"decider_unit_id", r.decider_unit_id},
          {"focal_unit_id", opt_id(r.focal_unit_id)},
          {"relationship_id", opt_id(r.relationship_id)},
          {"basis_vi", r.basis_vi},
          {"basis_en", r.basis_en},
          {"explanation_vi", r.explanation_vi},
          {"explanation_en", r.explanation_en},
          {"reasons", reasons}};
}

SharingRoute route_from_json(const json& j) {
  SharingRoute r;
  r.route = j.at("route").get<std::string>();
  r.operating_unit_id = j.at("operating_unit_id").get<int64_t>();
  r.decider_unit_id = j.at("decider_unit_id").get<int64_t>();
  if (!j.at("focal_unit_id").is_null()) r.focal_unit_id = j.at("focal_unit_id").get<int64_t>();
  if (!j.at("relationship_id").is_null()) r.relationship_id = j.at("relationship_id").get<int64_t>();
  r.basis_vi = j.at("basis_vi").get<std::string>();
  r.basis_en = j.at("basis_en").get<std::string>();
  r.explanation_vi = j.at("explanation_vi").get<std::string>();
  r.explanation_en = j.at("explanation_en").get<std::string>();
  for (const auto& x : j.at("reasons")) r.reasons.push_back({x.at("code"), x.at("vi"), x.at("en")});
  return r;
}

json to_json(const DataRequest& r) {
  json history = json::array();
  for (const auto& e : r.history)
    history.push_back({{"at", core::iso8601(e.at)}, {"by", e.by}, {"action", e.action}, {"text", e.text}});
  json decision;
  if (r.decision)
    decision = {{"decision", r.decision->decision},
                {"reasons", r.decision->reasons},
                {"decided_by", r.decision->decided_by},
                {"decided_at", core::iso8601(r.decision->decided_at)},
                {"scope", r.decision->scope ? to_json(*r.decision->scope) : json()}};
  json j = {{"id", r.id},
            {"number", r.number},
            {"status", r.status},
            {"requester_id", r.requester_id},
            {"requester_unit_id", r.requester_unit_id},
            {"purpose", r.purpose},
            {"reference", r.reference},
            {"case_id", opt_id(r.case_id)},
            {"case_number", r.case_number ? json(*r.case_number) : json()},
            {"routing", to_json(r.routing)},
            {"history", history},
            {"decision", decision},
            {"grant_id", opt_id(r.grant_id)},
            {"created_at", core::iso8601(r.created_at)},
            {"updated_at", core::iso8601(r.updated_at)}};
  j.update(to_json(r.scope));
  return j;
}

json to_json(const GrantRecord& g, int64_t now) {
  json j = {{"id", g.id},
            {"request_id", g.request_id},
            {"request_number", g.request_number},
            {"case_id", opt_id(g.case_id)},
            {"case_number", g.case_number ? json(*g.case_number) : json()},
            {"user_id", g.user_id},
            {"unit_id", g.unit_id},
            {"decider_unit_id", g.decider_unit_id},
            {"issued_by", g.issued_by},
            {"starts_at", core::iso8601(g.starts_at)},
            {"expires_at", core::iso8601(g.expires_at)},
            {"status", g.status(now)},
            {"revoked_at", opt_time(g.revoked_at)},
            {"revoked_by", opt_id(g.revoked_by)},
            {"revoke_reason", g.revoke_reason ? json(*g.revoke_reason) : json()},
            {"uses", g.uses}};
  j.update(to_json(g.scope));
  j.erase("access_days");
  return j;
}

}  // namespace watchfloor::sharing
