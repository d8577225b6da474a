#include "sharing/requests.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "duty/schedule.h"
#include "store/work.h"
#include "supervision/directory.h"

namespace watchfloor::sharing {
namespace {

using core::Problem;
using nlohmann::json;

constexpr const char* kSelect =
    "SELECT r.id, r.number, r.status, r.requester_id, r.requester_unit_id, r.purpose, r.reference, r.case_id, r.data_types, "
    "r.camera_ids, r.from_ms, r.to_ms, r.mode, r.access_days, r.routing, r.decision, r.decided_by, r.decided_at, "
    "r.created_at, r.updated_at, g.id AS grant_id, c.number AS case_number FROM data_requests r "
    "LEFT JOIN data_grants g ON g.request_id = r.id LEFT JOIN cases c ON c.id = r.case_id";

constexpr int64_t kDay = 86'400'000;

Scope scope_from_json(const json& j) {
  Scope s;
  s.data_types = j.at("data_types").get<std::vector<std::string>>();
  s.camera_ids = j.at("camera_ids").get<std::vector<int64_t>>();
  if (!j.at("from").is_null()) s.from_ms = core::parse_iso8601(j.at("from").get<std::string>());
  if (!j.at("to").is_null()) s.to_ms = core::parse_iso8601(j.at("to").get<std::string>());
  s.mode = j.at("mode").get<std::string>();
  s.access_days = j.at("access_days").get<int64_t>();
  return s;
}

DataRequest from_row(const store::Row& r) {
  DataRequest x;
  x.id = r.i64("id");
  x.number = r.str("number");
  x.status = r.str("status");
  x.requester_id = r.i64("requester_id");
  x.requester_unit_id = r.i64("requester_unit_id");
  x.purpose = r.str("purpose");
  x.reference = r.str("reference");
  x.case_id = r.opt_i64("case_id");
  x.case_number = r.opt_str("case_number");
  x.scope.data_types = json::parse(r.str("data_types")).get<std::vector<std::string>>();
  x.scope.camera_ids = json::parse(r.str("camera_ids")).get<std::vector<int64_t>>();
  x.scope.from_ms = r.opt_i64("from_ms");
  x.scope.to_ms = r.opt_i64("to_ms");
  x.scope.mode = r.str("mode");
  x.scope.access_days = r.i64("access_days");
  x.routing = route_from_json(json::parse(r.str("routing")));
  if (auto d = r.opt_str("decision")) {
    auto j = json::parse(*d);
    x.decision = Decision{j.at("decision"), j.at("reasons"), r.i64("decided_by"), r.i64("decided_at"), std::nullopt};
    if (!j.at("scope").is_null()) x.decision->scope = scope_from_json(j.at("scope"));
  }
  x.grant_id = r.opt_i64("grant_id");
  x.created_at = r.i64("created_at");
  x.updated_at = r.i64("updated_at");
  return x;
}

bool needs_range(const Scope& s) {
  return std::any_of(s.data_types.begin(), s.data_types.end(), [](const std::string& t) { return t == "recordings" || t == "snapshots"; });
}

bool contains_all(const std::vector<int64_t>& outer, const std::vector<int64_t>& inner) {
  return std::all_of(inner.begin(), inner.end(), [&](int64_t x) { return std::find(outer.begin(), outer.end(), x) != outer.end(); });
}

bool contains_all(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& x) { return std::find(outer.begin(), outer.end(), x) != outer.end(); });
}

void text_field(const std::string& v, const char* field, size_t max, bool required) {
  if ((required && v.empty()) || v.size() > max)
    throw Problem::field(field, fmt::format("{}tối đa {} ký tự", required ? "Bắt buộc; " : "", max),
                         fmt::format("{}at most {} characters", required ? "Required; " : "", max));
}

}  // namespace

