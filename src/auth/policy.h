#pragma once
// The one permission policy. Every route names an Action; the HTTP layer and the handlers ask
// `allowed` and nothing else decides access. Roles are granted at a unit and hold for its subtree.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace watchfloor::auth {

enum class Role {
  admin,
  hq_leader,           // lãnh đạo Tổng cục (2017), lãnh đạo Cục (2025): org/hq_words.h
  unit_leader,         // lãnh đạo đơn vị
  shift_leader,        // lãnh đạo ca trực
  duty_officer,        // cán bộ trực ban
  supervision_officer, // công chức giám sát trực tuyến
  office_officer,      // cán bộ Văn phòng
  camera_admin,
  auditor,
  external_requester,  // đơn vị ngoài ngành yêu cầu khai thác dữ liệu
};

const std::vector<Role>& all_roles();
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Grant {
  Role role;
  int64_t unit_id;
};

// A data-sharing grant (quyền khai thác, Art. 16.3; sharing/grants.h) the principal holds: exactly these cameras,
// these kinds of data, this recordings window, view or download, while it is in force.
struct DataGrant {
  int64_t id = 0;
  std::vector<int64_t> cameras;
  bool live = false, recordings = false, snapshots = false;
  bool download = false;                  // mode "download"; otherwise view only
  std::optional<int64_t> from_ms, to_ms;  // the recordings window (with recordings or snapshots)
  std::optional<int64_t> case_id;         // case data: the case whose record it lets its holder read
  // "grant-expired" or "grant-revoked" for one no longer in force: it gives nothing, and a refusal says why.
  std::optional<std::string> lapsed;
};

struct Principal {
  int64_t user_id = 0;
  std::string username;
  int64_t unit_id = 0;
  std::vector<Grant> grants;
  std::vector<DataGrant> data_grants;  // loaded with each request, newest first: in force, and lately lapsed
  bool has_role(Role r) const;
};

// What the policy needs to know about the organisation; the org module implements it.
class UnitScope {
 public:
  virtual ~UnitScope() = default;
  // True when `unit` is `ancestor` or lies beneath it.
  virtual bool contains(int64_t ancestor, int64_t unit) const = 0;
  virtual bool is_external(int64_t unit) const = 0;
  // True when `unit` is, or lies beneath, a unit that watches the cameras of the whole sector: the
  // one designated lead unit for online supervision or system operator (Art. 16.1, 16.2.1).
  virtual bool watches_sector(int64_t /*unit*/) const { return false; }
  // The units whose cameras the people at `unit` watch as their online supervision section or focal
  // unit (Art. 16.2.2): every unit that designates `unit`, or a unit above it, as its supervision_section.
  virtual std::vector<int64_t> watched_through_section(int64_t /*unit*/) const { return {}; }
  // The unit that operates the system for the sector (its system_operator designation), if any.
  virtual std::optional<int64_t> system_operator() const { return std::nullopt; }
};

