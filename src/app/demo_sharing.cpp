// The demo's data sharing (Art. 16.3): the coordination regulations of Hải Phòng with the Border Guard and with
// Lạng Sơn; a request of the Border Guard waiting for Hải Phòng's leadership, one for live view waiting at the
// focal point; and Lạng Sơn's request, approved, whose grant is in force. Filed and decided by the demo's people
// through the domain, as they would in the console.
#include <spdlog/spdlog.h>

#include "app/installation.h"

namespace watchfloor::app {
namespace {

std::optional<audit::Actor> person(Installation& inst, const char* login) {
  auto u = inst.users.by_username(login);
  if (!u) return std::nullopt;
  return audit::Actor(u->id, u->username, "", "local");
}

std::optional<int64_t> camera_named(Installation& inst, const std::string& name) {
  for (const auto& c : inst.catalog.cameras(std::nullopt, std::nullopt))
    if (c.name == name) return c.id;
  return std::nullopt;
}

}  // namespace

void ensure_demo_sharing(Installation& inst) {
  if (!inst.db->query("SELECT 1 FROM data_requests LIMIT 1").empty()) return;
  auto admin = person(inst, "admin.tchq");
  auto guard = person(inst, "bienphong.bdbp");
  auto ls = person(inst, "trucban.ls");
  auto hp_leader = person(inst, "lanhdao.hp");
  auto hp = inst.units.by_code("HP"), bdbp = inst.units.by_code("EXT-BDBP"), ls_unit = inst.units.by_code("LS");
  auto gate = camera_named(inst, "Cổng B - làn xe ra"), yard = camera_named(inst, "Bãi container số 3");
  if (!admin || !guard || !ls || !hp_leader || !hp || !bdbp || !ls_unit || !gate || !yard) return;  // another preset

  sharing::RelationshipInput rel;
  rel.unit_id = hp->id;
  rel.partner_unit_id = bdbp->id;
  rel.basis_kind = "regulation";
  rel.basis_number = "125/QCPH-HQHP-BĐBP";
  rel.basis_date = "2024-03-15";
  rel.basis_title = "Quy chế phối hợp giữa Cục Hải quan thành phố Hải Phòng và Bộ đội Biên phòng thành phố Hải Phòng "
                    "trong phòng, chống buôn lậu, gian lận thương mại tại khu vực cảng biển";
  rel.data_types = std::vector<std::string>{"recordings", "snapshots"};
  rel.download = false;
  rel.valid_from = "2024-03-15";
  rel.valid_to = std::optional<std::string>("2029-03-14");
  inst.relationships.create(rel, *admin);
  rel.partner_unit_id = ls_unit->id;
  rel.basis_number = "38/QCPH-HQHP-HQLS";
  rel.basis_date = "2025-01-10";
  rel.basis_title = "Quy chế phối hợp giám sát hàng hóa quá cảnh, chuyển cảng giữa Cục Hải quan thành phố Hải Phòng và "
                    "Cục Hải quan tỉnh Lạng Sơn";
  rel.data_types = std::vector<std::string>{"live", "recordings", "snapshots"};
  rel.download = true;
  rel.valid_from = "2025-01-10";
  rel.valid_to = std::optional<std::string>();
  inst.relationships.create(rel, *admin);

  int64_t now = inst.clock.now_ms(), hour = 3'600'000;
  sharing::RequestInput ask;
  ask.purpose = "Xác minh phương tiện vận tải nghi vấn vận chuyển hàng cấm qua cổng B cảng Tân Vũ";
  ask.reference = "Công văn số 412/BĐBP-PCMT";
  ask.scope = {{"recordings"}, {*gate}, now - 2 * hour, now - hour, "view", 7};
  inst.requests.submit(ask, bdbp->id, *guard);

  ask.purpose = "Theo dõi trực tiếp phương tiện nghi vấn tại bãi container trong đợt cao điểm";
  ask.reference = "Kế hoạch số 88/KH-BĐBP";
  ask.scope = {{"live"}, {*yard}, std::nullopt, std::nullopt, "view", 14};
  inst.requests.submit(ask, bdbp->id, *guard);

  ask.purpose = "Giám sát lô hàng quá cảnh chuyển cửa khẩu Hữu Nghị, tờ khai 305123456789";
  ask.reference = "Tờ trình số 57/TTr-HQLS";
  ask.scope = {{"live", "recordings"}, {*gate}, now - hour, now, "view", 10};
  auto asked = inst.requests.submit(ask, inst.users.get(ls->user_id)->unit_id, *ls);
  inst.requests.decide(asked.id, "approve", "Phù hợp Quy chế phối hợp số 38/QCPH-HQHP-HQLS; giám sát lô hàng quá cảnh", std::nullopt,
                       *hp_leader);
  spdlog::info("demo: data sharing (two working relationships, three data requests, one grant in force)");
}

}  // namespace watchfloor::app
