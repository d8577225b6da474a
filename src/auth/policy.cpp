#include "auth/policy.h"

#include <algorithm>
#include <array>

namespace watchfloor::auth {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 10> kRoleNames = {{
    {Role::admin, "admin"},
    {Role::hq_leader, "hq_leader"},
    {Role::unit_leader, "unit_leader"},
    {Role::shift_leader, "shift_leader"},
    {Role::duty_officer, "duty_officer"},
    {Role::supervision_officer, "supervision_officer"},
    {Role::office_officer, "office_officer"},
    {Role::camera_admin, "camera_admin"},
    {Role::auditor, "auditor"},
    {Role::external_requester, "external_requester"},
}};

// Which roles may perform a unit-scoped action, within the subtree of the unit they hold the role at.
std::vector<Role> roles_for(Action a) {
  switch (a) {
    case Action::unit_write:
    case Action::user_write: return {Role::admin};
    case Action::user_read: return {Role::admin, Role::hq_leader, Role::unit_leader, Role::office_officer, Role::auditor};
    case Action::audit_read: return {Role::admin, Role::auditor};
    case Action::duty_read:
      return {Role::admin, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
              Role::supervision_officer, Role::office_officer, Role::camera_admin, Role::auditor};
    case Action::roster_write: return {Role::admin, Role::office_officer};
    case Action::roster_approve: return {Role::unit_leader, Role::hq_leader};
    case Action::task_read:
    case Action::case_read:
      return {Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer, Role::supervision_officer,
              Role::office_officer, Role::auditor};
    case Action::task_write: return {Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::office_officer};
    case Action::case_write:
      return {Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer, Role::supervision_officer};
    case Action::coordination_respond:
      return {Role::unit_leader, Role::shift_leader, Role::duty_officer, Role::supervision_officer, Role::office_officer};
    case Action::config_write: return {Role::admin};
    case Action::camera_read:
      return {Role::admin, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
              Role::supervision_officer, Role::office_officer, Role::camera_admin, Role::auditor};
    case Action::camera_write: return {Role::admin, Role::camera_admin};
    case Action::video_playback:
    case Action::video_live:
      return {Role::admin, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
              Role::supervision_officer, Role::camera_admin};
    case Action::hold_write: return {Role::admin, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::supervision_officer};
    case Action::data_request_write:
      return {Role::external_requester, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
              Role::supervision_officer, Role::office_officer};
    case Action::data_request_read: return {Role::admin, Role::hq_leader, Role::unit_leader, Role::auditor};
    case Action::relationship_read:
      return {Role::admin, Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
              Role::supervision_officer, Role::office_officer, Role::camera_admin, Role::auditor};
    default: return {};
  }
}

bool in_scope(const Principal& p, const std::vector<Role>& roles, int64_t unit, const UnitScope& scope) {
  return std::any_of(p.grants.begin(), p.grants.end(), [&](const Grant& g) {
    return std::find(roles.begin(), roles.end(), g.role) != roles.end() && scope.contains(g.unit_id, unit);
  });
}

// The roles of the people who watch cameras (not camera administrators, who administer only their own).
bool is_watcher(Role r) {
  static const std::vector<Role> watchers = {Role::hq_leader, Role::unit_leader, Role::shift_leader, Role::duty_officer,
                                             Role::supervision_officer};
  return std::find(watchers.begin(), watchers.end(), r) != watchers.end();
}


bool is_camera_watch(Action a) {
  return a == Action::camera_read || a == Action::video_playback || a == Action::video_live;
}

bool watches_every_camera(const Principal& p, Action a, const UnitScope& scope) {
  return is_camera_watch(a) && watches_sector(p, scope);
}

// Art. 16.2.2: a unit's online supervision section (16.2.2a, in a unit with a camera room) or the focal
// unit it assigns (16.2.2b, in a unit without one) watches that unit's cameras. The people who watch there
// view and play back the cameras of the designating unit's subtree, as the sector's watchers do everywhere.
std::vector<int64_t> section_roots(const Principal& p, const UnitScope& scope) {
  std::vector<int64_t> roots;
  for (const auto& g : p.grants)
    if (is_watcher(g.role))
      for (auto u : scope.watched_through_section(g.unit_id)) roots.push_back(u);
  return roots;
}

bool watches_through_section(const Principal& p, int64_t unit, const UnitScope& scope) {
  if (scope.is_external(unit)) return false;
  auto roots = section_roots(p, scope);
  return std::any_of(roots.begin(), roots.end(), [&](int64_t r) { return scope.contains(r, unit); });
}

bool has_any(const Principal& p, const std::vector<Role>& roles) {
  return std::any_of(p.grants.begin(), p.grants.end(),
                     [&](const Grant& g) { return std::find(roles.begin(), roles.end(), g.role) != roles.end(); });
}

bool leads_system_operator(const Principal& p, const UnitScope& scope) {
  auto op = scope.system_operator();
  return op && std::any_of(p.grants.begin(), p.grants.end(), [&](const Grant& g) {
           return (g.role == Role::unit_leader || g.role == Role::hq_leader) && scope.contains(g.unit_id, *op);
         });
}

}  // namespace

