// A home for each post (issue 12 §5): where the console opens after login or at `#/`. The officer who
// watches the cameras (supervision officer, duty officer) opens on the video wall; a shift leader on the
// duty board of the duty watch they serve in (`#/duty` without a unit: the server resolves "my duty
// watch" from the roster); a leader on the inbox, where cases wait for a decision. The others open on
// what they use most. Everyone can switch from the navigation; this only picks the first page.
import type { Role, RoleGrant } from './api';
import type { Route } from './router';

export interface HomeUser {
  roles: Pick<RoleGrant, 'role'>[];
}

/** The roles in the order they decide the home page: the first the user holds wins. */
const HOMES: [Role, Route][] = [
  ['shift_leader', { page: 'duty', unitId: null }],
  ['hq_leader', { page: 'inbox' }],
  ['unit_leader', { page: 'inbox' }],
  ['supervision_officer', { page: 'wall', viewId: null }],
  ['duty_officer', { page: 'wall', viewId: null }],
  ['office_officer', { page: 'rosters', unitId: null, rosterId: null }],
  ['camera_admin', { page: 'cameras' }],
  ['auditor', { page: 'audit' }],
  ['admin', { page: 'org', unitId: null }],
];

/**
 * The home page of a user. `external`: the user's own unit is outside customs: their data requests
 * (Art. 16.3), what they asked for and what was granted.
 */
export function homeRoute(user: HomeUser, external = false): Route {
  if (external) return { page: 'data-requests', tab: 'mine' };
  const held = new Set(user.roles.map((r) => r.role));
  for (const [role, route] of HOMES) if (held.has(role)) return route;
  // Someone inside customs with no role above still has the duty board; outside customs, their requests.
  if (user.roles.some((r) => r.role !== 'external_requester')) return { page: 'duty', unitId: null };
  return held.has('external_requester') ? { page: 'data-requests', tab: 'mine' } : { page: 'org', unitId: null };
}
