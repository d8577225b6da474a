import { describe, expect, it } from 'vitest';
import { homeRoute } from './home';
import { href } from './router';

const as = (...roles: string[]) => ({ roles: roles.map((role) => ({ role })) });
const home = (...roles: string[]) => href(homeRoute(as(...roles)));

describe('home page of each post', () => {
  it('opens the wall for the officers who watch the cameras', () => {
    expect(home('supervision_officer')).toBe('#/wall');
    expect(home('duty_officer')).toBe('#/wall');
  });

  it('opens my duty watch for a shift leader, without a unit so that the server resolves it', () => {
    expect(homeRoute(as('shift_leader'))).toEqual({ page: 'duty', unitId: null });
    expect(home('shift_leader')).toBe('#/duty');
    expect(home('supervision_officer', 'shift_leader')).toBe('#/duty');
  });

  it('opens the inbox for leaders', () => {
    expect(home('hq_leader')).toBe('#/inbox');
    expect(home('unit_leader')).toBe('#/inbox');
    expect(home('unit_leader', 'supervision_officer')).toBe('#/inbox');
  });

  it('opens what the others use', () => {
    expect(home('office_officer')).toBe('#/rosters');
    expect(home('camera_admin')).toBe('#/cameras');
    expect(home('auditor')).toBe('#/audit');
    expect(home('admin')).toBe('#/org');
    expect(home()).toBe('#/org');
    expect(home('external_requester')).toBe('#/data-requests');
  });

  it('opens their data requests for someone of a unit outside customs (Art. 16.3)', () => {
    expect(href(homeRoute(as('supervision_officer'), true))).toBe('#/data-requests');
  });
});