// Art. 16.1 and 16.2.1: the lead unit for online supervision and the system operator run the online
// supervision of the whole sector, so the people who watch there (not their camera administrators,
// who administer only their own) view and play back every camera of every unit, and read the cases
// raised from camera footage.
bool watches_sector(const Principal& p, const UnitScope& scope) {
  return std::any_of(p.grants.begin(), p.grants.end(),
                     [&](const Grant& g) { return is_watcher(g.role) && scope.watches_sector(g.unit_id); });
}

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> r;
    for (const auto& [role, _] : kRoleNames) r.push_back(role);
    return r;
  }();
  return roles;
}

std::string_view role_name(Role r) {
  for (const auto& [role, name] : kRoleNames)
    if (role == r) return name;
  return "unknown";
}

std::optional<Role> parse_role(std::string_view s) {
  for (const auto& [role, name] : kRoleNames)
    if (name == s) return role;
  return std::nullopt;
}

bool Principal::has_role(Role r) const {
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return g.role == r; });
}

bool is_external(const Principal& p, const UnitScope& scope) {
  if (scope.is_external(p.unit_id)) return true;
  return !p.grants.empty() && std::all_of(p.grants.begin(), p.grants.end(),
                                          [](const Grant& g) { return g.role == Role::external_requester; });
}