enum class Action {
  public_access,   // no login (health, login itself)
  authenticated,   // any logged-in user (own session, vocabulary)
  unit_read,
  unit_write,
  user_read,
  user_write,
  audit_read,
  duty_read,       // see a unit's rosters, shifts, duty log (trực ban)
  roster_write,    // draft and submit rosters (the Office)
  roster_approve,  // approve rosters, record composition exceptions (unit leadership)
  shift_write,     // write in a shift: duty log, check-in (members of that shift only)
  shift_command,   // focus items, orders, handover (the shift's leaders only)
  shift_stop_order,  // direct that goods or a means of transport be stopped (Art. 7): the shift leader, or
                     // the deputy the roster names acting leader (quyền lãnh đạo ca trực) of that shift
  task_read,       // supervision tasks of a unit (nhiệm vụ giám sát); also the officers assigned
  task_write,      // assign supervision tasks (leadership, shift leaders, the focal point's Office)
  case_read,       // cases (vụ việc) of a unit's subtree; also the people a case is routed to
  case_write,      // open and report a case (officers who supervise); a draft only by its author
  case_handle,     // acknowledge, take into handling, carry out an approved plan: the case's recipients
  case_propose,    // propose a handling plan (Art. 15.1d): its reporter and its recipients
  case_approve,    // approve plans, request coordination, conclude, close, reopen: the case's approvers
  coordination_respond,  // acknowledge and answer a coordination request addressed to one's unit
  config_write,    // installation-wide settings such as escalation policies
  camera_read,     // sites and cameras of a unit's subtree (no video: viewing and playback are audited reads)
  camera_write,    // add, change and remove sites and cameras (camera administrators)
  video_playback,  // recordings, playback and snapshots of a camera (each read audited)
  video_live,      // watch a camera live (each view audited, from when to when)
  hold_write,      // place evidence holds on recordings and cancel them (hủy lưu giữ)
  wall_view_read,  // saved video wall views shared with a unit (màn hình giám sát); one's own always
  wall_view_write, // change a shared wall view: its owner, or the leaders of its unit; also the unit's default view
  // Art. 16.3, data sharing (sharing/):
  data_request_write,  // file a data request: outside requesters, and officers and leaders inside customs
  data_request_read,   // a data request: its requester, its deciders and focal point; leaders and auditors above
  data_decide,         // forward (the focal point) and decide (the decider's leadership) a data request
  grant_revoke,        // revoke a grant: its decider's leadership, the system operator's leadership, admin
  relationship_read,   // the register of working relationships: everyone inside customs
  relationship_write,  // maintain it: admin and the system operator's leadership
};

struct Target {
  Target() = default;
  Target(std::optional<int64_t> unit_id, std::optional<int64_t> owner = std::nullopt) : unit(unit_id), owner_user(owner) {}
  std::optional<int64_t> unit;        // the unit the object belongs to; nullopt: the action in general
  std::optional<int64_t> owner_user;  // the user the object is about, when it is a person
  std::optional<std::string> shift_position;  // the caller's position in the shift concerned, if a member
  bool acting_leader = false;                  // ... and the roster names them its acting leader
  // What the caller is to the case or task concerned: "reporter", "recipient", "approver",
  // "coordinating" (a unit asked to coordinate), "assigned" (an officer of the task).
  std::optional<std::string> relation;
  // A case raised from camera footage: the units that watch the whole sector read it (Art. 16.1).
  bool from_camera = false;
  // A camera's video: which camera, the span of recordings read ([from, to) in ms), whether it is a
  // still or a download. Role rules look at `unit`; data-sharing grants at these.
  std::optional<int64_t> camera;
  std::optional<std::pair<int64_t, int64_t>> span_ms;
  bool snapshot = false, download = false;
  // The case concerned: a grant of case data names the case it lets its holder read.
  std::optional<int64_t> case_id;
  static Target of_camera(int64_t unit_id, int64_t camera_id) {
    Target t(unit_id);
    t.camera = camera_id;
    return t;
  }
};

bool allowed(const Principal& p, Action a, const Target& t, const UnitScope& scope);

// The data-sharing grant through which `a` on `t` is allowed when the role rules alone do not allow it,
// or nullopt (the role rules allow it, or nothing does): a camera's video (the camera of `t`) or a case's record
// (case_read, the case of `t`). Every use through a grant is audited with its id.
std::optional<int64_t> via_grant(const Principal& p, Action a, const Target& t, const UnitScope& scope);

// Why the principal's grants do not cover `a` on `t` though one of them names the camera (or, for case_read,
// the case): the problem slug "grant-data-type", "grant-outside-range", "grant-mode", or
// "grant-expired"/"grant-revoked" when only lapsed grants name it; nullopt when one covers it or none names it.
std::optional<std::string> grant_shortfall(const Principal& p, Action a, const Target& t);

// A principal whose unit is outside customs, or who holds only the external requester role.
bool is_external(const Principal& p, const UnitScope& scope);

// Art. 16.1, 16.2.1: the people who watch for the whole sector (the lead unit's and the system operator's
// watchers): they view every camera and read the cases raised from footage.
bool watches_sector(const Principal& p, const UnitScope& scope);

// The units whose subtrees the principal may act on for `a` (for filtering lists).
// nullopt means no restriction by unit.
std::optional<std::vector<int64_t>> scope_roots(const Principal& p, Action a, const UnitScope& scope);

}  // namespace watchfloor::auth
