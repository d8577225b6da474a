// The demo's online supervision: a task of each method and cases in several states, so that the
// inbox, the case list, the routing explanation and a coordination request are there to look at.
// Runs once per demo installation (after the duty watch, whose shift on duty receives cases).
#include <fmt/format.h>

#include "app/installation.h"
#include "core/log.h"

namespace watchfloor::app {
namespace {

using nlohmann::json;

struct Demo {
  Installation& inst;

  int64_t user(const std::string& username) {
    auto u = inst.users.by_username(username);
    if (!u) throw std::runtime_error("demo user missing: " + username);
    return u->id;
  }
  int64_t unit(const std::string& code) {
    auto u = inst.units.by_code(code);
    if (!u) throw std::runtime_error("demo unit missing: " + code);
    return u->id;
  }
  // One write as the API does it: the operation is its own unit of work and writes its own audit entry.
  template <typename F>
  auto write(const std::string&, F&& f) {
    return f();
  }
  supervision::Task task(const std::string& unit_code, const std::string& method, const std::string& title, const std::string& by,
                   json officers, json targets, json directive = json()) {
    supervision::TaskInput in;
    in.unit_id = unit(unit_code);
    in.method = method;
    in.title = title;
    in.period_from = inst.clock.now_ms() - 7 * 86'400'000LL;
    in.period_to = inst.clock.now_ms() + 60 * 86'400'000LL;
    in.officers = std::move(officers);
    in.targets = std::move(targets);
    if (!directive.is_null()) in.directive = std::move(directive);
    return write("task.create", [&] { return inst.tasks.create(in, user(by)); });
  }
  supervision::Case reported(const std::string& by, const std::string& unit_code, std::optional<int64_t> task, const std::string& severity,
                       int minutes_ago, const std::string& site, const std::string& description, const std::string& violation,
                       json identifiers, const std::string& measure) {
    supervision::CaseInput in;
    in.unit_id = unit(unit_code);
    in.task_id = task;
    in.severity = severity;
    in.observed_at = inst.clock.now_ms() - minutes_ago * 60'000LL;
    in.site = site;
    in.subject = "goods";
    in.description = description;
    in.suspected_violation = violation;
    in.immediate_measure = measure;
    in.identifiers = std::move(identifiers);
    in.cameras = json::array({{{"camera", site + " - camera 01"},
                               {"from", core::iso8601(*in.observed_at - 120'000)},
                               {"to", core::iso8601(*in.observed_at + 300'000)}}});
    auto c = write("case.create", [&] { return inst.cases.create(in, user(by)); });
    return write("case.report", [&] { return inst.cases.report(c.id, user(by)); });
  }
  int64_t approver_of(const supervision::Case& c) {
    for (const auto& r : c.routing["recipients"])
      if (r.value("approver", false)) return r["user_id"];
    throw std::runtime_error("demo case without an approver: " + c.number);
  }
};

}  // namespace

void ensure_demo_cases(Installation& inst) {
  if (inst.db->query_one("SELECT 1 FROM cases LIMIT 1") || !inst.units.by_code("HP")) return;
  Demo d{inst};
  auto officer = [&](const std::string& name, json scope) { return json{{"user_id", d.user(name)}, {"scope", std::move(scope)}}; };

  d.task("HP", "duty_task", "Giám sát cổng B và bãi container số 3 cảng Tân Vũ trong ca trực", "truongca.hp",
         json::array({officer("canbo.hp", {{"area", "Cổng B, bãi số 3"}, {"customs_type", "Hàng hóa xuất nhập khẩu"}})}),
         json::array({{{"type", "site"}, {"ref", "TV-CONG-B"}, {"label", "Cổng B cảng Tân Vũ"}}}));
  auto plan = d.task("HP", "keypoint_plan", "Kế hoạch giám sát trọng điểm phế liệu nhập khẩu qua cảng Hải Phòng quý IV/2026",
                     "lanhdao.hp",
                     json::array({officer("canbo.hpkv1", {{"field", "Phế liệu nhập khẩu"}, {"route", "Cảng Hải Phòng khu vực I"}}),
                                  officer("canbo.hp", {{"field", "Phế liệu nhập khẩu"}, {"area", "Cảng Đình Vũ"}})}),
                     json::array({{{"type", "enterprise"}, {"ref", "0201234567"}, {"label", "Công ty TNHH Thép Duyên Hải"}},
                                  {{"type", "route"}, {"ref", "HP-DV"}, {"label", "Cảng Đình Vũ - kho ngoại quan"}}}));
  auto directive = d.task("DTCBL", "keypoint_directive", "Giám sát hàng điện tử quá cảnh qua cửa khẩu Hữu Nghị theo chỉ đạo của Lãnh đạo Tổng cục",
                          "tonghop.vp", json::array({officer("canbo.gstt", {{"field", "Hàng quá cảnh"}, {"route", "Hữu Nghị - Lạng Sơn"}})}),
                          json::array({{{"type", "route"}, {"ref", "LS-HN"}, {"label", "Cửa khẩu quốc tế Hữu Nghị"}}}),
                          json{{"number", "1234/TCHQ-ĐTCBL"}, {"date", duty::local_date_of(inst.clock.now_ms() - 3 * 86'400'000LL, "Asia/Ho_Chi_Minh")},
                               {"issuer", "Phó Tổng cục trưởng Trần Quốc Hưng"}});

  // Waiting for the shift on duty to acknowledge (16.4a).
  d.reported("canbo.hpkv1", "HP-CKKV1", std::nullopt, "high", 6, "Cổng B cảng Tân Vũ",
             "Xe đầu kéo 15C-123.45 kéo container TCNU 123456-7 rời bãi khi tờ khai chưa được thông quan",
             "Đưa hàng ra khỏi khu vực giám sát hải quan khi chưa được phép",
             {{"containers", {"TCNU1234567"}}, {"plates", {"15C-123.45"}}, {"declarations", {"305987654321"}}},
             "Đề nghị Đội Giám sát dừng xe tại cổng ra");
  // In handling, with a plan approved by the shift leader (Art. 15.1d).
  auto seal = d.reported("canbo.hpkv1", "HP-CKKV1", std::nullopt, "medium", 95, "Bãi container số 3 cảng Hải Phòng khu vực I",
                         "Niêm phong hải quan container MSKU 765432-1 có dấu hiệu bị can thiệp",
                         "Thay đổi niêm phong hải quan", {{"containers", {"MSKU7654321"}}, {"seals", {"HQ-0451289"}}},
                         "Yêu cầu giữ nguyên container tại bãi số 3");
  int64_t lead = d.approver_of(seal);
  d.write("case.acknowledge", [&] { return inst.cases.acknowledge(seal.id, lead); });
  seal = d.write("case.propose", [&] {
    return inst.cases.propose(seal.id, d.user("canbo.hpkv1"), "Dừng đưa container qua khu vực giám sát, kiểm tra thực tế 100% và lập biên bản");
  });
  d.write("case.decide", [&] { return inst.cases.decide(seal.id, seal.proposals.at(0).id, lead, true, std::string("Đồng ý, báo cáo kết quả trong ca")); });
  d.write("case.handle", [&] { return inst.cases.start_handling(seal.id, lead); });
  // Key-point plan (16.4b): with the provincial leadership, coordination asked of the Đình Vũ branch.
  auto scrap = d.reported("canbo.hpkv1", "HP-CKKV1", plan.id, "medium", 180, "Khu vực soi chiếu cảng Hải Phòng khu vực I",
                          "Hình ảnh soi chiếu lô phế liệu sắt thép của tờ khai 105123456789 có dấu hiệu lẫn tạp chất không được phép nhập khẩu",
                          "Nhập khẩu phế liệu không đáp ứng quy chuẩn", {{"declarations", {"105123456789"}}, {"containers", {"TGHU8123456"}}},
                          "Chưa cho đưa lô hàng qua khu vực giám sát");
  int64_t director = d.user("lanhdao.hp");
  d.write("case.acknowledge", [&] { return inst.cases.acknowledge(scrap.id, director); });
  d.write("coordination.create", [&] {
    return inst.coordination.request(
        {scrap.id, d.unit("HP-DV"), inst.clock.now_ms() + 2 * 86'400'000LL,
         "Lô hàng cùng chủ hàng đang lưu tại kho ngoại quan Đình Vũ (tờ khai 105123456790)",
         "Kiểm tra thực tế, lấy mẫu phân tích và thông báo kết quả", "Đ/c Trịnh Hoàng Nam, Phòng GSQL, ĐT 0225 3836 123"},
        director);
  });
  // Leadership-directed (16.4c): through the General Affairs Division to headquarters leadership. One waits
  // at the focal point (an hour to forward it); an earlier one went the whole way and back.
  int64_t focal = d.user("tonghop.vp"), hq_leader = d.user("lanhdao.tchq");
  auto earlier = d.reported("canbo.gstt", "DTCBL-GSTT", directive.id, "medium", 240, "Cửa khẩu quốc tế Hữu Nghị",
                            "Xe 12C-031.22 chở linh kiện điện tử quá cảnh dừng đỗ ngoài tuyến đường quy định 40 phút",
                            "Vận chuyển hàng quá cảnh không đúng tuyến đường", {{"plates", {"12C-031.22"}}, {"declarations", {"305111222001"}}},
                            "Đề nghị Đội Kiểm soát hải quan theo dõi xe đến cửa khẩu");
  d.write("case.acknowledge", [&] { return inst.cases.acknowledge(earlier.id, focal); });
  d.write("case.forward", [&] {
    return inst.cases.forward(earlier.id, focal, {hq_leader},
                              "Xe chở hàng điện tử quá cảnh dừng ngoài tuyến 40 phút trên QL1A; Chi cục Hữu Nghị đã theo dõi, chưa kiểm tra",
                              std::string("Đề nghị giao Cục Hải quan Lạng Sơn kiểm tra thực tế tại cửa khẩu"));
  });
  d.write("case.direct", [&] {
    return inst.cases.direct(earlier.id, hq_leader, "Giao Cục Hải quan Lạng Sơn kiểm tra thực tế toàn bộ lô hàng, báo cáo kết quả trong ngày");
  });
  d.write("case.relay_direction", [&] {
    return inst.cases.relay_direction(earlier.id, focal, std::string("Đã thông báo Cục Hải quan Lạng Sơn và Cục ĐTCBL"));
  });
  d.reported("canbo.gstt", "DTCBL-GSTT", directive.id, "medium", 30, "Cửa khẩu quốc tế Hữu Nghị",
             "Hàng điện tử quá cảnh trên xe 12C-045.67 có số kiện thực tế nhiều hơn khai báo", "Khai sai số lượng hàng quá cảnh",
             {{"plates", {"12C-045.67"}}, {"declarations", {"305111222333"}}}, "Đề nghị Chi cục Hữu Nghị giữ xe tại bãi kiểm hóa");
  core::log_info("demo: opened cases under each method of Article 16.4");
}

}  // namespace watchfloor::app