namespace {

bool allowed_by_role(const Principal& p, Action a, const Target& t, const UnitScope& scope) {
  switch (a) {
    case Action::public_access:
    case Action::authenticated: return true;
    case Action::unit_read:
      // The organisation chart is shared knowledge inside customs (officers address other units);
      // a unit outside customs sees only itself (so listing is allowed, and filtered).
      if (!is_external(p, scope) || !t.unit) return true;
      return scope.contains(p.unit_id, *t.unit);
    case Action::shift_write:
    case Action::shift_command:
    case Action::shift_stop_order:
      // Only the people on that shift write in it, whatever their roles elsewhere. Asked about no shift
      // in particular (the route-level check), anyone inside customs may be on some shift.
      if (is_external(p, scope)) return false;
      if (!t.unit && !t.shift_position) return true;
      if (a == Action::shift_write) return t.shift_position.has_value();
      // Art. 7: stopping goods or a means of transport is the shift leader's direction; a division-level
      // leader gives it only when the roster names them acting leader of that shift.
      if (a == Action::shift_stop_order)
        return t.shift_position &&
               (*t.shift_position == "shift_leader" || (*t.shift_position == "deputy_leader" && t.acting_leader));
      return t.shift_position &&
             (*t.shift_position == "shift_leader" || *t.shift_position == "deputy_leader");
    case Action::case_handle:
    case Action::case_propose:
    case Action::case_approve: {
      // Decided by the case's routing (Art. 16.4), not by rank: only the people it was sent to act on
      // it, and only its approvers approve. Asked about no case in particular, anyone inside customs.
      if (is_external(p, scope)) return false;
      if (!t.unit && !t.relation) return true;
      if (!t.relation) return false;
      if (a == Action::case_approve) return *t.relation == "approver";
      if (a == Action::case_propose && *t.relation == "reporter") return true;
      return *t.relation == "approver" || *t.relation == "recipient";
    }
    case Action::data_request_write:
      // Outside requesters file for their own unit; inside customs, officers and leaders.
      return has_any(p, roles_for(a));
    case Action::data_request_read:
      // Its requester and the people it is routed to, wherever they are; leaders and auditors above.
      if (t.relation) return true;
      if (!t.unit) return has_any(p, roles_for(a)) || has_any(p, roles_for(Action::data_request_write));
      return !is_external(p, scope) && in_scope(p, roles_for(a), *t.unit, scope);
    case Action::data_decide:
      // Decided by the request's routing (Art. 16.3), as a case's approval is by its routing.
      if (is_external(p, scope)) return false;
      return (!t.unit && !t.relation) || (t.relation && (*t.relation == "decider" || *t.relation == "focal_point"));
    case Action::grant_revoke:
    case Action::relationship_write:
      // Admin, and the leadership of the unit that operates the system for the sector; a grant also by the
      // leadership that decided it. Asked about no grant in particular, anyone inside customs.
      if (is_external(p, scope)) return false;
      if (a == Action::grant_revoke && (t.relation ? *t.relation == "decider" : !t.unit)) return true;
      return has_any(p, {Role::admin}) || leads_system_operator(p, scope);
    case Action::relationship_read:
      return !is_external(p, scope) && has_any(p, roles_for(a));
    case Action::case_read:
    case Action::task_read:
      if (is_external(p, scope)) return false;
      if (a == Action::case_read && t.owner_user && *t.owner_user != p.user_id) return false;  // a draft is its author's
      if (t.relation) return true;  // routed to them, reported by them, asked to coordinate, assigned
      if (a == Action::case_read && t.from_camera && watches_sector(p, scope)) return true;
      break;
    case Action::case_write:
      // A draft is its author's until it is reported.
      if (t.owner_user && *t.owner_user != p.user_id) return false;
      break;
    case Action::wall_view_read:
    case Action::wall_view_write: {
      // Wall views are for the people who watch cameras. One's own view, always; a view shared with a
      // unit is read by the people of that unit (and below) and by those who watch it from above, and
      // changed, or made the unit's default, by its owner or the unit's leaders. Private views never
      // reach this far for anyone but their owner (the handler answers 404).
      if (is_external(p, scope)) return false;
      const auto watchers = roles_for(Action::camera_read);
      if (!has_any(p, watchers)) return false;
      if (t.owner_user && *t.owner_user == p.user_id) return true;
      if (!t.unit) return !t.owner_user;
      if (a == Action::wall_view_read) return in_scope(p, watchers, *t.unit, scope) || scope.contains(*t.unit, p.unit_id);
      return in_scope(p, {Role::admin, Role::hq_leader, Role::unit_leader}, *t.unit, scope);
    }
    default: break;
  }
  // An alert about a camera reaches those who watch every camera: a tile of the wall flashes for it.
  if (a == Action::duty_read && t.from_camera &&
      (watches_sector(p, scope) || (t.unit && watches_through_section(p, *t.unit, scope))))
    return true;
  switch (a) {
    case Action::duty_read:
      // The duty watch of one's own units and of the units above them: a branch officer reports to the
      // provincial duty watch (Art. 16.4a) and must see who is on it. Never a sibling's.
      if (t.unit && !is_external(p, scope)) {
        auto roles = roles_for(a);
        for (const auto& g : p.grants)
          if (std::find(roles.begin(), roles.end(), g.role) != roles.end() && scope.contains(*t.unit, g.unit_id))
            return true;
      }
      [[fallthrough]];
    case Action::user_read:
      if (a == Action::user_read && t.owner_user && *t.owner_user == p.user_id) return true;
      [[fallthrough]];
    default: {
      if (is_external(p, scope)) return false;
      if (t.unit && watches_every_camera(p, a, scope) && !scope.is_external(*t.unit)) return true;
      if (t.unit && is_camera_watch(a) && watches_through_section(p, *t.unit, scope)) return true;
      auto roles = roles_for(a);
      return t.unit ? in_scope(p, roles, *t.unit, scope) : has_any(p, roles);
    }
  }
}

// What a grant gives for `a` on the camera of `t`: the first shortfall, or nullopt when it covers it.
std::optional<std::string> shortfall(const DataGrant& g, Action a, const Target& t) {
  if (a == Action::video_live && !g.live) return "grant-data-type";
  if (a == Action::video_playback) {
    if (t.snapshot ? !(g.snapshots || g.recordings) : !g.recordings) return "grant-data-type";
    if (t.span_ms && (!g.from_ms || !g.to_ms || t.span_ms->first < *g.from_ms || t.span_ms->second > *g.to_ms))
      return "grant-outside-range";
    if (t.download && !g.download) return "grant-mode";
  }
  return std::nullopt;
}

// Whether the grant names the object of `t` that `a` is about: the case for case_read, else the camera.
bool names(const DataGrant& g, Action a, const Target& t) {
  if (a == Action::case_read) return t.case_id && g.case_id == t.case_id;
  return t.camera && std::find(g.cameras.begin(), g.cameras.end(), *t.camera) != g.cameras.end();
}

}  // namespace