void Requests::check_scope(const Scope& s, const char* prefix) {
  auto f = [&](const char* name) { return std::string(prefix) + name; };
  if (s.data_types.empty() || !std::all_of(s.data_types.begin(), s.data_types.end(), [](const std::string& t) { return one_of(t, kDataTypes); }))
    throw Problem::field(f("data_types"), "Chọn ít nhất một loại dữ liệu: live, recordings, snapshots, case_data",
                         "At least one of live, recordings, snapshots, case_data");
  if (!one_of(s.mode, kModes)) throw Problem::field(f("mode"), "Chọn view hoặc download", "One of view, download");
  bool case_only = s.data_types == std::vector<std::string>{"case_data"};
  if (s.camera_ids.empty() && !case_only) throw Problem::field(f("camera_ids"), "Chọn ít nhất một camera", "Choose at least one camera");
  if (static_cast<int64_t>(s.camera_ids.size()) > limits_.max_cameras)
    throw Problem::field(f("camera_ids"), fmt::format("Mỗi yêu cầu tối đa {} camera", limits_.max_cameras),
                         fmt::format("At most {} cameras per request", limits_.max_cameras));
  std::set<int64_t> seen;
  auto tree = units_.tree();
  for (int64_t id : s.camera_ids) {
    auto cam = catalog_.camera(id);
    if (!cam || tree->is_external(cam->unit_id) || !seen.insert(id).second)
      throw Problem::field(f("camera_ids"), fmt::format("Không có camera số {} (hoặc bị chọn hai lần)", id),
                           fmt::format("No camera {} (or chosen twice)", id));
  }
  if (needs_range(s)) {
    if (!s.from_ms) throw Problem::field(f("from"), "Cần thời điểm bắt đầu của dữ liệu ghi hình", "The start of the recordings is required");
    if (!s.to_ms) throw Problem::field(f("to"), "Cần thời điểm kết thúc của dữ liệu ghi hình", "The end of the recordings is required");
    if (*s.to_ms <= *s.from_ms) throw Problem::field(f("to"), "Phải sau thời điểm bắt đầu", "Must be after from");
    if (*s.to_ms > clock_.now_ms())
      throw Problem::field(f("to"), "Chưa có dữ liệu ghi hình ở thời điểm trong tương lai", "There are no recordings of the future yet");
    if (*s.to_ms - *s.from_ms > limits_.max_range_days * kDay)
      throw Problem::field(f("to"), fmt::format("Khoảng thời gian tối đa {} ngày", limits_.max_range_days),
                           fmt::format("At most {} days of recordings", limits_.max_range_days));
  } else if (s.from_ms || s.to_ms) {
    throw Problem::field(f("from"), "Chỉ dùng thời gian với dữ liệu ghi hình hoặc ảnh chụp", "A time range applies to recordings and snapshots only");
  }
  if (s.access_days < 1 || s.access_days > limits_.max_access_days)
    throw Problem::field(f("access_days"), fmt::format("Từ 1 đến {} ngày", limits_.max_access_days),
                         fmt::format("From 1 to {} days", limits_.max_access_days));
}

DataRequest Requests::load(int64_t id) {
  auto r = get(id);
  if (!r) throw Problem::not_found("The data request", "Yêu cầu khai thác dữ liệu");
  return *r;
}

std::optional<DataRequest> Requests::get(int64_t id) {
  auto row = db_.query_one(std::string(kSelect) + " WHERE r.id = ?", {id});
  if (!row) return std::nullopt;
  auto r = from_row(*row);
  for (const auto& e : db_.query("SELECT at, by_user, action, text FROM data_request_events WHERE request_id = ? ORDER BY id", {id}))
    r.history.push_back({e.i64("at"), e.i64("by_user"), e.str("action"), e.str("text")});
  return r;
}