std::optional<int64_t> via_grant(const Principal& p, Action a, const Target& t, const UnitScope& scope) {
  if (!(is_camera_watch(a) || a == Action::case_read) || p.data_grants.empty() || allowed_by_role(p, a, t, scope))
    return std::nullopt;
  for (const auto& g : p.data_grants) {
    if (a == Action::case_read && !g.case_id) continue;
    if (!t.camera && !t.case_id) {
      // Asked about no camera or case in particular (the route): any grant, even a lapsed one, lets the handler
      // say exactly what the grant gives or why it no longer does.
      if (!t.unit) return g.id;
      continue;
    }
    if (!g.lapsed && names(g, a, t) && !shortfall(g, a, t)) return g.id;
  }
  return std::nullopt;
}

std::optional<std::string> grant_shortfall(const Principal& p, Action a, const Target& t) {
  std::optional<std::string> why, lapsed;
  for (const auto& g : p.data_grants) {
    if (!names(g, a, t)) continue;
    if (g.lapsed) {
      if (!lapsed) lapsed = g.lapsed;  // the newest grant's reason (data_grants come newest first)
      continue;
    }
    auto s = shortfall(g, a, t);
    if (!s) return std::nullopt;
    why = s;
  }
  return why ? why : lapsed;
}

bool allowed(const Principal& p, Action a, const Target& t, const UnitScope& scope) {
  return allowed_by_role(p, a, t, scope) || via_grant(p, a, t, scope).has_value();
}

std::optional<std::vector<int64_t>> scope_roots(const Principal& p, Action a, const UnitScope& scope) {
  if (a == Action::unit_read && !is_external(p, scope)) return std::nullopt;
  if (a == Action::unit_read) return std::vector<int64_t>{p.unit_id};
  std::vector<int64_t> roots;
  if (is_external(p, scope)) return roots;
  if (watches_every_camera(p, a, scope)) return std::nullopt;
  auto roles = roles_for(a);
  for (const auto& g : p.grants)
    if (std::find(roles.begin(), roles.end(), g.role) != roles.end()) roots.push_back(g.unit_id);
  if (is_camera_watch(a))
    for (auto u : section_roots(p, scope)) roots.push_back(u);
  return roots;
}

}  // namespace watchfloor::auth