std::vector<DataRequest> Requests::list(const RequestQuery& q, size_t* scanned, int64_t* last_id) {
  std::string sql = std::string(kSelect) + " WHERE 1 = 1";
  std::vector<store::Value> params;
  if (q.view == "mine") sql += " AND (r.requester_id = ? OR r.requester_unit_id = ?)", params.insert(params.end(), {q.user, q.user_unit});
  if (q.view == "to_decide") sql += " AND r.status IN ('at_focal_point', 'pending')";
  if (q.status) sql += " AND r.status = ?", params.emplace_back(*q.status);
  if (q.before) sql += " AND r.id < ?", params.emplace_back(*q.before);
  auto rows = db_.query(sql + " ORDER BY r.id DESC LIMIT ?", [&] { auto p = params; p.emplace_back(q.limit); return p; }());
  if (scanned) *scanned = rows.size();
  if (last_id && !rows.empty()) *last_id = rows.back().i64("id");
  std::vector<DataRequest> out;
  auto tree = units_.tree();
  std::optional<supervision::Directory> dir;
  for (const auto& row : rows) {
    auto r = from_row(row);
    if (q.view == "to_decide") {
      auto rel = relation(r, q.user);
      if (!rel || *rel == "requester") continue;
    }
    if (q.view == "all" && q.scope_units) {
      bool seen = std::any_of(q.scope_units->begin(), q.scope_units->end(), [&](int64_t u) {
        return tree->contains(u, r.requester_unit_id) || tree->contains(u, r.routing.operating_unit_id) ||
               tree->contains(u, r.routing.decider_unit_id);
      });
      if (!seen) continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

int64_t Requests::operating_unit(int64_t camera_unit) {
  return sharing::operating_unit(*directory(), camera_unit);
}

std::shared_ptr<const supervision::Directory> Requests::directory() {
  int64_t now = clock_.now_ms();
  std::lock_guard lock(directory_mu_);
  if (!directory_ || now - directory_at_ >= 1000 || now < directory_at_) {
    directory_ = std::make_shared<const supervision::Directory>(reader_.read(now));
    directory_at_ = now;
  }
  return directory_;
}

std::vector<int64_t> Requests::people(int64_t unit, bool focal_point) {
  auto held = directory();  // keeps the snapshot alive while it is read
  const auto& dir = *held;
  std::vector<int64_t> out;
  if (const auto* u = dir.unit(unit))
    for (const auto* p : focal_point ? supervision::focal_point_people(dir, *u) : supervision::leadership_of(dir, *u))
      out.push_back(p->user_id);
  return out;
}

std::vector<int64_t> Requests::deciders(const DataRequest& r) { return people(r.routing.decider_unit_id, false); }

bool Requests::leads(int64_t unit, int64_t user) {
  auto v = people(unit, false);
  return std::find(v.begin(), v.end(), user) != v.end();
}

std::optional<std::string> Requests::relation(const DataRequest& r, int64_t user) {
  auto in = [](const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  if (r.status == "at_focal_point" && in(people(r.routing.decider_unit_id, true), user)) return "focal_point";
  if (leads(r.routing.decider_unit_id, user)) return "decider";
  if (r.requester_id == user) return "requester";
  return std::nullopt;
}

json Requests::can(const DataRequest& r, int64_t user) {
  auto rel = relation(r, user);
  bool requester = r.requester_id == user;
  bool open = r.status == "at_focal_point" || r.status == "pending" || r.status == "info_requested";
  return {{"forward", rel == "focal_point" && r.status == "at_focal_point"},
          {"decide", rel == "decider" && r.status == "pending"},
          {"answer", requester && r.status == "info_requested"},
          {"withdraw", requester && open}};
}

void Requests::record(int64_t id, int64_t by, const std::string& action, const std::string& text) {
  int64_t now = clock_.now_ms();
  db_.exec("INSERT INTO data_request_events(request_id, at, by_user, action, text) VALUES (?,?,?,?,?)", {id, now, by, action, text});
  db_.exec("UPDATE data_requests SET updated_at = ? WHERE id = ?", {now, id});
}

void Requests::set_status(int64_t id, const std::string& status) {
  db_.exec("UPDATE data_requests SET status = ? WHERE id = ?", {status, id});
}

DataRequest Requests::submit(const RequestInput& in, int64_t requester_unit, const audit::Actor& by) {
  text_field(in.purpose, "purpose", 4000, true);
  text_field(in.reference, "reference", 500, false);
  check_scope(in.scope, "");
  // The case, by id or by number: a reported one. Case data names the case whose record it asks for.
  std::optional<int64_t> case_id = in.case_id, case_unit;
  if (in.case_number) {
    auto c = db_.query_one("SELECT id FROM cases WHERE number = ? AND status <> 'draft'", {*in.case_number});
    if (!c || (case_id && *case_id != c->i64("id")))
      throw Problem::field("case_number", fmt::format("Không có vụ việc số {}", *in.case_number), fmt::format("No case numbered {}", *in.case_number));
    case_id = c->i64("id");
  }
  if (case_id) {
    auto c = db_.query_one("SELECT unit_id FROM cases WHERE id = ? AND status <> 'draft'", {*case_id});
    if (!c) throw Problem::field("case_id", "Không có vụ việc này", "No such case");
    case_unit = c->i64("unit_id");
  }
  if (!case_id && std::find(in.scope.data_types.begin(), in.scope.data_types.end(), "case_data") != in.scope.data_types.end())
    throw Problem::field("case_number", "Nêu số vụ việc cần khai thác thông tin", "Name the case whose data you need");
  int64_t now = clock_.now_ms();
  auto dir = reader_.read(now);
  Ask ask{requester_unit, {}, in.scope.data_types, in.scope.mode, std::nullopt, in.scope.access_days, case_unit};
  for (int64_t id : in.scope.camera_ids) ask.camera_units.push_back(catalog_.camera(id)->unit_id);
  if (in.scope.from_ms && in.scope.to_ms) ask.range_ms = *in.scope.to_ms - *in.scope.from_ms;
  Limits limits{limits_.ordinary_cameras, limits_.ordinary_range_hours, limits_.ordinary_access_days};
  auto route = route_request(ask, relationships_.list(std::nullopt, true), limits, dir, relationships_.today());

  return store::Work::run(db_, [&](store::Work&) {
    int year = std::stoi(duty::local_date_of(now, "Asia/Ho_Chi_Minh").substr(0, 4));
    std::string number = fmt::format("YC-{}-{:04}", year, store::next_number(db_, fmt::format("data_request:{}", year)));
    std::vector<int64_t> focal;
    if (route.route == "hq_leadership" && route.focal_unit_id)
      if (const auto* top = dir.unit(route.decider_unit_id))
        for (const auto* p : supervision::focal_point_people(dir, *top)) focal.push_back(p->user_id);
    std::string status = focal.empty() ? "pending" : "at_focal_point";
    db_.exec("INSERT INTO data_requests(number, status, requester_id, requester_unit_id, purpose, reference, case_id, data_types, "
             "camera_ids, from_ms, to_ms, mode, access_days, route, operating_unit_id, decider_unit_id, focal_unit_id, "
             "relationship_id, routing, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
             {number, status, by.user_id, requester_unit, in.purpose, in.reference, store::opt(case_id),
              json(in.scope.data_types).dump(), json(in.scope.camera_ids).dump(), store::opt(in.scope.from_ms),
              store::opt(in.scope.to_ms), in.scope.mode, in.scope.access_days, route.route, route.operating_unit_id,
              route.decider_unit_id, store::opt(route.focal_unit_id), store::opt(route.relationship_id), to_json(route).dump(),
              now, now});
    int64_t id = db_.last_insert_id();
    record(id, by.user_id, "submitted", in.purpose);
    audit_.append(by.event("data_request.submit", "data_request", std::to_string(id), route.operating_unit_id,
                           {{"number", number}, {"route", route.route}, {"cameras", in.scope.camera_ids},
                            {"data_types", in.scope.data_types}, {"mode", in.scope.mode}}));
    auto r = load(id);
    if (status == "at_focal_point") {
      inbox_.notify_request(focal, "data_request.at_focal_point", id, "Yêu cầu khai thác dữ liệu " + number + " chờ đầu mối trình Lãnh đạo",
                            "Data request " + number + " waits for the focal point to present it");
    } else {
      inbox_.notify_request(deciders(r), "data_request.to_decide", id, "Yêu cầu khai thác dữ liệu " + number + " chờ quyết định",
                            "Data request " + number + " awaits your decision");
    }
    return r;
  });
}

DataRequest Requests::forward(int64_t id, const std::string& note, const audit::Actor& by) {
  text_field(note, "note", 4000, false);
  return store::Work::run(db_, [&](store::Work&) {
    auto r = load(id);
    if (r.status != "at_focal_point") throw Problem::conflict("The request is not waiting at the focal point", "Yêu cầu không chờ ở đầu mối");
    if (relation(r, by.user_id) != "focal_point") throw Problem::forbidden();
    set_status(id, "pending");
    record(id, by.user_id, "forwarded", note);
    audit_.append(by.event("data_request.forward", "data_request", std::to_string(id), r.routing.operating_unit_id, {{"note", note}}));
    inbox_.notify_request(deciders(r), "data_request.to_decide", id, "Yêu cầu khai thác dữ liệu " + r.number + " được trình, chờ quyết định",
                          "Data request " + r.number + " is presented for your decision");
    return load(id);
  });
}

DataRequest Requests::decide(int64_t id, const std::string& decision, const std::string& reasons,
                             const std::optional<Scope>& narrower, const audit::Actor& by) {
  if (!one_of(decision, kDecisions))
    throw Problem::field("decision", "Chọn approve, approve_narrower, ask_info hoặc refuse", "One of approve, approve_narrower, ask_info, refuse");
  text_field(reasons, "reasons", 4000, true);
  if (narrower && decision != "approve_narrower")
    throw Problem::field("narrower", "Chỉ dùng khi chấp thuận phạm vi hẹp hơn", "Only with approve_narrower");
  if (!narrower && decision == "approve_narrower")
    throw Problem::field("narrower", "Cần phạm vi được chấp thuận", "The narrower scope is required");
  return store::Work::run(db_, [&](store::Work&) {
    auto r = load(id);
    if (r.status != "pending") throw Problem::conflict("The request is not waiting for a decision", "Yêu cầu không ở trạng thái chờ quyết định");
    if (relation(r, by.user_id) != "decider") throw Problem::forbidden();
    std::optional<Scope> given;
    if (decision == "approve") given = r.scope;
    if (decision == "approve_narrower") {
      Scope n = *narrower;
      if (!needs_range(n)) n.from_ms = n.to_ms = std::nullopt;  // live only: the recordings' range falls away
      check_scope(n, "narrower.");
      if (!contains_all(r.scope.camera_ids, n.camera_ids))
        throw Problem::field("narrower.camera_ids", "Chỉ được chọn trong các camera đã yêu cầu", "Only cameras the request asked for");
      if (!contains_all(r.scope.data_types, n.data_types))
        throw Problem::field("narrower.data_types", "Chỉ được chọn trong các loại dữ liệu đã yêu cầu", "Only data types the request asked for");
      if (n.from_ms && (!r.scope.from_ms || *n.from_ms < *r.scope.from_ms || *n.to_ms > *r.scope.to_ms))
        throw Problem::field("narrower.from", "Phải nằm trong khoảng thời gian đã yêu cầu", "Must lie within the range asked for");
      if (n.mode == "download" && r.scope.mode != "download")
        throw Problem::field("narrower.mode", "Yêu cầu chỉ xin xem, không thể cho tải về", "The request asked to view only");
      if (n.access_days > r.scope.access_days)
        throw Problem::field("narrower.access_days", "Không dài hơn thời hạn đã yêu cầu", "Not longer than the request asked for");
      given = n;
    }
    int64_t now = clock_.now_ms();
    std::string status = decision == "ask_info" ? "info_requested" : decision == "refuse" ? "refused" : "approved";
    json stored = {{"decision", decision}, {"reasons", reasons}, {"scope", given ? to_json(*given) : json()}};
    if (decision == "ask_info") {
      set_status(id, status);
    } else {
      db_.exec("UPDATE data_requests SET status = ?, decision = ?, decided_by = ?, decided_at = ? WHERE id = ?",
               {status, stored.dump(), by.user_id, now, id});
    }
    record(id, by.user_id, decision == "ask_info" ? "info_requested" : "decided", reasons);
    std::optional<GrantRecord> grant;
    if (given) grant = grants_.issue(r, *given, by.user_id);
    json details = stored;
    if (grant) details["grant_id"] = grant->id;
    audit_.append(by.event("data_request.decide", "data_request", std::to_string(id), r.routing.operating_unit_id, details));
    static const std::map<std::string, std::pair<const char*, const char*>> words = {
        {"approve", {"được chấp thuận", "was approved"}},
        {"approve_narrower", {"được chấp thuận với phạm vi hẹp hơn", "was approved with a narrower scope"}},
        {"ask_info", {"cần bổ sung thông tin", "needs more information"}},
        {"refuse", {"bị từ chối", "was refused"}}};
    const auto& [vi, en] = words.at(decision);
    inbox_.notify_request({r.requester_id}, decision == "ask_info" ? "data_request.info_requested" : "data_request.decided", id,
                          fmt::format("Yêu cầu khai thác dữ liệu {} {}", r.number, vi), fmt::format("Data request {} {}", r.number, en));
    return load(id);
  });
}

DataRequest Requests::answer(int64_t id, const std::string& text, const audit::Actor& by) {
  text_field(text, "text", 4000, true);
  return store::Work::run(db_, [&](store::Work&) {
    auto r = load(id);
    if (r.requester_id != by.user_id) throw Problem::forbidden();
    if (r.status != "info_requested") throw Problem::conflict("No information was asked for", "Yêu cầu không ở trạng thái cần bổ sung thông tin");
    set_status(id, "pending");
    record(id, by.user_id, "answered", text);
    audit_.append(by.event("data_request.answer", "data_request", std::to_string(id), r.routing.operating_unit_id, {{"text", text}}));
    inbox_.notify_request(deciders(r), "data_request.to_decide", id, "Yêu cầu khai thác dữ liệu " + r.number + " đã được bổ sung thông tin",
                          "Data request " + r.number + " was answered");
    return load(id);
  });
}

DataRequest Requests::withdraw(int64_t id, const std::string& reason, const audit::Actor& by) {
  text_field(reason, "reason", 2000, true);
  return store::Work::run(db_, [&](store::Work&) {
    auto r = load(id);
    if (r.requester_id != by.user_id) throw Problem::forbidden();
    if (r.status == "approved" || r.status == "refused" || r.status == "withdrawn")
      throw Problem::conflict("The request has been decided or withdrawn", "Yêu cầu đã được quyết định hoặc đã rút");
    set_status(id, "withdrawn");
    record(id, by.user_id, "withdrawn", reason);
    audit_.append(by.event("data_request.withdraw", "data_request", std::to_string(id), r.routing.operating_unit_id, {{"reason", reason}}));
    // Whoever it waited for is told: the focal point, or the deciders (who may have asked for information).
    auto waited_for = r.status == "at_focal_point" ? people(r.routing.decider_unit_id, true) : deciders(r);
    inbox_.notify_request(waited_for, "data_request.withdrawn", id, "Yêu cầu khai thác dữ liệu " + r.number + " đã được rút: " + reason,
                          "Data request " + r.number + " was withdrawn: " + reason);
    return load(id);
  });
}

}  // namespace watchfloor::sharing
